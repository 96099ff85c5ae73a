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

__all__ = ["STORE_FILENAME", "Migrations", "RunStore", "all_migrations", "register_migrations"]

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


class RunStore:
    """A run directory's SQLite file, opened with every registered migration applied."""

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        path = Path(path)
        if path.is_dir() or path.suffix != ".sqlite":
            path = path / STORE_FILENAME
        if not create and not path.exists():
            raise StoreError(f"no run store at {path}; run `envfactory run --out {path.parent}` first")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.connection = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        self.connection.execute("PRAGMA journal_mode = WAL")
        self.connection.execute("PRAGMA synchronous = NORMAL")
        self.connection.execute("PRAGMA foreign_keys = ON")
        self.db = sqlite_utils.Database(self.connection)
        self.lock = threading.RLock()
        self._depth = 0
        self.db.table("_ef_migrations").create(
            {"migration_set": str, "name": str}, pk=("migration_set", "name"), if_not_exists=True
        )
        for migrations in all_migrations():
            self.migrate(migrations)

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
