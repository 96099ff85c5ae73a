"""Turn segmentation: split a chain's steps into user turns (reference §4.4).

``random`` (the reference's rule): walk the chain; after adding a step to the current turn, end the
turn with probability ``len(turn) / max_tools``, and always at ``max_tools`` steps. ``single`` puts
every step in one turn; ``each`` gives every step its own turn. The planner-LLM variant of the
reference (which may reorder steps) belongs to a plugin.
"""

from __future__ import annotations

import random

__all__ = ["TURN_MODES", "segment_turns"]

TURN_MODES = ("random", "single", "each")


def segment_turns(
    steps: int, rng: random.Random, *, mode: str = "random", max_tools: int = 5
) -> tuple[tuple[int, ...], ...]:
    """Contiguous turns covering ``range(steps)``; draws from ``rng`` only in ``random`` mode."""
    if mode not in TURN_MODES:
        raise ValueError(f"unknown turn mode {mode!r}; use one of {', '.join(TURN_MODES)}")
    if max_tools < 1:
        raise ValueError(f"turn max_tools must be at least 1, got {max_tools}")
    if steps == 0:
        return ()
    if mode == "single":
        return (tuple(range(steps)),)
    if mode == "each":
        return tuple((step,) for step in range(steps))
    turns: list[tuple[int, ...]] = []
    current: list[int] = []
    for step in range(steps):
        current.append(step)
        if len(current) >= max_tools or rng.random() < len(current) / max_tools:
            turns.append(tuple(current))
            current = []
    if current:
        turns.append(tuple(current))
    return tuple(turns)
