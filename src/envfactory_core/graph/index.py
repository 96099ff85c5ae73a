"""An integer view of a tool graph for the hot loops: sampling and chain validation.

Samplers draw thousands of chains a second; they work on lists indexed by tool and input number,
never on strings or the graph library. The view is computed once per graph and cached.

It also computes each tool's *depth*: how many levels of earlier tools it needs before every
required input is filled (0: the user can give all of them). A tool with no finite depth can
never appear in a valid chain: some required input is neither user-providable nor produced by any
tool that can itself be reached. Those are the graph's unreachable tools.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .records import Link, ToolNode

__all__ = ["UNREACHABLE", "GraphIndex"]

UNREACHABLE = 1 << 30
"""The depth of a tool that can never have all its required inputs filled."""


class GraphIndex:
    """Tools, inputs and providers as integers; see the module docstring."""

    def __init__(self, tools: Sequence[ToolNode], links: Sequence[Link]) -> None:
        self.names: list[str] = [tool.name for tool in tools]
        self.position: dict[str, int] = {name: index for index, name in enumerate(self.names)}
        self.env_names: list[str] = sorted({tool.environment for tool in tools})
        env_position = {name: index for index, name in enumerate(self.env_names)}
        self.env_of: list[int] = [env_position[tool.environment] for tool in tools]
        self.env_tools: list[list[int]] = [[] for _ in self.env_names]
        for index, env in enumerate(self.env_of):
            self.env_tools[env].append(index)

        self.inputs: list[list[int]] = []
        self.in_tool: list[int] = []
        self.in_path: list[str] = []
        self.in_required: list[bool] = []
        self.in_user: list[bool] = []
        input_position: dict[str, int] = {}
        for index, tool in enumerate(tools):
            own: list[int] = []
            for parameter in tool.inputs:
                number = len(self.in_tool)
                input_position[parameter.id] = number
                own.append(number)
                self.in_tool.append(index)
                self.in_path.append(parameter.path)
                self.in_required.append(parameter.required)
                self.in_user.append(bool(parameter.user_providable))
            self.inputs.append(own)

        output_owner: dict[str, tuple[int, str]] = {}
        for index, tool in enumerate(tools):
            for parameter in tool.outputs:
                output_owner[parameter.id] = (index, parameter.path)

        # For each input: the best output of each providing tool (highest score, then first path).
        self.in_source: list[dict[int, tuple[str, float]]] = [{} for _ in self.in_tool]
        successors: list[set[int]] = [set() for _ in tools]
        predecessors: list[set[int]] = [set() for _ in tools]
        for link in links:
            target = input_position[link.target]
            source_tool, source_path = output_owner[link.source]
            best = self.in_source[target].get(source_tool)
            if best is None or link.score > best[1] or (link.score == best[1] and source_path < best[0]):
                self.in_source[target][source_tool] = (source_path, link.score)
            target_tool = self.in_tool[target]
            successors[source_tool].add(target_tool)
            predecessors[target_tool].add(source_tool)
        self.in_providers: list[list[int]] = [sorted(sources) for sources in self.in_source]
        # Inputs the validator looks at: required ones, and those only a tool can fill (bindable).
        self.checked_inputs: list[list[int]] = [
            [number for number in own if self.in_required[number] or not self.in_user[number]] for own in self.inputs
        ]
        self.successors: list[list[int]] = [sorted(found) for found in successors]
        self.predecessors: list[list[int]] = [sorted(found) for found in predecessors]
        self.depth: list[int] = self._depths()
        self.cache: dict[Any, Any] = {}
        """Per-graph results samplers compute once (e.g. which tools can start a chain)."""
        self.reachable: list[int] = [index for index, depth in enumerate(self.depth) if depth < UNREACHABLE]

    def _depths(self) -> list[int]:
        depth = [UNREACHABLE] * len(self.names)
        needs = [
            [number for number in own if self.in_required[number] and not self.in_user[number]] for own in self.inputs
        ]
        changed = True
        while changed:
            changed = False
            for tool, numbers in enumerate(needs):
                need = 0
                for number in numbers:
                    providers = self.in_providers[number]
                    best = min((depth[p] for p in providers), default=UNREACHABLE)
                    if best >= UNREACHABLE:
                        need = UNREACHABLE
                        break
                    need = max(need, best + 1)
                if need < depth[tool]:
                    depth[tool] = need
                    changed = True
        return depth

    @property
    def tool_count(self) -> int:
        return len(self.names)
