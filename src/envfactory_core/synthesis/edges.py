"""``llm/edges``: a linker that lets a model add tool→tool edges within each environment (§3.2).

The tool graph derives its dependency edges (tool → tool) from data-flow links (an output
parameter of one tool feeding an input of another), so an edge the model proposes must name the
output field and the input argument that carry the data. ``llm/edges`` first runs a base linker
(``base``, default ``core/lexical``, with ``base_options``), then, per environment and
concurrently, shows the model the tools with their inputs and outputs and the edges already
there, and asks which are missing. Every proposal is validated: both tools exist in that
environment and differ, the field and the argument exist, their types are compatible, and the
edge is new; a bad answer goes back with the list of valid names, and an environment whose
answers stay unusable keeps only the base links. Cross-environment edges come only from the base
linker, as in the reference.

It is a linker (hook ``register_linkers``), so it plugs in wherever a linker is named: the graph
stage (``options = { linker = "llm/edges", linker_options = { model = "..." } }``) or
``envfactory graph build --linker llm/edges --linker-option model=...``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import attrs

from ..graph.linkers import EmbeddingLinker, LexicalLinker, LinkContext, types_compatible
from ..graph.records import Link, Parameter, ToolNode
from ..ids import JsonValue
from ..llm.errors import LLMError, failure_code
from ..llm.records import ChatResponse
from ..options import configure
from .base import LLMComponent
from .exchange import AttemptsExhausted, ask_async
from .parsing import OutputProblem, elements_in, json_in
from .runtime import ChatClient, client_for, run_async
from .tally import note_fallback, note_shape

__all__ = ["LLMEdges"]


def _signature(parameters: Sequence[Parameter]) -> str:
    return ", ".join(f"{parameter.path} ({parameter.type})" for parameter in parameters) or "none"


def _tool_block(tool: ToolNode) -> str:
    description = tool.description.strip().splitlines()[0] if tool.description.strip() else ""
    return (
        f"- {tool.tool} ({tool.effect}): {description}\n"
        f"  inputs: {_signature(tool.inputs)}\n"
        f"  outputs: {_signature(tool.outputs)}"
    )


@attrs.frozen(kw_only=True)
class LLMEdges(LLMComponent):
    """A base linker plus tool→tool edges an LLM proposes within each environment (names validated)."""

    stage: ClassVar[str] = "edges"
    name: str = "edges"
    description: str = (
        "Base linker plus LLM-proposed tool-to-tool edges within each environment, validated by name and type."
    )
    temperature: float | None = 0.0
    base: str = "core/lexical"
    base_options: dict[str, Any] = attrs.field(factory=dict, hash=False)
    max_edges: int = attrs.field(default=8, validator=attrs.validators.ge(1))
    score: float = attrs.field(default=0.9, validator=[attrs.validators.ge(0.0), attrs.validators.le(1.0)])

    _resolved: dict[str, Any] = attrs.field(factory=dict, init=False, eq=False, hash=False, repr=False)

    def _base(self, context: LinkContext | None = None) -> Any:
        # The built-in linkers need no registry; another base comes from the registry of the graph
        # build (through its link context) and is kept for ``settings``, which has no context.
        builtin = {"core/lexical": LexicalLinker, "core/embedding": EmbeddingLinker}.get(self.base)
        if builtin is not None:
            linker = builtin()
        elif context is not None:
            linker = self._resolved[self.base] = context.resolve_linker(self.base)
        elif self.base in self._resolved:
            linker = self._resolved[self.base]
        else:
            raise ValueError(
                f"{self.component_name}: base linker {self.base!r} is resolved when the graph is built; "
                "build the graph before asking for the settings"
            )
        if getattr(linker, "component_name", "") == self.component_name:
            raise ValueError("llm/edges cannot use itself as its base linker")
        return configure(linker, self.base_options, what="linker")

    def settings(self) -> dict[str, JsonValue]:
        return {
            "base": self.base,
            "base_settings": dict(self._base().settings()),
            "model": self.model,
            "temperature": self.temperature,
            "max_edges": self.max_edges,
            "score": self.score,
            "prompts": [self.template(name).content_id for name in ("edges.system", "edges.user")],
        }

    def link(self, tools: Sequence[ToolNode], context: LinkContext) -> list[Link]:
        links = list(self._base(context).link(tools, context))
        by_environment: dict[str, list[ToolNode]] = {}
        for tool in sorted(tools, key=lambda node: node.name):
            by_environment.setdefault(tool.environment, []).append(tool)
        producer = {parameter.id: parameter.tool for tool in tools for parameter in tool.outputs}
        consumer = {parameter.id: parameter.tool for tool in tools for parameter in tool.inputs}
        existing = {(producer.get(link.source), consumer.get(link.target)) for link in links}
        candidates = {name: group for name, group in by_environment.items() if len(group) > 1}
        if not candidates:
            return links
        client = client_for(None)

        async def everything() -> list[list[Link]]:
            return list(
                await asyncio.gather(
                    *(
                        self._propose(client, name, group, context.environments, existing)
                        for name, group in sorted(candidates.items())
                    )
                )
            )

        for added in run_async(client, everything):
            links.extend(added)
        return links

    async def _propose(
        self,
        client: ChatClient,
        environment: str,
        tools: list[ToolNode],
        specs: Mapping[str, Any],
        existing: set[tuple[str | None, str | None]],
    ) -> list[Link]:
        by_name = {tool.tool: tool for tool in tools}
        present = sorted(
            f"{a.partition('__')[2]} -> {b.partition('__')[2]}"
            for a, b in existing
            if a and b and a.partition("__")[0] == environment and b.partition("__")[0] == environment
        )

        def tool_named(value: Any, role: str) -> ToolNode:
            name = str(value or "")
            if name.startswith(f"{environment}__"):
                name = name[len(environment) + 2 :]
            if name not in by_name:
                known = ", ".join(sorted(by_name))
                raise OutputProblem(f"{role} tool {value!r} is not a tool of {environment}; use one of: {known}")
            return by_name[name]

        def parse(response: ChatResponse) -> list[Link]:
            try:
                data: Any = json_in(response.text, "edges")
            except OutputProblem:
                data = elements_in(response.text, "edge")  # <edge from=… to=… output=… input=… />
                if not data:
                    raise
                note_shape("<edge …/> elements instead of JSON")
            if not isinstance(data, list):
                raise OutputProblem(f"<edges> must hold a JSON list, got {type(data).__name__}")
            if len(data) > self.max_edges:
                raise OutputProblem(f"{len(data)} edges proposed; give at most {self.max_edges}, the most useful")
            found: dict[tuple[str, str], Link] = {}
            for position, item in enumerate(data):
                where = f"edge {position}"
                if not isinstance(item, dict):
                    raise OutputProblem(f"{where} must be an object with from, to, output, input, reason")
                source_tool = tool_named(item.get("from"), f"{where}: the 'from'")
                target_tool = tool_named(item.get("to"), f"{where}: the 'to'")
                if source_tool.name == target_tool.name:
                    raise OutputProblem(f"{where} connects {source_tool.tool} to itself; self-loops are not allowed")
                try:
                    output = source_tool.output(str(item.get("output", "")))
                except KeyError:
                    raise OutputProblem(
                        f"{where}: {source_tool.tool} has no output field {item.get('output')!r}; its outputs: "
                        f"{_signature(source_tool.outputs)}"
                    ) from None
                try:
                    input_ = target_tool.input(str(item.get("input", "")))
                except KeyError:
                    raise OutputProblem(
                        f"{where}: {target_tool.tool} has no input argument {item.get('input')!r}; its inputs: "
                        f"{_signature(target_tool.inputs)}"
                    ) from None
                if not types_compatible(output, input_):
                    raise OutputProblem(
                        f"{where}: {source_tool.tool}.{output.path} ({output.type}) cannot feed "
                        f"{target_tool.tool}.{input_.path} ({input_.type})"
                    )
                if (source_tool.name, target_tool.name) in existing:
                    continue  # already linked: nothing to add
                found[(output.id, input_.id)] = Link(source=output.id, target=input_.id, score=self.score, reason="llm")
            return list(found.values())

        specification = specs.get(environment)
        description = getattr(specification, "description", "") if specification is not None else ""
        exchange = self.exchange(
            "edges",
            parse,
            what=f"edges of {environment}",
            max_edges=self.max_edges,
            environment=f"{environment}: {description.strip()}" if description else environment,
            tools="\n".join(_tool_block(tool) for tool in tools),
            existing="\n".join(present) or "(none)",
        )
        try:
            return await ask_async(client, exchange)
        except AttemptsExhausted:
            note_fallback("llm/edges: no LLM edges for an environment (every answer rejected)")
            return []
        except LLMError as error:
            note_fallback(f"llm/edges: no LLM edges for an environment ({failure_code(error)})")
            return []
