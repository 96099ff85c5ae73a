"""The run store: one SQLite file per run directory.

Every package that keeps data in a run declares a named :class:`Migrations` set; the store
applies each set's pending migrations when it opens and records them in ``_ef_migrations``, so
several packages own tables in the same file without stepping on each other. Rows are
content-addressed where they can be, and writes that belong together go in one
:meth:`RunStore.transaction`.

The file is plain SQLite: browse it with ``datasette`` (``envfactory browse RUN_DIR``).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from ..errors import StoreError
from ..ids import JsonValue, canonical_json, digest
from . import health
from .health import StoreDamagedError

__all__ = [
    "STORE_FILENAME",
    "Migrations",
    "RunStore",
    "StoreDamagedError",
    "all_migrations",
    "register_migrations",
]

STORE_FILENAME = "run.sqlite"

Migration = Callable[[sqlite_utils.Database], None]


class Migrations:
    """A named, ordered set of schema changes owned by one package."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.steps: list[tuple[str, Migration]] = []

    def __call__(self, function: Migration) -> Migration:
        """Decorator: add ``function`` as the next migration (its name identifies it)."""
        if any(name == function.__name__ for name, _ in self.steps):
            raise ValueError(f"migration {function.__name__!r} is already in set {self.name!r}")
        self.steps.append((function.__name__, function))
        return function

    def apply(self, db: sqlite_utils.Database) -> list[str]:
        applied = {row["name"] for row in db.table("_ef_migrations").rows_where("migration_set = ?", [self.name])}
        done: list[str] = []
        for name, function in self.steps:
            if name in applied:
                continue
            with db.conn:
                function(db)
                db.table("_ef_migrations").insert({"migration_set": self.name, "name": name})
            done.append(name)
        return done


_REGISTERED: dict[str, Migrations] = {}


def register_migrations(migrations: Migrations) -> Migrations:
    """Make a migration set known to every store opened from now on."""
    _REGISTERED[migrations.name] = migrations
    return migrations


def all_migrations() -> tuple[Migrations, ...]:
    return tuple(_REGISTERED.values())


core_migrations = register_migrations(Migrations("envfactory-core"))


@core_migrations
def m001_runs_and_blobs(db: sqlite_utils.Database) -> None:
    db.table("runs").create(
        {"run_id": str, "created_by": str, "config": str, "seed": int, "status": str},
        pk="run_id",
        if_not_exists=True,
    )
    db.table("blobs").create({"id": str, "kind": str, "encoding": str, "body": bytes}, pk="id", if_not_exists=True)
    db.table("meta").create({"key": str, "value": str}, pk="key", if_not_exists=True)


def _create(path: Path) -> None:
    """Make a new, stamped, empty store at ``path`` atomically (under a temporary name first)."""
    temporary = path.with_name(path.name + ".creating")
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(temporary) + suffix).unlink(missing_ok=True)
    connection = sqlite3.connect(str(temporary), isolation_level=None)
    try:
        health.stamp(connection)
        connection.execute(
            "CREATE TABLE IF NOT EXISTS _ef_migrations "
            "(migration_set TEXT, name TEXT, PRIMARY KEY (migration_set, name))"
        )
    finally:
        connection.close()
    os.replace(temporary, path)


class RunStore:
    """A run directory's SQLite file, checked and opened with every registered migration applied.

    Opening checks the file's health (:mod:`.health`): an empty, truncated or garbage file, or
    one written by a newer envfactory, raises instead of being read or started over. A new
    store is made under a temporary name and moved into place, so a kill during creation never
    leaves an empty ``run.sqlite`` behind.
    """

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        path = Path(path)
        if path.is_dir() or path.suffix != ".sqlite":
            path = path / STORE_FILENAME
        if not create and not path.exists():
            raise StoreError(f"no run store at {path}; run `envfactory run --out {path.parent}` first")
        self.path = path
        if path.exists():
            health.check_file(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            _create(path)
        try:
            self._open()
        except sqlite3.DatabaseError as error:
            raise health.StoreDamagedError(path, str(error)) from error

    def _open(self) -> None:
        self.connection = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None, timeout=30)
        try:
            self.connection.execute("PRAGMA journal_mode = WAL")
            self.connection.execute("PRAGMA synchronous = NORMAL")
            self.connection.execute("PRAGMA foreign_keys = ON")
            health.check_open(self.connection, self.path)
            self.db = sqlite_utils.Database(self.connection)
            self.lock = threading.RLock()
            self._depth = 0
            self.db.table("_ef_migrations").create(
                {"migration_set": str, "name": str}, pk=("migration_set", "name"), if_not_exists=True
            )
            self._refuse_newer()
            for migrations in all_migrations():
                self.migrate(migrations)
            if int(self.connection.execute("PRAGMA user_version").fetchone()[0]) != health.STORE_FORMAT:
                health.stamp(self.connection)
        except BaseException:
            self.connection.close()
            raise

    def _refuse_newer(self) -> None:
        """A store that records a migration of a known set this code lacks was written by a newer release."""
        known = {migrations.name: {name for name, _ in migrations.steps} for migrations in all_migrations()}
        for set_name, name in self.connection.execute("SELECT migration_set, name FROM _ef_migrations"):
            if set_name in known and name not in known[set_name]:
                raise health.StoreTooNewError(
                    f"the run store {self.path} has migration {name!r} of {set_name!r}, which this installation "
                    f"does not know: it was written by a newer release; upgrade the package that owns {set_name!r}"
                )

    def backup(self, stage: str) -> None:
        """Keep a consistent copy of the store as it is now (at the end of ``stage``) beside it."""
        with self.lock:
            health.write_backup(self.connection, self.path.with_name(health.BACKUP_FILENAME), stage)

    def damaged(self, error: sqlite3.DatabaseError) -> health.StoreDamagedError:
        """The clear error for an SQLite error met while reading or writing this store."""
        return health.StoreDamagedError(self.path, str(error))

    def migrate(self, migrations: Migrations) -> list[str]:
        with self.lock:
            return migrations.apply(self.db)

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """All writes inside happen together or not at all (nested use joins the outer one)."""
        with self.lock:
            outer = self._depth == 0
            if outer:
                self.connection.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield self.db
            except BaseException:
                self._depth -= 1
                if outer:
                    self.connection.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outer:
                self.connection.execute("COMMIT")

    # --- content-addressed blobs ---------------------------------------------------------------

    def put_blob(self, kind: str, value: JsonValue, blob_id: str | None = None, *, text: str | None = None) -> str:
        """Store a JSON value under its content id (or ``blob_id``); storing twice is a no-op.

        Bodies are canonical JSON compressed with zlib (world states shrink about tenfold).
        ``text`` is ``canonical_json(value)`` when the caller has already computed it (to derive
        the content id, say), so it is not encoded twice.
        """
        if blob_id is None:
            text = canonical_json(value) if text is None else text
            identifier = digest(text)
        else:
            identifier = blob_id
        if self.has_blob(identifier):
            return identifier
        text = canonical_json(value) if text is None else text
        body = zlib.compress(text.encode("utf-8"), 6)
        with self.lock:
            self.connection.execute(
                "INSERT OR IGNORE INTO blobs (id, kind, encoding, body) VALUES (?, ?, ?, ?)",
                (identifier, kind, "zlib-json", body),
            )
        return identifier

    def get_blob(self, blob_id: str) -> Any:
        row = self.connection.execute("SELECT encoding, body FROM blobs WHERE id = ?", (blob_id,)).fetchone()
        if row is None:
            raise StoreError(f"no blob {blob_id} in {self.path}")
        encoding, body = row
        text = zlib.decompress(body).decode("utf-8") if encoding == "zlib-json" else body
        return json.loads(text)

    def has_blob(self, blob_id: str) -> bool:
        return self.connection.execute("SELECT 1 FROM blobs WHERE id = ?", (blob_id,)).fetchone() is not None

    def set_meta(self, key: str, value: str) -> None:
        with self.lock:
            self.connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default
