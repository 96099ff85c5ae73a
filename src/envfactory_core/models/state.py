"""Differences between states, field by field."""

from __future__ import annotations

from typing import Literal

import attrs

from ..ids import JsonValue
from ._validators import to_tuple

__all__ = ["ChangeKind", "RowChange", "StateDiff"]

ChangeKind = Literal["added", "removed", "changed"]


@attrs.frozen(kw_only=True)
class RowChange:
    """One row that differs: added, removed, or changed in the listed fields.

    ``environment`` is empty for a single environment's diff.
    """

    table: str
    key: str
    change: ChangeKind
    before: dict[str, JsonValue] | None = attrs.field(default=None, hash=False)
    after: dict[str, JsonValue] | None = attrs.field(default=None, hash=False)
    fields: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)
    environment: str = ""

    def describe(self) -> str:
        where = f"{self.environment}." if self.environment else ""
        if self.change == "added":
            return f"{where}{self.table}[{self.key}] added"
        if self.change == "removed":
            return f"{where}{self.table}[{self.key}] removed"
        parts = []
        for field in self.fields:
            old = (self.before or {}).get(field)
            new = (self.after or {}).get(field)
            parts.append(f"{field}: {old!r} -> {new!r}")
        return f"{where}{self.table}[{self.key}] " + ", ".join(parts)


@attrs.frozen(kw_only=True)
class StateDiff:
    """Every row that differs between two states, sorted by environment, table and key."""

    changes: tuple[RowChange, ...] = attrs.field(default=(), converter=to_tuple)

    @property
    def empty(self) -> bool:
        return not self.changes

    def summary(self, limit: int = 20) -> str:
        if not self.changes:
            return "no changes"
        lines = [change.describe() for change in self.changes[:limit]]
        if len(self.changes) > limit:
            lines.append(f"... and {len(self.changes) - limit} more")
        return "\n".join(lines)
