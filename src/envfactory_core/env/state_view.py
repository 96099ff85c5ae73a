"""A read-only view of an episode's state that decodes a row only when it is read.

:meth:`Episode.state` decodes every row of every table (``json.loads`` per row), which is what a
caller that keeps or exports the state needs. A caller that looks up a few rows between calls
(the grounder picks an anchor row, reads a column's values) needs far less; this view gives the
same mapping ``{table: {key: row}}``, in the same key order, and decodes each row once, on first
access. The episode keeps one view until its state next changes, so repeated reads between
writes cost nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from .state import EncodedTable

__all__ = ["StateView", "TableRows"]


class TableRows(Mapping[str, Mapping[str, Any]]):
    """One table's rows by key, decoded on access, iterated in sorted key order (as ``state()``)."""

    __slots__ = ("_decoded", "_keys", "_table")

    def __init__(self, table: EncodedTable) -> None:
        self._table = table
        self._decoded: dict[str, Mapping[str, Any]] = {}
        self._keys: list[str] | None = None

    def __getitem__(self, key: str) -> Mapping[str, Any]:
        row = self._decoded.get(key)
        if row is None:
            text = self._table.get(key) if isinstance(key, str) else None
            if text is None:
                raise KeyError(key)
            row = self._decoded[key] = json.loads(text)
        return row

    def __iter__(self) -> Iterator[str]:
        if self._keys is None:
            self._keys = sorted(key for key, _ in self._table.items())
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._table) if self._keys is None else len(self._keys)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._table.get(key) is not None


class StateView(Mapping[str, TableRows]):
    """``{table: {key: row}}`` over encoded tables, decoding lazily; never written to."""

    __slots__ = ("_tables",)

    def __init__(self, tables: Mapping[str, EncodedTable]) -> None:
        self._tables = {name: TableRows(table) for name, table in tables.items()}

    def __getitem__(self, name: str) -> TableRows:
        return self._tables[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)
