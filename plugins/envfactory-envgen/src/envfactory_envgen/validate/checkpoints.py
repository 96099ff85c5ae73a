"""The run store tables of environment synthesis: one row per environment build, one per iteration.

``envgen_builds`` holds where each build stands (generated, validating, verified, failed) and the
content ids of its generated environment and final report; ``envgen_iterations`` holds, for every
validation of every build, the code and scenarios that were checked, the report, and the revision
decided after it (what was fixed, code or scenario, and why). Bodies are content-addressed blobs.
A killed run resumes from these rows.
"""

from __future__ import annotations

import json
from typing import Any

import attrs
import sqlite_utils

from envfactory_core.ids import JsonValue
from envfactory_core.models import VerificationReport
from envfactory_core.serialize import from_json, to_json
from envfactory_core.store import Migrations, RunStore, register_migrations

from ..records import GeneratedEnvironment

__all__ = ["BuildRow", "Checkpoints", "IterationRow", "envgen_migrations"]

envgen_migrations = register_migrations(Migrations("envfactory-envgen"))


@envgen_migrations
def m001_envgen_builds(db: sqlite_utils.Database) -> None:
    db.table("envgen_builds").create(
        {
            "key": str,
            "name": str,
            "source": str,
            "builder": str,
            "model": str,
            "status": str,
            "generated": str,
            "report": str,
            "reason": str,
            "iterations": int,
            "sequence": int,
        },
        pk="key",
        if_not_exists=True,
    )
    db.table("envgen_iterations").create(
        {
            "key": str,
            "iteration": int,
            "code": str,
            "scenarios": str,
            "report": str,
            "passed": int,
            "revision_target": str,
            "revision_reason": str,
            "revised": str,
        },
        pk=("key", "iteration"),
        if_not_exists=True,
    )


@attrs.frozen(kw_only=True)
class IterationRow:
    iteration: int
    generated: GeneratedEnvironment
    report: VerificationReport
    revision_target: str = ""
    revision_reason: str = ""
    revised: GeneratedEnvironment | None = None


@attrs.frozen(kw_only=True)
class BuildRow:
    key: str
    name: str
    source: str
    builder: str
    model: str
    status: str
    generated: GeneratedEnvironment | None
    report: VerificationReport | None
    reason: str
    iterations: int


class Checkpoints:
    """Reads and writes the checkpoints of builds in one run store (or nowhere, without a store)."""

    def __init__(self, store: RunStore | None) -> None:
        self.store = store
        if store is not None:
            store.migrate(envgen_migrations)

    def _blob(self, kind: str, value: JsonValue) -> str:
        assert self.store is not None
        return self.store.put_blob(kind, value)

    def _generated(self, blob: str) -> GeneratedEnvironment | None:
        if not blob or self.store is None:
            return None
        return from_json(GeneratedEnvironment, self.store.get_blob(blob))

    def _report(self, blob: str) -> VerificationReport | None:
        if not blob or self.store is None:
            return None
        return from_json(VerificationReport, self.store.get_blob(blob))

    # --- builds -----------------------------------------------------------------------------------

    def build(self, key: str) -> BuildRow | None:
        if self.store is None:
            return None
        row = self.store.connection.execute(
            "SELECT key, name, source, builder, model, status, generated, report, reason, iterations "
            "FROM envgen_builds WHERE key = ?",
            (key,),
        ).fetchone()
        if row is None:
            return None
        return BuildRow(
            key=row[0],
            name=row[1],
            source=row[2],
            builder=row[3],
            model=row[4],
            status=row[5],
            generated=self._generated(row[6]),
            report=self._report(row[7]),
            reason=row[8] or "",
            iterations=row[9] or 0,
        )

    def builds(self, *, status: str | None = None) -> list[BuildRow]:
        """Every build in the run, in the order they were started (latest state of each)."""
        if self.store is None:
            return []
        query = "SELECT key FROM envgen_builds" + (" WHERE status = ?" if status else "") + " ORDER BY sequence"
        keys = [row[0] for row in self.store.connection.execute(query, (status,) if status else ())]
        return [row for row in (self.build(key) for key in keys) if row is not None]

    def save_build(
        self,
        key: str,
        *,
        name: str,
        source: str,
        builder: str,
        model: str = "",
        status: str,
        generated: GeneratedEnvironment | None = None,
        report: VerificationReport | None = None,
        reason: str = "",
        iterations: int = 0,
    ) -> None:
        if self.store is None:
            return
        with self.store.transaction() as db:
            existing = db.execute("SELECT sequence FROM envgen_builds WHERE key = ?", (key,)).fetchone()
            sequence = existing[0] if existing else (db.execute("SELECT COUNT(*) FROM envgen_builds").fetchone()[0] + 1)
            db.execute(
                "INSERT OR REPLACE INTO envgen_builds (key, name, source, builder, model, status, generated, report, "
                "reason, iterations, sequence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    name,
                    source,
                    builder,
                    model,
                    status,
                    self._blob("envgen.generated", to_json(generated)) if generated is not None else "",
                    self._blob("envgen.report", to_json(report)) if report is not None else "",
                    reason,
                    iterations,
                    sequence,
                ),
            )

    # --- iterations -------------------------------------------------------------------------------

    def iterations(self, key: str) -> list[IterationRow]:
        if self.store is None:
            return []
        rows = self.store.connection.execute(
            "SELECT iteration, code, report, revision_target, revision_reason, revised FROM envgen_iterations "
            "WHERE key = ? ORDER BY iteration",
            (key,),
        ).fetchall()
        found: list[IterationRow] = []
        for iteration, code, report, target, reason, revised in rows:
            generated = self._generated(code)
            checked = self._report(report)
            if generated is None or checked is None:
                continue
            found.append(
                IterationRow(
                    iteration=iteration,
                    generated=generated,
                    report=checked,
                    revision_target=target or "",
                    revision_reason=reason or "",
                    revised=self._generated(revised or ""),
                )
            )
        return found

    def save_iteration(
        self, key: str, iteration: int, generated: GeneratedEnvironment, report: VerificationReport
    ) -> None:
        if self.store is None:
            return
        with self.store.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO envgen_iterations (key, iteration, code, scenarios, report, passed, "
                "revision_target, revision_reason, revised) VALUES (?, ?, ?, ?, ?, ?, '', '', '')",
                (
                    key,
                    iteration,
                    self._blob("envgen.generated", to_json(generated)),
                    self._blob("envgen.scenarios", json.loads(json.dumps(list(generated.scenarios)))),
                    self._blob("envgen.report", to_json(report)),
                    int(report.passed),
                ),
            )

    def save_revision(
        self, key: str, iteration: int, *, target: str, reason: str, revised: GeneratedEnvironment
    ) -> None:
        if self.store is None:
            return
        with self.store.transaction() as db:
            db.execute(
                "UPDATE envgen_iterations SET revision_target = ?, revision_reason = ?, revised = ? "
                "WHERE key = ? AND iteration = ?",
                (target, reason, self._blob("envgen.generated", to_json(revised)), key, iteration),
            )


def history_json(rows: list[IterationRow]) -> list[dict[str, Any]]:
    """The iterations as JSON for reports: pass/fail, failed checks, and each revision's target and reason."""
    return [
        {
            "iteration": row.iteration,
            "passed": row.report.passed,
            "failed_checks": [check.name for check in row.report.failures],
            "revision": {"target": row.revision_target, "reason": row.revision_reason} if row.revision_target else None,
        }
        for row in rows
    ]
