"""An evaluation's tables in its run store: one row per (task, trial), the trajectory as a blob.

A trial is committed once it is scored, in one transaction with its trajectory, so an evaluation
killed at any point resumes with every finished trial kept and the unfinished ones run again (their
model answers already paid for come back from the LLM cache in the same store).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import attrs
import sqlite_utils

from ..errors import StoreError
from ..ids import canonical_json
from ..models import Trajectory
from ..serialize import to_json
from ..store import Migrations, RunStore, register_migrations
from ..tasks.states import WorldState, WorldStates

__all__ = ["EvalStore", "LayeredStates", "TrialRow"]

eval_migrations = register_migrations(Migrations("envfactory-eval"))


@eval_migrations
def m001_eval_trials(db: sqlite_utils.Database) -> None:
    db.table("eval_trials").create(
        {
            "task_id": str,
            "trial": int,
            "environment": str,
            "passed": int,
            "score": float,
            "reward": str,
            "end": str,
            "explanation": str,
            "tool_calls": int,
            "llm_calls": int,
            "input_tokens": int,
            "output_tokens": int,
            "trajectory_id": str,
        },
        pk=("task_id", "trial"),
        if_not_exists=True,
    )


@attrs.frozen(kw_only=True)
class TrialRow:
    """One scored trial."""

    task_id: str
    trial: int
    environment: str
    passed: bool
    score: float
    reward: str
    end: str
    explanation: str = ""
    tool_calls: int = 0
    llm_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    trajectory_id: str = ""


class EvalStore:
    """Typed access to the ``eval_trials`` table."""

    def __init__(self, store: RunStore) -> None:
        self.store = store
        store.migrate(eval_migrations)

    def check_config(self, config: Mapping[str, Any]) -> None:
        """Record the evaluation's settings; a store holding another evaluation is refused."""
        text = canonical_json(dict(config))
        recorded = self.store.get_meta("eval_config")
        if recorded is None:
            self.store.set_meta("eval_config", text)
            return
        if recorded != text:
            before, now = json.loads(recorded), dict(config)
            changed = sorted(key for key in set(before) | set(now) if before.get(key) != now.get(key))

            raise StoreError(
                f"{self.store.path.parent} holds an evaluation with other settings ({', '.join(changed)}); "
                "resume it with the same ones, or choose another --out"
            )

    def done(self) -> set[tuple[str, int]]:
        rows = self.store.connection.execute("SELECT task_id, trial FROM eval_trials")
        return {(task_id, trial) for task_id, trial in rows}

    def commit(self, row: TrialRow, trajectory: Trajectory) -> None:
        with self.store.transaction() as db:
            trajectory_id = self.store.put_blob("eval_trajectory", to_json(trajectory))
            db.table("eval_trials").upsert(
                {**attrs.asdict(row), "passed": int(row.passed), "trajectory_id": trajectory_id},
                pk=("task_id", "trial"),
            )

    def rows(self) -> list[TrialRow]:
        cursor = self.store.connection.execute("SELECT * FROM eval_trials ORDER BY environment, task_id, trial")
        names = [column[0] for column in cursor.description]
        found = []
        for values in cursor.fetchall():
            data = dict(zip(names, values, strict=True))
            data["passed"] = bool(data["passed"])
            found.append(TrialRow(**data))
        return found

    def trajectory(self, trajectory_id: str) -> Any:
        return self.store.get_blob(trajectory_id)


class LayeredStates:
    """World states read from the task set's own store and this evaluation's; written to this one."""

    def __init__(self, own: WorldStates, source: WorldStates) -> None:
        self.own = own
        self.source = source

    def put(self, state: Mapping[str, Any]) -> str:
        return self.own.put(state)

    def get(self, state_id: str) -> WorldState:
        try:
            return self.own.get(state_id)
        except StoreError:
            return self.source.get(state_id)
