"""A damaged run store is a clear error naming the file and the two ways out; exports are checked by sha256."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import envfactory, output_files, record


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])


def _garbage(path: Path) -> None:
    path.write_bytes(b"\x00garbage, not a database\xff" * 400)


def _scribbled(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for offset in range(4096 * 2, min(len(data), 4096 * 12), 5):
        data[offset] = 0x5A
    path.write_bytes(bytes(data))


def _newer_format(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA user_version = 99")


def _newer_migration(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("INSERT INTO _ef_migrations VALUES ('envfactory-pipeline', 'm999_from_the_future')")


DAMAGE: dict[str, Callable[[Path], None]] = {
    "empty": _empty,
    "truncated": _truncated,
    "garbage": _garbage,
    "scribbled": _scribbled,
}
NEWER: dict[str, Callable[[Path], None]] = {"newer format": _newer_format, "newer migration": _newer_migration}


def _copy(reference: Path, to: Path) -> Path:
    shutil.copytree(reference, to)
    return to


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_store_is_a_clear_error_and_either_way_out_works(
    damage: str, tmp_path: Path, pipeline_file: Path, reference: Path
) -> None:
    out = _copy(reference, tmp_path / "run")
    store = out / "run.sqlite"
    DAMAGE[damage](store)
    damaged_bytes = store.read_bytes()
    for args in (("run", str(pipeline_file), "--out", str(out)), ("runs", "show", str(out))):
        refused = envfactory(*args)
        assert refused.returncode == 2
        assert f"the run store {store} is damaged" in refused.stderr
        assert f"envfactory runs restore {out}" in refused.stderr
        assert "--restart" in refused.stderr
        assert store.read_bytes() == damaged_bytes, "a damaged store must not be written to"
    record("corruptions recognised")
    way_out = ("runs", "restore", str(out)) if damage in {"empty", "scribbled"} else None
    if way_out is not None:
        restored = envfactory(*way_out)
        assert restored.returncode == 0, restored.stderr
        assert (out / "run.sqlite.damaged").read_bytes() == damaged_bytes
        resumed = envfactory("run", str(pipeline_file), "--out", str(out))
    else:
        resumed = envfactory("run", str(pipeline_file), "--out", str(out), "--restart")
    assert resumed.returncode == 0, resumed.stderr
    assert output_files(out) == output_files(reference)


@pytest.mark.parametrize("change", sorted(NEWER))
def test_a_store_from_a_newer_release_is_refused(
    change: str, tmp_path: Path, pipeline_file: Path, reference: Path
) -> None:
    out = _copy(reference, tmp_path / "run")
    NEWER[change](out / "run.sqlite")
    refused = envfactory("runs", "show", str(out))
    assert refused.returncode == 2
    assert "newer" in refused.stderr
    assert str(out / "run.sqlite") in refused.stderr
    record("corruptions recognised")


def test_missing_and_changed_exports_are_written_again(tmp_path: Path, pipeline_file: Path, reference: Path) -> None:
    out = _copy(reference, tmp_path / "run")
    exports = out / "exports"
    shutil.rmtree(exports)
    again = envfactory("run", str(pipeline_file), "--out", str(out), "--json")
    summary = json.loads(again.stdout)
    assert summary["did_work"] is True
    assert len(summary["repaired_exports"]) == len(output_files(reference))
    assert set(summary["repaired_exports"].values()) == {"missing"}
    assert output_files(out) == output_files(reference)
    record("corruptions recognised")
    tampered = next(path for path in sorted(exports.rglob("*.jsonl")) if "messages" in str(path))
    tampered.write_bytes(tampered.read_bytes().replace(b'"', b"'", 1))
    untouched = {p: p.stat().st_mtime_ns for p in exports.rglob("*") if p.is_file() and "messages" not in str(p)}
    text = envfactory("run", str(pipeline_file), "--out", str(out))
    assert "missing or changed" in text.stderr
    assert "(changed)" in text.stderr
    assert output_files(out) == output_files(reference)
    # only the exporter with a changed file ran again
    assert {p: p.stat().st_mtime_ns for p in untouched} == untouched
    record("corruptions recognised")
    done = envfactory("run", str(pipeline_file), "--out", str(out), "--json")
    assert json.loads(done.stdout)["did_work"] is False
