"""The chain validator: data-flow bindings and validity of an ordered list of tools.

A chain is valid when every required input of every step is user-providable or produced by an
earlier step (through a link into it). The reference had this check but never used it; here every
sampled chain carries its verdict and its bindings.

Bindings say which earlier output feeds which input. An input gets a binding when an earlier step
has a linked output and the input is required or not user-providable (an optional value the user
can give is left to the user, so grounding does not invent filters). Among several earlier
providers the link with the highest score wins, then the most recent step.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from ..models import Binding, ToolChain
from .index import GraphIndex
from .tool_graph import ToolGraph

__all__ = ["ChainCheck", "check_chain", "validate_positions", "validate_tools"]


@attrs.frozen(kw_only=True)
class ChainCheck:
    """The validator's verdict on a sequence of tools."""

    bindings: tuple[Binding, ...] = ()
    valid: bool = True
    problems: tuple[str, ...] = ()


def validate_positions(index: GraphIndex, positions: Sequence[int]) -> ChainCheck:
    """Validate tools given by their index positions (the samplers' fast path)."""
    bindings: list[Binding] = []
    problems: list[str] = []
    in_source, checked = index.in_source, index.checked_inputs
    for step, tool in enumerate(positions):
        for number in checked[tool]:
            sources = in_source[number]
            best_step = -1
            best: tuple[str, float] | None = None
            if sources:
                for earlier in range(step - 1, -1, -1):
                    found = sources.get(positions[earlier])
                    if found is not None and (best is None or found[1] > best[1]):
                        best, best_step = found, earlier
            required = index.in_required[number]
            user = index.in_user[number]
            if best is not None:
                if required or not user:
                    bindings.append(
                        Binding(
                            source_step=best_step,
                            source_field=best[0],
                            target_step=step,
                            target_argument=index.in_path[number],
                        )
                    )
            elif required and not user:
                problems.append(
                    f"step {step} ({index.names[tool]}): required input {index.in_path[number]!r} is not "
                    "user-providable and no earlier step produces it"
                )
    return ChainCheck(bindings=tuple(bindings), valid=not problems, problems=tuple(problems))


def validate_tools(graph: ToolGraph, tools: Sequence[str]) -> ChainCheck:
    """Validate a chain given by qualified tool names; unknown tools are problems, not errors."""
    index = graph.index
    unknown = [
        f"step {step}: the graph has no tool {name!r}" for step, name in enumerate(tools) if name not in index.position
    ]
    if unknown:
        return ChainCheck(valid=False, problems=tuple(unknown))
    return validate_positions(index, [index.position[name] for name in tools])


def check_chain(graph: ToolGraph, chain: ToolChain) -> ToolChain:
    """``chain`` with its bindings, validity and problems recomputed against ``graph``."""
    check = validate_tools(graph, chain.tools)
    return attrs.evolve(chain, bindings=check.bindings, valid=check.valid, problems=check.problems)
