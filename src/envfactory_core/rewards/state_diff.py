"""Partial credit from the field-level state difference.

The gold trajectory changed some fields (rows added, removed, fields updated). A candidate earns
credit for each of those fields it left with the gold value, and loses credit for each field it
changed that the gold trajectory did not touch:

``score = correct gold fields / (gold fields + fields changed that gold did not change)``

A task whose gold calls change nothing scores 1 when the candidate changes nothing too. The
explanation names what was missed and what was changed without reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from ..env.state import diff_states
from ..ids import canonical_json
from ..models import RewardResult
from . import RewardInput

__all__ = ["StateDiffReward", "changed_fields"]

REMOVED = "<removed>"


def changed_fields(
    before: Mapping[str, Mapping[str, Any]], after: Mapping[str, Mapping[str, Any]]
) -> dict[tuple[str, str, str, str], str]:
    """Every field that differs, with its canonical value after: ``(env, table, key, field) -> value``.

    A removed row is one entry with field ``*`` and the value ``<removed>``.
    """
    fields: dict[tuple[str, str, str, str], str] = {}
    for environment in sorted(set(before) | set(after)):
        diff = diff_states(before.get(environment, {}), after.get(environment, {}))
        for change in diff.changes:
            if change.change == "removed":
                fields[(environment, change.table, change.key, "*")] = REMOVED
                continue
            row = change.after or {}
            names = change.fields if change.change == "changed" else tuple(sorted(row))
            for field in names:
                fields[(environment, change.table, change.key, field)] = canonical_json(row.get(field))
    return fields


def _describe(field: tuple[str, str, str, str]) -> str:
    environment, table, key, name = field
    return f"{environment}.{table}[{key}].{name}" if name != "*" else f"{environment}.{table}[{key}] (row)"


@attrs.frozen(kw_only=True)
class StateDiffReward:
    """Partial credit: the share of the gold state changes the candidate reproduced, minus stray changes."""

    name: str = "state_diff"
    description: str = "Partial credit from the field-level state diff, restricted to what the gold changed."

    def score(self, data: RewardInput) -> RewardResult:
        if data.initial_state is None or data.gold_state is None or data.final_state is None:
            return RewardResult(
                reward=f"core/{self.name}",
                score=0.0,
                components={"correct": 0.0, "gold": 0.0, "stray": 0.0},
                explanation="the initial, gold or final state is missing",
            )
        gold = changed_fields(data.initial_state, data.gold_state)
        candidate = changed_fields(data.initial_state, data.final_state)
        final = changed_fields(data.gold_state, data.final_state)  # fields where final differs from gold
        rows_differing = {(environment, table, key) for environment, table, key, _ in final}
        correct = [
            field
            for field in gold
            if (
                field[:3] not in rows_differing
                if field[3] == "*"
                else field not in final and (*field[:3], "*") not in final
            )
        ]
        missed = [field for field in gold if field not in correct]
        stray = [field for field in candidate if field not in gold and not _covered_by_row(field, gold)]
        denominator = len(gold) + len(stray)
        score = 1.0 if denominator == 0 else len(correct) / denominator
        notes = []
        if missed:
            notes.append(
                "missed: " + ", ".join(_describe(field) for field in missed[:5]) + (" ..." if len(missed) > 5 else "")
            )
        if stray:
            notes.append(
                "changed without reason: "
                + ", ".join(_describe(field) for field in stray[:5])
                + (" ..." if len(stray) > 5 else "")
            )
        explanation = (
            "; ".join(notes)
            if notes
            else (f"all {len(gold)} gold field changes reproduced" if gold else "no changes, as in the gold")
        )
        return RewardResult(
            reward=f"core/{self.name}",
            score=round(score, 6),
            components={"correct": float(len(correct)), "gold": float(len(gold)), "stray": float(len(stray))},
            explanation=explanation,
        )


def _covered_by_row(field: tuple[str, str, str, str], gold: Mapping[tuple[str, str, str, str], str]) -> bool:
    environment, table, key, _ = field
    return (environment, table, key, "*") in gold
