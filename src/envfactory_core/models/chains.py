"""Tool chains sampled from the tool graph."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from ._validators import to_tuple

__all__ = ["Binding", "ToolChain"]


@attrs.frozen(kw_only=True)
class Binding:
    """Data flow inside a chain: step ``source_step``'s output field feeds step ``target_step``'s argument.

    ``source_field`` is a path into the output (``order_id``, ``items.sku`` for a field of the
    items of a list); ``target_argument`` is an argument name, or ``parent.child`` for a field of
    an object argument.
    """

    source_step: int
    source_field: str
    target_step: int
    target_argument: str

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.source_step < self.target_step:
            raise ValueError(
                "a binding must point from an earlier step to a later one, "
                f"got {self.source_step} -> {self.target_step}"
            )


def _turns(value: Iterable[Iterable[int]]) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(turn) for turn in value)


@attrs.frozen(kw_only=True)
class ToolChain:
    """An ordered sequence of tools (qualified ``env__tool`` names) with its data flow and turns.

    ``turns`` splits the step indices into user turns. ``valid`` is the chain validator's verdict
    (every required input is user-providable or produced by an earlier step); ``problems`` says why
    not.
    """

    tools: tuple[str, ...] = attrs.field(converter=to_tuple)
    bindings: tuple[Binding, ...] = attrs.field(default=(), converter=to_tuple)
    turns: tuple[tuple[int, ...], ...] = attrs.field(default=(), converter=_turns)
    seed: int = 0
    sampler: str = ""
    valid: bool = True
    problems: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)

    def __attrs_post_init__(self) -> None:
        for binding in self.bindings:
            if binding.target_step >= len(self.tools):
                raise ValueError(f"binding target step {binding.target_step} is past the end of the chain")
        covered = sorted(index for turn in self.turns for index in turn)
        if self.turns and covered != list(range(len(self.tools))):
            raise ValueError("turns must cover every step of the chain exactly once")

    @property
    def environments(self) -> tuple[str, ...]:
        """The environments the chain touches, in order of first use."""
        seen: dict[str, None] = {}
        for name in self.tools:
            seen.setdefault(name.partition("__")[0], None)
        return tuple(seen)
