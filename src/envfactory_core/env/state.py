"""State in SQLite: typed rows in, exactly the same JSON types out.

The canonical state of an environment is a plain dict ``{table: {key: row}}``: ``key`` is the
primary key as text (``"42"``, ``"ord_1a2b"``; a composite key is the JSON list of its values),
``row`` maps every column to its value. ``json`` columns hold any JSON value and give back exactly
the types that went in (an int stays an int, a float stays a float, list order kept).

The state hash is a hash tree, so that it is cheap to recompute after a small change. Each row
falls in one of 256 buckets by its key; every level hashes canonical JSON::

    bucket of a key = sha256(key)[:2]                                            (2 hex digits)
    bucket digest   = sha256(canonical_json({key: row for the bucket's keys}))   (hex)
    table digest    = sha256(canonical_json({bucket: bucket digest}))            (hex, non-empty buckets)
    state hash      = "sha256:" + sha256(canonical_json({table: table digest}))

:func:`hash_state` computes it from scratch; episodes keep each row's canonical encoding in an
:class:`EncodedTable` and re-hash only the buckets a call touched, so hashing after a write costs
the same for ten rows or a million.
"""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from ..errors import EnvFactoryError, Problem, ProblemsError
from ..ids import JsonValue, canonical_json, check_json_value, digest
from ..models import RowChange, StateDiff, StateSchema, TableSpec

__all__ = [
    "EncodedTable",
    "StateError",
    "StateCodec",
    "diff_states",
    "diff_written_rows",
    "hash_state",
    "row_key",
    "table_digest",
]

CanonicalState = dict[str, dict[str, dict[str, JsonValue]]]


class StateError(ProblemsError, ValueError):
    """State data does not fit the environment's schema."""


class StateWriteError(EnvFactoryError, ValueError):
    """A tool tried to write a row that does not fit the schema (a bug in the tool)."""


def row_key(values: Sequence[JsonValue]) -> str:
    """The canonical key text for primary-key values."""
    if len(values) == 1:
        return str(values[0])
    return canonical_json(list(values))


def bucket_of(key: str) -> str:
    """The hash-tree bucket of a row key (two hex digits)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:2]


def _object_json(pieces: Mapping[str, str]) -> str:
    """Canonical JSON of ``{key: value}`` from already-encoded values, without decoding them."""
    return "{" + ",".join(json.dumps(key, ensure_ascii=False) + ":" + pieces[key] for key in sorted(pieces)) + "}"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EncodedTable:
    """A table's rows as canonical JSON, grouped in hash buckets, with cached digests.

    Copies share buckets until one is written (copy-on-write), so an episode's reset is cheap.
    """

    __slots__ = ("_buckets", "_digests", "_owned", "_table_digest")

    def __init__(self) -> None:
        self._buckets: dict[str, dict[str, str]] = {}
        self._digests: dict[str, str] = {}
        self._owned: set[str] = set()
        self._table_digest: str | None = None

    @classmethod
    def from_rows(cls, rows: Mapping[str, str]) -> EncodedTable:
        table = cls()
        for key, row in rows.items():
            table.set(key, row)
        return table

    def copy(self) -> EncodedTable:
        clone = EncodedTable()
        clone._buckets = dict(self._buckets)
        clone._digests = dict(self._digests)
        clone._table_digest = self._table_digest
        return clone

    def restore(self, original: EncodedTable, keys: Iterable[str]) -> None:
        """Be ``original`` again where ``keys`` were written: their buckets and digests are shared back.

        The cost is in the number of keys written, not in the size of the table (a reset after a
        few writes touches a few buckets).
        """
        for bucket in {bucket_of(key) for key in keys}:
            rows = original._buckets.get(bucket)
            if rows is None:
                self._buckets.pop(bucket, None)
            else:
                self._buckets[bucket] = rows
            digest = original._digests.get(bucket)
            if digest is None:
                self._digests.pop(bucket, None)
            else:
                self._digests[bucket] = digest
            self._owned.discard(bucket)
        self._table_digest = original._table_digest

    def snapshot(self) -> EncodedTable:
        """A copy that later writes to this table never reach (both share buckets until written)."""
        self._owned.clear()
        return self.copy()

    def _writable(self, bucket: str) -> dict[str, str]:
        if bucket not in self._owned:
            self._buckets[bucket] = dict(self._buckets.get(bucket, {}))
            self._owned.add(bucket)
        self._digests.pop(bucket, None)
        self._table_digest = None
        return self._buckets[bucket]

    def get(self, key: str) -> str | None:
        return self._buckets.get(bucket_of(key), {}).get(key)

    def set(self, key: str, row: str) -> None:
        self._writable(bucket_of(key))[key] = row

    def remove(self, key: str) -> None:
        bucket = bucket_of(key)
        if key in self._buckets.get(bucket, {}):
            rows = self._writable(bucket)
            del rows[key]
            if not rows:
                del self._buckets[bucket]
                self._owned.discard(bucket)

    def items(self) -> Iterator[tuple[str, str]]:
        for bucket in self._buckets.values():
            yield from bucket.items()

    def __len__(self) -> int:
        return sum(len(bucket) for bucket in self._buckets.values())

    def digest(self) -> str:
        if self._table_digest is None:
            for bucket, rows in self._buckets.items():
                if bucket not in self._digests:
                    self._digests[bucket] = _sha(_object_json(rows))
            # Bucket names and digests are hex, so their JSON is the text in quotes: this is
            # _object_json({bucket: json.dumps(digest)}) without an encoder call per bucket.
            digests = self._digests
            self._table_digest = _sha(
                "{" + ",".join(f'"{bucket}":"{digests[bucket]}"' for bucket in sorted(digests)) + "}"
            )
        return self._table_digest


def table_digest(rows: Mapping[str, str]) -> str:
    """The digest of a table from encoded rows ``{key: canonical row JSON}``."""
    return EncodedTable.from_rows(rows).digest()


def combine_digests(digests: Mapping[str, str]) -> str:
    return digest(canonical_json(dict(digests)))


def hash_state(state: Mapping[str, Mapping[str, Mapping[str, JsonValue]]]) -> str:
    """The state hash of a canonical state, computed from scratch."""
    return combine_digests(
        {table: table_digest({key: canonical_json(row) for key, row in rows.items()}) for table, rows in state.items()}
    )


def diff_states(
    before: Mapping[str, Mapping[str, Mapping[str, JsonValue]]],
    after: Mapping[str, Mapping[str, Mapping[str, JsonValue]]],
    *,
    environment: str = "",
) -> StateDiff:
    """Field-level difference between two canonical states of one environment."""
    changes: list[RowChange] = []
    for table in sorted(set(before) | set(after)):
        old_rows = before.get(table, {})
        new_rows = after.get(table, {})
        for key in sorted(set(old_rows) | set(new_rows)):
            change = diff_rows(table, key, old_rows.get(key), new_rows.get(key), environment=environment)
            if change is not None:
                changes.append(change)
    return StateDiff(changes=changes)


def diff_written_rows(
    before: Mapping[str, EncodedTable],
    after: Mapping[str, EncodedTable],
    written: Mapping[str, Iterable[str]],
) -> StateDiff:
    """The difference over the rows ``written`` only, between two states of encoded tables.

    An episode knows which keys its calls wrote since the last reset; diffing those alone (rather
    than every row) is what keeps ``diff()`` cheap on a large seeded state.
    """
    changes: list[RowChange] = []
    for table_name in sorted(written):
        before_rows = before[table_name]
        after_rows = after[table_name]
        for key in sorted(written[table_name]):
            old = before_rows.get(key)
            new = after_rows.get(key)
            if old == new:
                continue
            change = diff_rows(
                table_name,
                key,
                json.loads(old) if old is not None else None,
                json.loads(new) if new is not None else None,
            )
            if change is not None:
                changes.append(change)
    return StateDiff(changes=changes)


def _same(left: Any, right: Any) -> bool:
    """Whether two JSON values are the same value: what comparing their canonical JSON says, without
    writing it (``True`` is not ``1``, ``1`` is not ``1.0``)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(_same(value, right[key]) for key, value in left.items())
    if isinstance(left, list):
        return len(left) == len(right) and all(_same(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, float):
        return repr(left) == repr(right)  # as JSON writes them: -0.0 is not 0.0
    return bool(left == right)


def diff_rows(
    table: str,
    key: str,
    old: Mapping[str, JsonValue] | None,
    new: Mapping[str, JsonValue] | None,
    *,
    environment: str = "",
) -> RowChange | None:
    if old is None and new is None:
        return None
    if old is None:
        return RowChange(table=table, key=key, change="added", after=dict(new or {}), environment=environment)
    if new is None:
        return RowChange(table=table, key=key, change="removed", before=dict(old), environment=environment)
    if _same(old, new):
        return None
    fields = tuple(
        field
        for field in sorted(set(old) | set(new))
        if field not in old or field not in new or not _same(old[field], new[field])
    )
    if not fields:
        return None
    return RowChange(
        table=table,
        key=key,
        change="changed",
        before=dict(old),
        after=dict(new),
        fields=fields,
        environment=environment,
    )


_SQL_TYPES = {"text": "TEXT", "integer": "INTEGER", "real": "REAL", "boolean": "INTEGER", "json": "TEXT"}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class TableCodec:
    """Encode rows of one table into SQLite values and decode them back."""

    def __init__(self, spec: TableSpec) -> None:
        self.spec = spec
        self.name = spec.name
        self.columns = tuple(column.name for column in spec.columns)
        self.types = {column.name: column.type for column in spec.columns}
        self.nullable = {
            column.name: column.nullable and column.name not in spec.primary_key for column in spec.columns
        }
        self.primary_key = spec.primary_key
        self.key_positions = tuple(self.columns.index(key) for key in spec.primary_key)
        columns_sql = ", ".join(_quote(name) for name in self.columns)
        self.select_sql = f"SELECT {columns_sql} FROM main.{_quote(self.name)}"
        self.key_where = " AND ".join(f"{_quote(key)} = ?" for key in self.primary_key)
        placeholders = ", ".join("?" for _ in self.columns)
        self.insert_sql = f"INSERT INTO main.{_quote(self.name)} ({columns_sql}) VALUES ({placeholders})"

    def create_sql(self) -> str:
        columns = []
        for column in self.spec.columns:
            null = "" if self.nullable[column.name] else " NOT NULL"
            columns.append(f"{_quote(column.name)} {_SQL_TYPES[column.type]}{null}")
        keys = ", ".join(_quote(key) for key in self.primary_key)
        return f"CREATE TABLE main.{_quote(self.name)} ({', '.join(columns)}, PRIMARY KEY ({keys}))"

    def trigger_sql(self) -> list[str]:
        def keys(prefix: str) -> str:
            return "json_array(" + ", ".join(f"{prefix}.{_quote(key)}" for key in self.primary_key) + ")"

        name = self.name
        table = f"main.{_quote(name)}"
        literal = "'" + name.replace("'", "''") + "'"
        return [
            f"CREATE TEMP TRIGGER IF NOT EXISTS {_quote('_ef_ins_' + name)} AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO _ef_dirty VALUES ({literal}, {keys('NEW')}); END",
            f"CREATE TEMP TRIGGER IF NOT EXISTS {_quote('_ef_upd_' + name)} AFTER UPDATE ON {table} BEGIN "
            f"INSERT INTO _ef_dirty VALUES ({literal}, {keys('OLD')}); "
            f"INSERT INTO _ef_dirty VALUES ({literal}, {keys('NEW')}); END",
            f"CREATE TEMP TRIGGER IF NOT EXISTS {_quote('_ef_del_' + name)} AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO _ef_dirty VALUES ({literal}, {keys('OLD')}); END",
        ]

    def encode_value(self, column: str, value: Any) -> Any:
        """One Python value → its SQLite value; raises ``ValueError``/``TypeError`` with the reason."""
        kind = self.types[column]
        if value is None and kind == "json" and column not in self.primary_key:
            return None if self.nullable[column] else "null"
        if value is None:
            if not self.nullable[column]:
                raise ValueError(f"{self.name}.{column} cannot be null")
            return None
        if kind == "json":
            problems = check_json_value(value, f"{self.name}.{column}")
            if problems:
                raise TypeError("; ".join(problems[:3]))
            return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        if kind == "text":
            if not isinstance(value, str):
                raise TypeError(f"{self.name}.{column} holds text, got {type(value).__name__} {value!r}")
            return value
        if kind == "boolean":
            if not isinstance(value, bool):
                raise TypeError(f"{self.name}.{column} holds a boolean, got {type(value).__name__} {value!r}")
            return int(value)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{self.name}.{column} holds a number, got {type(value).__name__} {value!r}")
        if kind == "integer":
            if isinstance(value, float):
                if not value.is_integer():
                    raise TypeError(f"{self.name}.{column} holds an integer, got {value!r}")
                value = int(value)
            if not -(2**63) <= value < 2**63:
                raise ValueError(f"{self.name}.{column}: {value} is out of the 64-bit integer range")
            return value
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"{self.name}.{column}: {value!r} is not a finite number")
        return number

    def encode_row(self, row: Mapping[str, Any]) -> tuple[Any, ...]:
        unknown = [name for name in row if name not in self.types]
        if unknown:
            raise ValueError(
                f"{self.name} has no column {', '.join(map(repr, unknown))}; columns: {', '.join(self.columns)}"
            )
        return tuple(self.encode_value(column, row.get(column)) for column in self.columns)

    def decode_row(self, values: Sequence[Any]) -> dict[str, JsonValue]:
        row: dict[str, JsonValue] = {}
        for column, value in zip(self.columns, values, strict=True):
            kind = self.types[column]
            if value is None:
                row[column] = None
            elif kind == "json":
                row[column] = json.loads(value)
            elif kind == "boolean":
                row[column] = bool(value)
            elif kind == "real":
                row[column] = float(value)
            else:
                row[column] = value
        return row

    def key_of(self, values: Sequence[Any]) -> str:
        return row_key([values[position] for position in self.key_positions])


class StateCodec:
    """Reads and writes whole states for one state schema."""

    def __init__(self, schema: StateSchema) -> None:
        self.schema = schema
        self.tables: dict[str, TableCodec] = {table.name: TableCodec(table) for table in schema.tables}

    def create(self, connection: sqlite3.Connection) -> None:
        for codec in self.tables.values():
            connection.execute(codec.create_sql())
        connection.execute("CREATE TABLE main._ef_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)")

    def install_triggers(self, connection: sqlite3.Connection) -> None:
        connection.execute("CREATE TEMP TABLE IF NOT EXISTS _ef_dirty (tbl TEXT NOT NULL, k TEXT NOT NULL)")
        for codec in self.tables.values():
            for statement in codec.trigger_sql():
                connection.execute(statement)

    def normalize(self, state: Mapping[str, Any]) -> tuple[dict[str, list[tuple[Any, ...]]], list[Problem]]:
        """Encode a state given as ``{table: [rows]}`` or ``{table: {key: row}}``.

        Returns the encoded rows per table and every problem found (unknown tables, bad values,
        duplicate keys, keys that disagree with the row).
        """
        problems: list[Problem] = []
        encoded: dict[str, list[tuple[Any, ...]]] = {name: [] for name in self.tables}
        if not isinstance(state, Mapping):  # callers may pass anything read from a file
            return encoded, [  # type: ignore[unreachable]
                Problem(location="state", message=f"must be an object of tables, got {type(state).__name__}")
            ]
        for table, rows in state.items():
            codec = self.tables.get(table)
            if codec is None:
                problems.append(
                    Problem(
                        location=f"state.{table}", message="no such table", fix=f"use one of: {', '.join(self.tables)}"
                    )
                )
                continue
            items: Iterable[tuple[str | None, Any]]
            if isinstance(rows, Mapping):
                items = rows.items()
            elif isinstance(rows, list):
                items = ((None, row) for row in rows)
            else:
                problems.append(
                    Problem(location=f"state.{table}", message="must be a list of rows or an object of rows by key")
                )
                continue
            seen: set[str] = set()
            for index, (given_key, row) in enumerate(items):
                where = f"state.{table}[{given_key if given_key is not None else index}]"
                if not isinstance(row, Mapping):
                    problems.append(
                        Problem(location=where, message=f"a row must be an object, got {type(row).__name__}")
                    )
                    continue
                try:
                    values = codec.encode_row(row)
                except (TypeError, ValueError) as error:
                    problems.append(Problem(location=where, message=str(error)))
                    continue
                key = codec.key_of(values)
                if given_key is not None and str(given_key) != key:
                    problems.append(
                        Problem(
                            location=where, message=f"the key {given_key!r} differs from the row's primary key {key!r}"
                        )
                    )
                    continue
                if key in seen:
                    problems.append(Problem(location=where, message=f"duplicate primary key {key!r}"))
                    continue
                seen.add(key)
                encoded[table].append(values)
        return encoded, problems

    def load(self, connection: sqlite3.Connection, state: Mapping[str, Any]) -> None:
        encoded, problems = self.normalize(state)
        if problems:
            raise StateError("the state does not fit the schema", problems)
        for table, rows in encoded.items():
            if rows:
                connection.executemany(self.tables[table].insert_sql, rows)

    def read_encoded(self, connection: sqlite3.Connection) -> dict[str, EncodedTable]:
        """Every row's canonical JSON, by table, in hash buckets."""
        result: dict[str, EncodedTable] = {}
        for name, codec in self.tables.items():
            table = EncodedTable()
            for values in connection.execute(codec.select_sql):
                table.set(codec.key_of(values), canonical_json(codec.decode_row(values)))
            result[name] = table
        return result

    def iter_rows(self, connection: sqlite3.Connection, table: str) -> Iterator[dict[str, JsonValue]]:
        codec = self.tables[table]
        keys = ", ".join(_quote(key) for key in codec.primary_key)
        for values in connection.execute(f"{codec.select_sql} ORDER BY {keys}"):
            yield codec.decode_row(values)
