"""The pipeline's tables in the run store, and reading them back.

Writers (the pipeline) and readers (the exporters, ``envfactory export``) share this module, so a
reader depends on the store, not on the pipeline.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlite_utils

from ..ids import canonical_json
from ..models import Task, ToolChain, Trajectory
from ..serialize import from_json, to_json
from . import Migrations, RunStore, register_migrations
from .records import ItemResult
from .views import views_migrations

__all__ = ["PipelineStore", "pipeline_migrations"]

pipeline_migrations = register_migrations(Migrations("envfactory-pipeline"))


@pipeline_migrations
def m001_pipeline_tables(db: sqlite_utils.Database) -> None:
    db.table("stage_runs").create(
        {"stage": str, "status": str, "detail": str, "seconds": float, "position": int}, pk="stage", if_not_exists=True
    )
    db.table("environments").create(
        {"name": str, "domain": str, "spec_id": str, "spec": str, "passed": int, "report": str},
        pk="name",
        if_not_exists=True,
    )
    db.table("chains").create(
        {"chain_index": int, "chain_id": str, "valid": int, "body": str}, pk="chain_index", if_not_exists=True
    )
    db.table("items").create(
        {
            "chain_index": int,
            "status": str,
            "stage": str,
            "code": str,
            "reason": str,
            "task_id": str,
            "trajectory_id": str,
            "unique_key": str,
        },
        pk="chain_index",
        if_not_exists=True,
    )
    db.table("tasks").create(
        {"task_id": str, "chain_index": int, "kind": str, "body": str}, pk="task_id", if_not_exists=True
    )
    db.table("trajectories").create(
        {"trajectory_id": str, "task_id": str, "agent": str, "body": str, "rewards": str},
        pk="trajectory_id",
        if_not_exists=True,
    )
    db.table("reports").create(
        {"subject": str, "verifier": str, "passed": int, "body": str}, pk=("subject", "verifier"), if_not_exists=True
    )
    db.table("exports").create(
        {"exporter": str, "path": str, "records": int, "sha256": str}, pk=("exporter", "path"), if_not_exists=True
    )


@pipeline_migrations
def m002_environment_checks(db: sqlite_utils.Database) -> None:
    """Each environment's verification outcome by check key, committed as soon as it is known."""
    db.table("environment_checks").create(
        {"name": str, "check_key": str, "passed": int, "detail": str, "source": str}, pk="name", if_not_exists=True
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _dump(value: Any) -> str:
    return canonical_json(to_json(value))


class PipelineStore:
    """Typed access to a run's pipeline tables."""

    def __init__(self, store: RunStore) -> None:
        self.store = store
        self.connection = store.connection

    # stages
    def stage_done(self, stage: str) -> dict[str, Any] | None:
        row = self.connection.execute("SELECT status, detail FROM stage_runs WHERE stage = ?", (stage,)).fetchone()
        if row is None or row[0] != "done":
            return None
        detail: dict[str, Any] = json.loads(row[1])
        return detail

    def finish_stage(
        self, stage: str, detail: dict[str, Any], seconds: float, position: int, *, backup: bool = True
    ) -> None:
        """Record ``stage`` as done, then back the store up (the backup a damaged store resumes from)."""
        with self.store.transaction() as db:
            db.table("stage_runs").upsert(
                {
                    "stage": stage,
                    "status": "done",
                    "detail": canonical_json(detail),
                    "seconds": seconds,
                    "position": position,
                },
                pk="stage",
            )
        if backup:
            self.store.backup(stage)

    def stage_rows(self) -> list[dict[str, Any]]:
        rows = self.connection.execute(
            "SELECT stage, status, detail, seconds FROM stage_runs ORDER BY position"
        ).fetchall()
        return [{"stage": r[0], "status": r[1], "detail": json.loads(r[2]), "seconds": r[3]} for r in rows]

    # chains
    def save_chains(self, chains: list[ToolChain]) -> None:
        from ..serialize import record_id

        with self.store.transaction() as db:
            db.table("chains").insert_all(
                (
                    {
                        "chain_index": index,
                        "chain_id": record_id(chain),
                        "valid": int(chain.valid),
                        "body": _dump(chain),
                    }
                    for index, chain in enumerate(chains)
                ),
                pk="chain_index",
                replace=True,
            )

    def chains(self) -> list[ToolChain]:
        rows = self.connection.execute("SELECT body FROM chains ORDER BY chain_index").fetchall()
        return [from_json(ToolChain, json.loads(row[0])) for row in rows]

    # items
    def done_items(self) -> dict[int, str]:
        """Committed items by chain index; items an executor gave up on (stage ``executor``) are not
        done: a resumed run tries them again, since their failure says nothing about the data."""
        rows = self.connection.execute("SELECT chain_index, status FROM items WHERE stage != 'executor'")
        return {row[0]: row[1] for row in rows}

    def failed_llm_items(self) -> list[int]:
        """Items dropped because an LLM call failed for good (codes ``llm_*``): what ``--retry-failed`` redoes."""
        rows = self.connection.execute(
            "SELECT chain_index FROM items WHERE status = 'dropped' AND code LIKE 'llm\\_%' ESCAPE '\\' "
            "ORDER BY chain_index"
        )
        return [row[0] for row in rows]

    def unique_keys(self) -> set[str]:
        return {
            row[0]
            for row in self.connection.execute(
                "SELECT unique_key FROM items WHERE status = 'kept' AND unique_key != ''"
            )
        }

    def kept_count(self) -> int:
        return int(self.connection.execute("SELECT COUNT(*) FROM items WHERE status = 'kept'").fetchone()[0])

    def save_item(self, result: ItemResult) -> None:
        """Everything one work item made, in one transaction."""
        with self.store.transaction() as db:
            for state_id, state in sorted(result.states.items()):
                self.store.put_blob("world_state", state, blob_id=state_id)
            if result.task is not None and result.status == "kept":
                db.table("tasks").upsert(
                    {
                        "task_id": result.task.id,
                        "chain_index": result.index,
                        "kind": result.task.kind,
                        "body": _dump(result.task),
                    },
                    pk="task_id",
                )
            if result.trajectory is not None and result.status == "kept":
                db.table("trajectories").upsert(
                    {
                        "trajectory_id": result.trajectory.id,
                        "task_id": result.trajectory.task_id,
                        "agent": result.trajectory.agent,
                        "body": _dump(result.trajectory),
                        "rewards": _dump(list(result.trajectory.rewards)),
                    },
                    pk="trajectory_id",
                )
            for report in result.reports:
                db.table("reports").upsert(
                    {
                        "subject": report.subject,
                        "verifier": report.verifier,
                        "passed": int(report.passed),
                        "body": _dump(report),
                    },
                    pk=("subject", "verifier"),
                )
            db.table("items").upsert(
                {
                    "chain_index": result.index,
                    "status": result.status,
                    "stage": result.stage,
                    "code": result.code,
                    "reason": result.reason,
                    "task_id": result.task.id if result.task is not None else "",
                    "trajectory_id": result.trajectory.id if result.trajectory is not None else "",
                    "unique_key": result.unique_key,
                },
                pk="chain_index",
            )

    def kept(self) -> Iterator[tuple[int, Task, Trajectory | None]]:
        """Kept tasks with their trajectories, in chain order."""
        rows = self.connection.execute(
            "SELECT items.chain_index, tasks.body, trajectories.body FROM items "
            "JOIN tasks ON tasks.task_id = items.task_id "
            "LEFT JOIN trajectories ON trajectories.trajectory_id = items.trajectory_id "
            "WHERE items.status = 'kept' ORDER BY items.chain_index"
        )
        for index, task_body, trajectory_body in rows:
            task = from_json(Task, json.loads(task_body))
            trajectory = from_json(Trajectory, json.loads(trajectory_body)) if trajectory_body else None
            yield index, task, trajectory

    def drop_reasons(self) -> dict[str, int]:
        """Dropped items counted by ``stage: code``."""
        rows = self.connection.execute(
            "SELECT stage || ': ' || code, COUNT(*) FROM items WHERE status = 'dropped' GROUP BY 1 ORDER BY 1"
        )
        return dict(rows)

    # environments
    def save_environment(self, name: str, domain: str, spec_id: str, spec: Any, passed: bool, report: Any) -> None:
        with self.store.transaction() as db:
            db.table("environments").upsert(
                {
                    "name": name,
                    "domain": domain,
                    "spec_id": spec_id,
                    "spec": _dump(spec),
                    "passed": int(passed),
                    "report": _dump(report),
                },
                pk="name",
            )

    def environment_checks(self) -> dict[str, dict[str, Any]]:
        """The verification outcomes this run has committed, by environment name."""
        rows = self.connection.execute("SELECT name, check_key, passed, detail, source FROM environment_checks")
        return {r[0]: {"check_key": r[1], "passed": bool(r[2]), "detail": r[3], "source": r[4]} for r in rows}

    def save_environment_check(
        self, name: str, domain: str, spec_id: str, spec: Any, report: Any, *, check_key: str, detail: str, source: str
    ) -> None:
        """An environment's verification outcome and its row, in one transaction."""
        with self.store.transaction() as db:
            self.save_environment(name, domain, spec_id, spec, bool(report.passed), report)
            db.table("environment_checks").upsert(
                {
                    "name": name,
                    "check_key": check_key,
                    "passed": int(report.passed),
                    "detail": detail,
                    "source": source,
                },
                pk="name",
            )

    def environment_report(self, name: str) -> Any:
        row = self.connection.execute("SELECT report FROM environments WHERE name = ?", (name,)).fetchone()
        return None if row is None else json.loads(row[0])

    def reset_stage(self, stage: str) -> None:
        """Forget that ``stage`` finished, so the next run does it again."""
        with self.store.transaction():
            self.connection.execute("DELETE FROM stage_runs WHERE stage = ?", (stage,))

    # exports
    def save_exports(self, exporter: str, files: list[tuple[str, int, str]]) -> None:
        with self.store.transaction() as db:
            self.connection.execute("DELETE FROM exports WHERE exporter = ?", (exporter,))
            db.table("exports").insert_all(
                (
                    {"exporter": exporter, "path": path, "records": records, "sha256": sha}
                    for path, records, sha in files
                ),
                pk=("exporter", "path"),
            )

    def damaged_exports(self, root: Path) -> dict[str, str]:
        """Recorded export files (paths under ``root``) that are missing or whose sha256 changed."""
        found: dict[str, str] = {}
        for export in self.exports():
            path = root / export["path"]
            if not path.is_file():
                found[export["path"]] = "missing"
            elif _sha256(path) != export["sha256"]:
                found[export["path"]] = "changed"
        return found

    def exports(self) -> list[dict[str, Any]]:
        rows = self.connection.execute("SELECT exporter, path, records, sha256 FROM exports ORDER BY exporter, path")
        return [{"exporter": r[0], "path": r[1], "records": r[2], "sha256": r[3]} for r in rows]


# The views over these tables apply after the tables (sets apply in the order they are registered).
register_migrations(views_migrations)
