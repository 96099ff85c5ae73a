"""Whether a run store can be trusted, the backup it keeps, and the two ways out when it cannot.

A run store that a crash, a full disk or a stray ``truncate`` has damaged must never be read as
if it were fine, nor silently started over: every open checks the file (its SQLite header,
``PRAGMA quick_check`` and the migrations it records), and a damaged store raises
:class:`StoreDamagedError`, which names the file and the two ways out:

* ``envfactory runs restore RUN`` puts back the backup the store keeps of itself at the end of
  every stage (``run.backup.sqlite``, made with SQLite's online backup, so it is consistent), and
  the next ``envfactory run`` resumes from there;
* ``envfactory run ... --restart`` starts the run over.

Either way the damaged file is moved aside (``run.sqlite.damaged``), never deleted.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ..errors import StoreError

__all__ = [
    "BACKUP_FILENAME",
    "STORE_FORMAT",
    "StoreDamagedError",
    "StoreTooNewError",
    "backup_info",
    "check_file",
    "check_open",
    "discard_run",
    "move_aside",
    "restore_backup",
    "write_backup",
]

STORE_FORMAT = 1
"""The layout of the store file itself (``PRAGMA user_version``); tables are versioned by migrations."""

APPLICATION_ID = 0x45465331  # "EFS1": marks the file as an envfactory run store
BACKUP_FILENAME = "run.backup.sqlite"
SQLITE_HEADER = b"SQLite format 3\x00"
_SIDE_FILES = ("-wal", "-shm", "-journal")


class StoreDamagedError(StoreError):
    """The run store cannot be read as it is: damaged, empty or not an SQLite file."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        run_dir = path.parent
        backup = backup_info(run_dir / BACKUP_FILENAME)
        if backup is not None:
            first = (
                f"resume from the backup taken at the end of stage {backup!r}: "
                f"`envfactory runs restore {run_dir}`, then run the same `envfactory run` command again"
            )
        else:
            first = (
                "resume from a backup: none exists yet (the store keeps one from the end of its first stage on), "
                f"so `envfactory runs restore {run_dir}` cannot help here"
            )
        super().__init__(
            f"the run store {path} is damaged: {reason}. Two ways out: (1) {first}; "
            f"(2) start the run over with `envfactory run ... --out {run_dir} --restart`. "
            "Either way the damaged file is kept as " + path.name + ".damaged"
        )


class StoreTooNewError(StoreError):
    """The run store was written by a newer envfactory (a store format or migration this one lacks)."""


def check_file(path: Path) -> None:
    """Refuse a store file that is empty or not SQLite, before SQLite gets to treat it as new."""
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise StoreError(f"cannot read the run store {path}: {error.strerror or error}") from error
    if not header:
        raise StoreDamagedError(path, "the file is empty (0 bytes)")
    if header != SQLITE_HEADER:
        raise StoreDamagedError(path, "it is not an SQLite database (its first bytes are not an SQLite header)")


def check_open(connection: sqlite3.Connection, path: Path) -> None:
    """``PRAGMA quick_check`` and the store format of an opened store (raises when either is wrong)."""
    try:
        rows = connection.execute("PRAGMA quick_check(5)").fetchall()
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError as error:
        raise StoreDamagedError(path, str(error)) from error
    problems = [str(row[0]).replace("\n", "; ") for row in rows if row and row[0] != "ok"]
    if problems:
        raise StoreDamagedError(path, "SQLite's quick_check found: " + "; ".join(problems)[:400])
    if version > STORE_FORMAT:
        raise StoreTooNewError(
            f"the run store {path} has store format {version}, newer than this envfactory reads ({STORE_FORMAT}); "
            "upgrade envfactory (pip install -U envfactory-core) to read it"
        )


def stamp(connection: sqlite3.Connection) -> None:
    """Mark a store as an envfactory run store of the current format."""
    connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    connection.execute(f"PRAGMA user_version = {STORE_FORMAT}")


def write_backup(connection: sqlite3.Connection, path: Path, stage: str) -> None:
    """Copy the open store to ``path`` consistently (SQLite's online backup), replacing it atomically."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.unlink(missing_ok=True)
    target = sqlite3.connect(str(temporary), isolation_level=None)
    try:
        connection.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")
        target.execute("CREATE TABLE IF NOT EXISTS _ef_backup (key TEXT PRIMARY KEY, value TEXT)")
        target.execute("INSERT OR REPLACE INTO _ef_backup (key, value) VALUES ('stage', ?)", (stage,))
    finally:
        target.close()
    os.replace(temporary, path)


def backup_info(path: Path) -> str | None:
    """The stage a backup was taken at, or None when there is no usable backup."""
    if not path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = connection.execute("SELECT value FROM _ef_backup WHERE key = 'stage'").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return None
    return str(row[0]) if row else None


def move_aside(path: Path) -> Path | None:
    """Move a store file and its SQLite side files to ``<name>.damaged`` (replacing an older one)."""
    if not path.exists():
        for suffix in _SIDE_FILES:
            Path(str(path) + suffix).unlink(missing_ok=True)
        return None
    aside = path.with_name(path.name + ".damaged")
    os.replace(path, aside)
    for suffix in _SIDE_FILES:
        side = Path(str(path) + suffix)
        if side.exists():
            os.replace(side, Path(str(aside) + suffix))
    return aside


def restore_backup(store_path: Path) -> str:
    """Put the run's backup in place of its store (the store moved aside); returns the backup's stage."""
    backup = store_path.parent / BACKUP_FILENAME
    stage = backup_info(backup)
    if stage is None:
        raise StoreError(
            f"{store_path.parent} has no usable backup ({backup.name}); start the run over with "
            f"`envfactory run ... --out {store_path.parent} --restart`"
        )
    check = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        ok = check.execute("PRAGMA quick_check(1)").fetchone()[0] == "ok"
    except sqlite3.DatabaseError:
        ok = False
    finally:
        check.close()
    if not ok:
        raise StoreError(
            f"the backup {backup} is damaged too; start the run over with "
            f"`envfactory run ... --out {store_path.parent} --restart`"
        )
    temporary = store_path.with_name(store_path.name + ".restoring")
    temporary.write_bytes(backup.read_bytes())
    move_aside(store_path)
    os.replace(temporary, store_path)
    return stage


def discard_run(run_dir: Path) -> None:
    """Start the run in ``run_dir`` over: its store goes (aside when damaged), with its backup and exports."""
    import shutil

    store_path = run_dir / "run.sqlite"
    if not store_path.exists() and not (run_dir / BACKUP_FILENAME).exists():
        return
    damaged = False
    if store_path.exists():
        try:
            check_file(store_path)
            connection = sqlite3.connect(f"file:{store_path}?mode=ro", uri=True)
            try:
                damaged = connection.execute("PRAGMA quick_check(1)").fetchone()[0] != "ok"
            finally:
                connection.close()
        except (StoreError, sqlite3.DatabaseError):
            damaged = True
    if damaged:
        move_aside(store_path)
    else:
        for suffix in ("", *_SIDE_FILES):
            Path(str(store_path) + suffix).unlink(missing_ok=True)
    (run_dir / BACKUP_FILENAME).unlink(missing_ok=True)
    exports = run_dir / "exports"
    if exports.is_dir():
        shutil.rmtree(exports)
