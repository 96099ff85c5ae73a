"""The tool graph: tools, their parameters and the data flow between them (reference §3).

Nodes are tools and parameters; edges are *input* (input parameter → tool), *output* (tool →
output parameter), *data flow* (output parameter → input parameter, one per
:class:`~envfactory_core.graph.records.Link`) and *dependency* (tool → tool, wherever some output of
the first feeds an input of the second).

A graph is immutable once built. It saves to canonical JSON (never pickle), and its
``content_id`` is computed from what it was built from (each environment spec's content id, the
linker and labeller with their settings), so the same inputs give the same id on any machine and a
run can tell whether a saved graph is stale.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Problem, RecordError
from ..ids import JsonValue, canonical_json, content_id
from ..serialize import from_json, to_json
from ._backend import Digraph
from .errors import GraphFileError, UnknownToolError
from .index import UNREACHABLE, GraphIndex
from .records import EnvironmentNode, GraphIssue, GraphSource, Link, Parameter, ToolNode

if TYPE_CHECKING:
    from ..store import RunStore

__all__ = ["EDGE_KINDS", "FORMAT", "FORMAT_VERSION", "ToolGraph"]

FORMAT = "envfactory/tool-graph"
FORMAT_VERSION = 1
EDGE_KINDS = ("input", "output", "data_flow", "dependency")
"""Edge kinds: input param → tool, tool → output param, output → input param, tool → tool."""

STORE_BLOB_KIND = "tool_graph"


def graph_id(source: GraphSource) -> str:
    """The content id of a graph built from ``source``."""
    return content_id({"format": FORMAT, "version": FORMAT_VERSION, "source": to_json(source)})


class ToolGraph:
    """Tools, parameters and data-flow links over a set of environments; see the module docstring."""

    def __init__(
        self,
        *,
        source: GraphSource,
        tools: Sequence[ToolNode],
        links: Sequence[Link],
        issues: Sequence[GraphIssue] = (),
    ) -> None:
        self.source = source
        self.tools: tuple[ToolNode, ...] = tuple(sorted(tools, key=lambda tool: tool.name))
        self.links: tuple[Link, ...] = tuple(sorted(links, key=lambda link: (link.target, link.source)))
        self.issues: tuple[GraphIssue, ...] = tuple(issues)
        self.content_id = graph_id(source)
        self._tools = {tool.name: tool for tool in self.tools}
        if len(self._tools) != len(self.tools):
            raise ValueError("a tool graph cannot hold two tools of the same name")
        self._parameters: dict[str, Parameter] = {}
        self._links_into: dict[str, list[Link]] = {}
        self._links_from: dict[str, list[Link]] = {}
        self._graph = Digraph()
        self._assemble()

    def _assemble(self) -> None:
        graph = self._graph
        for tool in self.tools:
            graph.add_node(tool.name, "tool")
            for parameter in tool.inputs:
                self._parameters[parameter.id] = parameter
                graph.add_node(parameter.id, "input")
                graph.add_edge(parameter.id, tool.name, "input")
            for parameter in tool.outputs:
                self._parameters[parameter.id] = parameter
                graph.add_node(parameter.id, "output")
                graph.add_edge(tool.name, parameter.id, "output")
        for link in self.links:
            source = self._parameters.get(link.source)
            target = self._parameters.get(link.target)
            if source is None or source.direction != "output":
                raise ValueError(f"link source {link.source!r} is not an output parameter of the graph")
            if target is None or target.direction != "input":
                raise ValueError(f"link target {link.target!r} is not an input parameter of the graph")
            if source.tool == target.tool:
                raise ValueError(f"link {link.source!r} -> {link.target!r} connects a tool to itself")
            graph.add_edge(link.source, link.target, "data_flow")
            graph.add_edge(source.tool, target.tool, "dependency")
            self._links_into.setdefault(link.target, []).append(link)
            self._links_from.setdefault(link.source, []).append(link)

    # --- looking things up --------------------------------------------------------------------

    def __repr__(self) -> str:
        return f"<ToolGraph {len(self.tools)} tools, {len(self.links)} links, {len(self.environments)} environments>"

    def __len__(self) -> int:
        return len(self.tools)

    @property
    def environments(self) -> tuple[EnvironmentNode, ...]:
        return self.source.environments

    @property
    def tool_names(self) -> tuple[str, ...]:
        return tuple(self._tools)

    def tool(self, name: str) -> ToolNode:
        """The tool ``env__tool`` (a bare tool name works when only one environment has it)."""
        found = self._tools.get(name)
        if found is not None:
            return found
        matches = [tool for tool in self.tools if tool.tool == name]
        if len(matches) == 1:
            return matches[0]
        raise UnknownToolError(name, self.tool_names)

    def parameter(self, parameter_id: str) -> Parameter:
        try:
            return self._parameters[parameter_id]
        except KeyError:
            raise KeyError(f"the graph has no parameter {parameter_id!r}") from None

    def providers(self, input_id: str) -> tuple[Link, ...]:
        """Links into an input parameter, best first."""
        return tuple(sorted(self._links_into.get(input_id, ()), key=lambda link: (-link.score, link.source)))

    def consumers(self, output_id: str) -> tuple[Link, ...]:
        """Links out of an output parameter, best first."""
        return tuple(sorted(self._links_from.get(output_id, ()), key=lambda link: (-link.score, link.target)))

    def successors(self, tool: str) -> tuple[str, ...]:
        """Tools that consume some output of ``tool`` (dependency edges out)."""
        return tuple(self._graph.successors(self.tool(tool).name, "dependency"))

    def predecessors(self, tool: str) -> tuple[str, ...]:
        """Tools that produce some input of ``tool`` (dependency edges in)."""
        return tuple(self._graph.predecessors(self.tool(tool).name, "dependency"))

    def edge_counts(self) -> dict[str, int]:
        """Edges by kind (every kind present, zero included)."""
        counts = self._graph.edge_kinds()
        return {kind: counts.get(kind, 0) for kind in EDGE_KINDS}

    def node_counts(self) -> dict[str, int]:
        counts = self._graph.node_kinds()
        return {"tool": counts.get("tool", 0), "input": counts.get("input", 0), "output": counts.get("output", 0)}

    def tool_components(self) -> list[list[str]]:
        """Groups of tools connected by dependency edges (either direction), largest first."""
        return self._graph.components("tool")

    @cached_property
    def index(self) -> GraphIndex:
        """The integer view samplers and the chain validator use (computed once)."""
        return GraphIndex(self.tools, self.links)

    def depth(self, tool: str) -> int | None:
        """Levels of earlier tools ``tool`` needs before its required inputs are filled; None if never."""
        value = self.index.depth[self.index.position[self.tool(tool).name]]
        return None if value >= UNREACHABLE else value

    @property
    def reachable_tools(self) -> tuple[str, ...]:
        """Tools that can appear in a valid chain."""
        index = self.index
        return tuple(index.names[position] for position in index.reachable)

    @property
    def unreachable_tools(self) -> tuple[str, ...]:
        index = self.index
        return tuple(name for name, depth in zip(index.names, index.depth, strict=True) if depth >= UNREACHABLE)

    def unfillable_inputs(self) -> tuple[Parameter, ...]:
        """Inputs that are not user-providable and that no tool output feeds."""
        return tuple(
            parameter
            for tool in self.tools
            for parameter in tool.inputs
            if not parameter.user_providable and parameter.id not in self._links_into
        )

    # --- persistence --------------------------------------------------------------------------

    def to_json(self) -> dict[str, JsonValue]:
        """The whole graph as plain JSON values (canonical: sorted, no floats that vary)."""
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "content_id": self.content_id,
            "source": to_json(self.source),
            "tools": to_json(list(self.tools)),
            "links": to_json(list(self.links)),
            "issues": to_json(list(self.issues)),
        }

    def dumps(self) -> str:
        """Canonical JSON text: the same graph gives the same bytes in every process."""
        return canonical_json(self.to_json())

    @classmethod
    def from_json(cls, data: Any) -> ToolGraph:
        """Read a graph written by :meth:`to_json`; :class:`GraphFileError` lists what is wrong."""
        if not isinstance(data, dict):
            raise GraphFileError(
                "not a tool graph", [Problem(location="$", message=f"expected an object, got {type(data).__name__}")]
            )
        if data.get("format") != FORMAT:
            raise GraphFileError(
                "not a tool graph",
                [
                    Problem(
                        location="format",
                        message=f"expected {FORMAT!r}, got {data.get('format')!r}",
                        fix="write it with `envfactory graph build`",
                    )
                ],
            )
        if data.get("version") != FORMAT_VERSION:
            raise GraphFileError(
                "unsupported tool graph version",
                [
                    Problem(
                        location="version",
                        message=f"this envfactory reads version {FORMAT_VERSION}, got {data.get('version')!r}",
                        fix="rebuild the graph with `envfactory graph build`",
                    )
                ],
            )
        extra = sorted(set(data) - {"format", "version", "content_id", "source", "tools", "links", "issues"})
        if extra:
            raise GraphFileError("not a tool graph", [Problem(location=key, message="unknown key") for key in extra])
        try:
            source = from_json(GraphSource, data.get("source", {}))
            tools = from_json(list[ToolNode], data.get("tools", []))
            links = from_json(list[Link], data.get("links", []))
            issues = from_json(list[GraphIssue], data.get("issues", []))
            graph = cls(source=source, tools=tools, links=links, issues=issues)
        except RecordError as error:
            raise GraphFileError("the tool graph file is damaged", error.problems) from error
        except ValueError as error:
            raise GraphFileError(
                "the tool graph file is damaged", [Problem(location="links", message=str(error))]
            ) from error
        stated = data.get("content_id")
        if stated is not None and stated != graph.content_id:
            raise GraphFileError(
                "the tool graph file is damaged",
                [
                    Problem(
                        location="content_id",
                        message=f"says {stated} but its source hashes to {graph.content_id}",
                        fix="rebuild the graph instead of editing the file",
                    )
                ],
            )
        return graph

    def save(self, path: str | Path) -> Path:
        """Write the graph as canonical JSON to ``path``."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.dumps() + "\n", encoding="utf-8")
        return target

    @classmethod
    def load(cls, path: str | Path) -> ToolGraph:
        source = Path(path)
        try:
            text = source.read_text(encoding="utf-8")
        except OSError as error:
            raise GraphFileError(
                f"cannot read the tool graph {source}",
                [
                    Problem(
                        location=str(source),
                        message=error.strerror or str(error),
                        fix="build one with `envfactory graph build --out FILE`",
                    )
                ],
            ) from error
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise GraphFileError(
                f"{source} is not JSON",
                [Problem(location=f"line {error.lineno} column {error.colno}", message=error.msg)],
            ) from error
        return cls.from_json(data)

    def save_to_store(self, store: RunStore) -> str:
        """Keep the graph in a run store (content-addressed by ``content_id``); returns the id."""
        return store.put_blob(STORE_BLOB_KIND, self.to_json(), blob_id=self.content_id)

    @classmethod
    def load_from_store(cls, store: RunStore, graph_id: str) -> ToolGraph:
        return cls.from_json(store.get_blob(graph_id))
