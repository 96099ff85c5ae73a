"""What exporters read and write: export items in, exported files out.

The exporter contract itself is :class:`~envfactory_core.contracts.Exporter`.

The pipeline (and ``envfactory export``) hands an exporter an iterator of :class:`ExportItem` —
a kept task, its trajectory, its states, and the tool schemas the agent saw — already in a fixed
order and with the split assigned. The exporter writes its files into the directory it is given
and returns what it wrote. Exporters must stream (constant memory for any number of items), be
deterministic (same items → same bytes) and validate what they write.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import attrs

from ..errors import ProblemsError
from ..models import EnvironmentSpec, Task, ToolSpec, Trajectory
from ..models._validators import to_tuple

__all__ = ["ExportError", "ExportItem", "ExportResult", "ExportedFile", "Split", "split_of"]

Split = Literal["train", "validation"]


@attrs.frozen(kw_only=True)
class ExportItem:
    """One task with everything an exporter needs, self-contained.

    ``tools`` are the tools the agent saw, named ``env__tool``; ``initial_state`` and
    ``gold_state`` are world states (``{environment: {table: {key: row}}}``). ``states`` holds the
    other world states the task and trajectory refer to by id (each turn's start and goal, the
    trajectory's final state), for exporters that need them: the canonical format inlines them,
    and per-turn RL rows need each turn's goal state.
    """

    task: Task
    trajectory: Trajectory | None
    tools: tuple[ToolSpec, ...] = attrs.field(converter=to_tuple)
    environments: tuple[EnvironmentSpec, ...] = attrs.field(converter=to_tuple)
    initial_state: Mapping[str, Any] = attrs.field(eq=False)
    gold_state: Mapping[str, Any] = attrs.field(eq=False)
    split: Split = "train"
    states: Mapping[str, Any] = attrs.field(factory=dict, eq=False)


@attrs.frozen(kw_only=True)
class ExportedFile:
    path: str
    records: int
    sha256: str


@attrs.frozen(kw_only=True)
class ExportResult:
    """What an exporter wrote: files relative to its directory, with record counts and digests."""

    exporter: str
    files: tuple[ExportedFile, ...] = attrs.field(converter=to_tuple)
    skipped: dict[str, int] = attrs.field(factory=dict, hash=False)
    """Items the format cannot hold, counted by reason (an SFT format skips a task without a trajectory)."""

    @property
    def records(self) -> int:
        """Records written in the data files (files such as ``dataset_info.json`` count 0)."""
        return sum(file.records for file in self.files)


class ExportError(ProblemsError, ValueError):
    """An exporter produced a record its format does not allow, or cannot read what it wrote.

    It lists every problem with the record it is in; it means a bug or an input the format
    cannot express, never a problem the user should work around by hand.
    """


def split_of(task_id: str, *, validation_share: float, seed: int = 0) -> Split:
    """The split of a task: a seeded hash of its id, so it never depends on order or count."""
    import hashlib

    if validation_share <= 0:
        return "train"
    digest = hashlib.sha256(f"{seed}:{task_id}".encode()).digest()
    fraction = int.from_bytes(digest[:8], "big") / 2**64
    return "validation" if fraction < validation_share else "train"
