"""Failure injection for testing the Ray executor (and a cluster's setup) on purpose.

Both helpers coordinate through files in a folder every worker can reach (a temporary folder on
one machine), so "once" means once per run across all workers and restarts:

- :class:`Chaos` is a work function for ``executor.map``: it squares integers and kills its own
  process, or raises, on chosen items.
- :class:`ChaosWriter` is a pipeline query writer (stage ``write``) that writes exactly what
  ``core/template`` writes, and kills its process at the Nth call of the run or raises on chosen
  tasks. A local plugin file registers it; its kills only happen while ``FOLDER/armed`` exists,
  so the same pipeline file runs undisturbed on the local executor for a reference.

Each call is logged (``calls`` for :class:`Chaos`, ``attempts`` for :class:`ChaosWriter`), one
line per call, so a test can count attempts.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import time
from pathlib import Path
from typing import Any

import attrs

from envfactory_core.models import Task

__all__ = [
    "OUTPUT_TABLES",
    "Chaos",
    "ChaosWriter",
    "failing_initializer",
    "first_time",
    "noop_initializer",
    "numbered_call",
    "run_outputs",
]


def first_time(path: Path) -> bool:
    """True for the one caller, in any process, that creates ``path``."""
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return False
    os.close(descriptor)
    return True


def numbered_call(folder: Path) -> int:
    """A number unique to this call among all calls (all processes) that use ``folder``: 1, 2, ..."""
    folder.mkdir(parents=True, exist_ok=True)
    number = 1
    while not first_time(folder / str(number)):
        number += 1
    return number


def _log(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as handle:  # one small append: atomic across processes
        handle.write(line + "\n")


def _kill_this_process() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def noop_initializer(*args: Any) -> None:
    """A worker initializer that builds nothing."""


def failing_initializer(message: str) -> None:
    """A worker initializer that cannot build its context."""
    raise RuntimeError(message)


@attrs.frozen(kw_only=True)
class Chaos:
    """Work function: ``item * item`` after ``delays[item % len(delays)]`` seconds, with failures on cue."""

    folder: str
    delays: tuple[float, ...] = (0.0,)
    kill_once: frozenset[int] = frozenset()
    kill_always: frozenset[int] = frozenset()
    fail_once: frozenset[int] = frozenset()
    fail_always: frozenset[int] = frozenset()

    def __call__(self, state: Any, item: int) -> int:
        folder = Path(self.folder)
        _log(folder / "calls", str(item))
        if item in self.kill_always or (item in self.kill_once and first_time(folder / f"killed-{item}")):
            _kill_this_process()
        if item in self.fail_always or (item in self.fail_once and first_time(folder / f"failed-{item}")):
            raise ValueError(f"chaos: item {item} fails on purpose")
        time.sleep(self.delays[item % len(self.delays)])
        return item * item

    def calls(self) -> list[int]:
        """Every item this function was called with so far, in call order."""
        path = Path(self.folder) / "calls"
        return [int(line) for line in path.read_text().split()] if path.exists() else []


@attrs.define(kw_only=True)
class ChaosWriter:
    """Query writer for failure tests: ``core/template``'s output; kills or raises on cue."""

    name: str = "chaos"
    description: str = "Test writer: core/template's requests; kills its process or raises on cue."
    kind: str = "writer"
    folder: str = ""
    """Where calls are numbered and logged; empty: never kill or raise."""
    kill_at_call: int = 0
    """While ``FOLDER/armed`` exists, SIGKILL this process at this call of the run (once; 0: never)."""
    fail_one_in: int = 0
    """Raise for every task whose id hashes to 0 modulo this (always the same tasks; 0: never)."""

    def write(self, task: Task, context: Any) -> Task:
        from envfactory_core.tasks.requests import TemplateWriter

        if self.folder:
            folder = Path(self.folder)
            _log(folder / "attempts", task.id)
            armed = self.kill_at_call and (folder / "armed").exists()
            if armed and numbered_call(folder / "calls") == self.kill_at_call:
                _kill_this_process()
            if self.fail_one_in and self.fails(task.id):
                raise ValueError(f"chaos writer: task {task.id} fails on purpose")
        return TemplateWriter().write(task, context)

    def fails(self, task_id: str) -> bool:
        digest = hashlib.sha256(task_id.encode()).digest()
        return self.fail_one_in > 0 and int.from_bytes(digest[:4], "big") % self.fail_one_in == 0


OUTPUT_TABLES = ("environments", "chains", "items", "tasks", "trajectories", "reports", "blobs", "exports")
"""The run store's tables that hold what a run made (not its timings)."""


def run_outputs(out: Path) -> dict[str, Any]:
    """What a run in ``out`` made: every export file's bytes and every row of :data:`OUTPUT_TABLES`.

    Two runs made the same outputs when these are equal. Rows are read in primary-key order, so a
    duplicated or missing row shows up as a difference.
    """
    outputs: dict[str, Any] = {}
    exports = out / "exports"
    for path in sorted(exports.rglob("*")) if exports.exists() else ():
        if path.is_file():
            outputs[f"file:{path.relative_to(out)}"] = path.read_bytes()
    connection = sqlite3.connect(out / "run.sqlite")
    try:
        for table in OUTPUT_TABLES:
            columns = [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
            keys = [
                row[1]
                for row in sorted(connection.execute(f"PRAGMA table_info({table})"), key=lambda r: r[5])
                if row[5]
            ]
            order = ", ".join(keys or columns)
            outputs[f"table:{table}"] = connection.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
    finally:
        connection.close()
    return outputs
