"""Matching candidate tool calls against gold calls.

A gold call is matched by a distinct candidate call with the same (qualified) tool name whose
arguments equal the gold arguments on every argument that is not masked; numbers are equal within
a relative tolerance. Order is not required by the paper's trace score; :func:`match_calls` also
reports whether the matched calls kept the gold order, for rewards that care.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ..models import GoldCall, ToolCall

__all__ = ["CallMatch", "arguments_match", "match_calls", "values_equal"]

RELATIVE_TOLERANCE = 1e-6


def values_equal(expected: Any, actual: Any) -> bool:
    """JSON equality, with numbers compared within a relative tolerance (``1 == 1.0``)."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return math.isclose(expected, actual, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-9)
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(values_equal(expected[k], actual[k]) for k in expected)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(values_equal(a, b) for a, b in zip(expected, actual, strict=True))
    return bool(expected == actual) and type(expected) is type(actual)


def arguments_match(gold: Mapping[str, Any], candidate: Mapping[str, Any], masked: Sequence[str]) -> bool:
    for name, value in gold.items():
        if name in masked:
            continue
        if name not in candidate or not values_equal(value, candidate[name]):
            return False
    return True


@attrs.frozen(kw_only=True)
class CallMatch:
    """Which candidate call matched each gold call (``None`` when none did)."""

    assignment: tuple[int | None, ...]

    @property
    def matched(self) -> int:
        return sum(index is not None for index in self.assignment)

    @property
    def all_matched(self) -> bool:
        return all(index is not None for index in self.assignment)

    @property
    def in_order(self) -> bool:
        indices = [index for index in self.assignment if index is not None]
        return indices == sorted(indices)


def match_calls(gold: Sequence[GoldCall], candidate: Sequence[ToolCall]) -> CallMatch:
    """A maximum matching of gold calls to distinct candidate calls (augmenting paths, deterministic)."""
    options: list[list[int]] = []
    for gold_call in gold:
        options.append(
            [
                index
                for index, call in enumerate(candidate)
                if call.qualified_name == gold_call.call.qualified_name
                and arguments_match(gold_call.call.arguments, call.arguments, gold_call.masked_arguments)
            ]
        )
    owner: dict[int, int] = {}

    def augment(gold_index: int, seen: set[int]) -> bool:
        for candidate_index in options[gold_index]:
            if candidate_index in seen:
                continue
            seen.add(candidate_index)
            if candidate_index not in owner or augment(owner[candidate_index], seen):
                owner[candidate_index] = gold_index
                return True
        return False

    for gold_index in range(len(gold)):
        augment(gold_index, set())
    assignment: list[int | None] = [None] * len(gold)
    for candidate_index, gold_index in owner.items():
        assignment[gold_index] = candidate_index
    return CallMatch(assignment=tuple(assignment))
