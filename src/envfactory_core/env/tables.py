"""The table API tools use to read and change state."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from ..ids import JsonValue
from .errors import ToolError
from .state import StateWriteError, TableCodec, _quote

__all__ = ["TableView"]

Row = dict[str, JsonValue]


class TableView:
    """Read and write one table of an episode's state.

    Rows are plain dicts with every column. Keys are given in primary-key order:
    ``orders.get("ord_1")``, ``seats.get("UA100", "12A")``. Writes that do not fit the schema raise
    ``StateWriteError`` (a bug in the tool); business refusals are the tool's own ``ToolError``.
    """

    def __init__(self, connection: sqlite3.Connection, codec: TableCodec, label: str | None = None) -> None:
        self._connection = connection
        self._codec = codec
        self.name = codec.name
        self.label = label or codec.name.rstrip("s").replace("_", " ")

    @property
    def columns(self) -> tuple[str, ...]:
        return self._codec.columns

    def _key_values(self, key: Sequence[Any]) -> list[Any]:
        if len(key) != len(self._codec.primary_key):
            raise TypeError(
                f"{self.name} is keyed by {', '.join(self._codec.primary_key)}; got {len(key)} key value(s)"
            )
        return [
            self._codec.encode_value(column, value) for column, value in zip(self._codec.primary_key, key, strict=True)
        ]

    def get(self, *key: Any) -> Row | None:
        """The row with this primary key, or None."""
        try:
            values = self._key_values(key)
        except (TypeError, ValueError):
            return None
        found = self._connection.execute(f"{self._codec.select_sql} WHERE {self._codec.key_where}", values).fetchone()
        return self._codec.decode_row(found) if found is not None else None

    def require(self, *key: Any, what: str | None = None) -> Row:
        """The row with this primary key; a ``ToolError`` the agent can read when it is missing."""
        row = self.get(*key)
        if row is None:
            shown = key[0] if len(key) == 1 else key
            raise ToolError(f"{what or self.label} {shown!r} not found", code="not_found")
        return row

    def exists(self, *key: Any) -> bool:
        return self.get(*key) is not None

    def _where(self, equals: Mapping[str, Any]) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for column, value in equals.items():
            if column not in self._codec.types:
                raise KeyError(f"{self.name} has no column {column!r}")
            if self._codec.types[column] == "json":
                raise TypeError(f"{self.name}.{column} is a JSON column; filter it in Python")
            if value is None:
                clauses.append(f"{_quote(column)} IS NULL")
            else:
                clauses.append(f"{_quote(column)} = ?")
                params.append(self._codec.encode_value(column, value))
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def find(
        self,
        *,
        order_by: str | Sequence[str] | None = None,
        descending: bool = False,
        limit: int | None = None,
        offset: int = 0,
        **equals: Any,
    ) -> list[Row]:
        """Rows whose columns equal the given values, ordered (by primary key unless told).

        Ties in ``order_by`` are broken by the primary key, so the order never depends on how the
        rows came to be stored (a restored episode lists them as the original did).
        """
        where, params = self._where(equals)
        order = [order_by] if isinstance(order_by, str) else list(order_by or ())
        order += [column for column in self._codec.primary_key if column not in order]
        for column in order:
            if column not in self._codec.types:
                raise KeyError(f"{self.name} has no column {column!r}")
        direction = " DESC" if descending else ""
        order_sql = ", ".join(f"{_quote(column)}{direction}" for column in order)
        sql = f"{self._codec.select_sql}{where} ORDER BY {order_sql}"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [int(limit), int(offset)]
        return [self._codec.decode_row(values) for values in self._connection.execute(sql, params)]

    def all(self, *, order_by: str | Sequence[str] | None = None) -> list[Row]:
        return self.find(order_by=order_by)

    def first(self, **equals: Any) -> Row | None:
        rows = self.find(limit=1, **equals)
        return rows[0] if rows else None

    def count(self, **equals: Any) -> int:
        where, params = self._where(equals)
        result = self._connection.execute(f"SELECT COUNT(*) FROM main.{_quote(self.name)}{where}", params).fetchone()
        return int(result[0])

    def insert(self, row: Mapping[str, Any]) -> Row:
        """Add a row and return it as stored; a ``ToolError`` if the key exists."""
        try:
            values = self._codec.encode_row(row)
        except (TypeError, ValueError) as error:
            raise StateWriteError(f"cannot insert into {self.name}: {error}") from error
        key = [values[position] for position in self._codec.key_positions]
        if self.get(*key) is not None:
            shown = key[0] if len(key) == 1 else key
            raise ToolError(f"{self.label} {shown!r} already exists", code="conflict")
        self._connection.execute(self._codec.insert_sql, values)
        return self._codec.decode_row(values)

    def update(self, key: Any, changes: Mapping[str, Any]) -> Row:
        """Change some columns of an existing row and return the row; ``key`` is a value or a tuple."""
        key_values = list(key) if isinstance(key, tuple) else [key]
        current = self.require(*key_values)
        merged = {**current, **changes}
        try:
            values = self._codec.encode_row(merged)
        except (TypeError, ValueError) as error:
            raise StateWriteError(f"cannot update {self.name}: {error}") from error
        assignments = ", ".join(f"{_quote(column)} = ?" for column in self._codec.columns)
        self._connection.execute(
            f"UPDATE main.{_quote(self.name)} SET {assignments} WHERE {self._codec.key_where}",
            [*values, *self._key_values(key_values)],
        )
        return self._codec.decode_row(values)

    def upsert(self, row: Mapping[str, Any]) -> Row:
        try:
            values = self._codec.encode_row(row)
        except (TypeError, ValueError) as error:
            raise StateWriteError(f"cannot write {self.name}: {error}") from error
        key = [values[position] for position in self._codec.key_positions]
        self._connection.execute(f"DELETE FROM main.{_quote(self.name)} WHERE {self._codec.key_where}", key)
        self._connection.execute(self._codec.insert_sql, values)
        return self._codec.decode_row(values)

    def delete(self, *key: Any) -> Row:
        """Remove a row and return what it held; a ``ToolError`` if it does not exist."""
        row = self.require(*key)
        self._connection.execute(
            f"DELETE FROM main.{_quote(self.name)} WHERE {self._codec.key_where}", self._key_values(key)
        )
        return row

    def where(self, clause: str, *params: Any) -> list[Row]:
        """Rows matching a raw SQL ``WHERE`` clause (columns quoted as needed)."""
        return [
            self._codec.decode_row(values)
            for values in self._connection.execute(f"{self._codec.select_sql} WHERE {clause}", params)
        ]
