"""Writing export files: one per split, streamed, with a digest and a record count.

Every exporter writes through these helpers so that all of them share the same guarantees:
files are opened only when their first record arrives (an empty split writes no file), each
record is encoded the same way every time (no timestamps, no absolute paths), and the digest
and count that end up in :class:`~envfactory_core.export.ExportResult` are computed from the
bytes written, not recounted afterwards.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import IO

from ..ids import JsonValue
from . import ExportedFile, Split

__all__ = [
    "SPLITS",
    "JsonlSplitWriter",
    "Skips",
    "compact_json",
    "file_digest",
    "text_file",
]

SPLITS: tuple[Split, ...] = ("train", "validation")


def compact_json(value: JsonValue, *, sort_keys: bool = False) -> str:
    """One line of JSON: compact, UTF-8 kept as is, key order as built (or sorted)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys, allow_nan=False)


def file_digest(path: Path) -> str:
    """The sha256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def text_file(directory: Path, name: str, text: str, *, records: int = 0) -> ExportedFile:
    """Write a small side file (a config, a module) and describe it."""
    data = text.encode("utf-8")
    (directory / name).write_bytes(data)
    return ExportedFile(path=name, records=records, sha256=hashlib.sha256(data).hexdigest())


class _Sink:
    def __init__(self, path: Path, relative: str) -> None:
        self.relative = relative
        self.handle: IO[bytes] = path.open("wb")
        self.digest = hashlib.sha256()
        self.records = 0

    def write(self, line: str) -> None:
        data = line.encode("utf-8") + b"\n"
        self.handle.write(data)
        self.digest.update(data)
        self.records += 1

    def close(self) -> ExportedFile:
        self.handle.close()
        return ExportedFile(path=self.relative, records=self.records, sha256=self.digest.hexdigest())


class JsonlSplitWriter:
    """JSONL files named ``{split}{suffix}``, opened on first use, one JSON value per line.

    Use as a context manager; :meth:`files` gives the written files in split order.
    """

    def __init__(self, directory: Path, *, suffix: str = ".jsonl", sort_keys: bool = False) -> None:
        self.directory = directory
        self.suffix = suffix
        self.sort_keys = sort_keys
        self._sinks: dict[str, _Sink] = {}
        self._done: dict[str, ExportedFile] = {}

    def write(self, split: Split, record: JsonValue) -> None:
        sink = self._sinks.get(split)
        if sink is None:
            name = f"{split}{self.suffix}"
            sink = self._sinks[split] = _Sink(self.directory / name, name)
        sink.write(compact_json(record, sort_keys=self.sort_keys))

    def close(self) -> None:
        for split, sink in list(self._sinks.items()):
            self._done[split] = sink.close()
        self._sinks.clear()

    def files(self) -> tuple[ExportedFile, ...]:
        self.close()
        return tuple(self._done[split] for split in SPLITS if split in self._done)

    def __enter__(self) -> JsonlSplitWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Skips:
    """Counts items an exporter cannot hold, by reason (what ends up in ``ExportResult.skipped``)."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def add(self, reason: str) -> None:
        self.counts[reason] = self.counts.get(reason, 0) + 1

    def result(self) -> dict[str, int]:
        return dict(sorted(self.counts.items()))
