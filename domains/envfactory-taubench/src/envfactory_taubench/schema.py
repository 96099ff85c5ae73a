"""The airline state as three tables, and the benchmark's own view of it.

The benchmark keeps its state as ``{"flights": {...}, "reservations": {...}, "users": {...}}``,
each keyed by id. Here each record is a row with one column per top-level field: strings that
are always strings are ``text`` columns (so tools can filter on them), everything else (numbers,
lists, objects) is a ``json`` column, which gives back exactly the JSON types that went in (an
int stays an int, ``2.0`` stays ``2.0``). The benchmark's state hash depends on those types, so
the view rebuilt from our canonical state must be the loaded data to the last type.

Two fields need care: a user record does not hold its own id (the key is added as ``user_id``
and dropped again in the view), and a reservation gains ``status`` only when cancelled (a null
``status`` column means the field is absent). No field of the benchmark's data is ever null at
the top level, so absent and null cannot be confused; :func:`record_problems` refuses data where
they could be.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from envfactory_core.errors import Problem
from envfactory_core.models import ColumnSpec, TableSpec

__all__ = [
    "FIELDS",
    "KEY_FIELDS",
    "OPTIONAL_FIELDS",
    "TABLES",
    "TABLE_NAMES",
    "record_problems",
    "record_to_row",
    "row_to_record",
    "state_to_view",
    "view_to_state",
]


def _table(name: str, key: str, description: str, columns: tuple[tuple[str, str, bool], ...]) -> TableSpec:
    """A table of ``(column, type, nullable)`` columns (built directly: ``name`` is a column of users)."""
    return TableSpec(
        name=name,
        primary_key=(key,),
        columns=tuple(ColumnSpec(name=column, type=kind, nullable=nullable) for column, kind, nullable in columns),  # type: ignore[arg-type]
        description=description,
    )


TABLES: Final[tuple[TableSpec, ...]] = (
    _table(
        "flights",
        "flight_number",
        "Scheduled flights; `dates` maps each date to its status, and seats and prices or actual times.",
        (
            ("flight_number", "text", False),
            ("origin", "text", False),
            ("destination", "text", False),
            ("scheduled_departure_time_est", "text", False),
            ("scheduled_arrival_time_est", "text", False),
            ("dates", "json", False),
        ),
    ),
    _table(
        "reservations",
        "reservation_id",
        "Bookings; `status` is 'cancelled' after a cancellation and absent (null) otherwise.",
        (
            ("reservation_id", "text", False),
            ("user_id", "text", False),
            ("origin", "text", False),
            ("destination", "text", False),
            ("flight_type", "text", False),
            ("cabin", "text", False),
            ("flights", "json", False),
            ("passengers", "json", False),
            ("payment_history", "json", False),
            ("created_at", "text", False),
            ("total_baggages", "json", False),
            ("nonfree_baggages", "json", False),
            ("insurance", "text", False),
            ("status", "text", True),
        ),
    ),
    _table(
        "users",
        "user_id",
        "Customer profiles: payment methods by id, saved passengers, membership, reservation ids.",
        (
            ("user_id", "text", False),
            ("name", "json", False),
            ("address", "json", False),
            ("email", "text", False),
            ("dob", "text", False),
            ("payment_methods", "json", False),
            ("saved_passengers", "json", False),
            ("membership", "text", False),
            ("reservations", "json", False),
        ),
    ),
)

TABLE_NAMES: Final = tuple(spec.name for spec in TABLES)

FIELDS: Final[dict[str, tuple[str, ...]]] = {
    spec.name: tuple(column.name for column in spec.columns) for spec in TABLES
}
"""Every column of each table, in the benchmark's field order."""

KEY_FIELDS: Final[dict[str, str]] = {spec.name: spec.primary_key[0] for spec in TABLES}

SYNTHETIC_KEYS: Final[dict[str, str]] = {"users": "user_id"}
"""Key columns the benchmark's records do not hold themselves (the id is only the dict key)."""

OPTIONAL_FIELDS: Final[dict[str, frozenset[str]]] = {"reservations": frozenset({"status"})}

_TEXT_FIELDS: Final[dict[str, frozenset[str]]] = {
    spec.name: frozenset(column.name for column in spec.columns if column.type == "text") for spec in TABLES
}


def record_to_row(table_name: str, key: str, record: Mapping[str, Any]) -> dict[str, Any]:
    """The row for one benchmark record (its key added where the record does not hold it)."""
    row = dict(record)
    synthetic = SYNTHETIC_KEYS.get(table_name)
    if synthetic is not None:
        row[synthetic] = key
    return row


def row_to_record(table_name: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """The benchmark's record for one row: fields in the benchmark's order, absent ones left out."""
    synthetic = SYNTHETIC_KEYS.get(table_name)
    optional = OPTIONAL_FIELDS.get(table_name, frozenset())
    record: dict[str, Any] = {}
    for field in FIELDS[table_name]:
        if field == synthetic:
            continue
        value = row.get(field)
        if value is None and field in optional:
            continue
        record[field] = value
    return record


def view_to_state(view: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> dict[str, dict[str, dict[str, Any]]]:
    """Our canonical state ``{table: {key: row}}`` from the benchmark's state."""
    return {
        table_name: {key: record_to_row(table_name, key, record) for key, record in view.get(table_name, {}).items()}
        for table_name in TABLE_NAMES
    }


def state_to_view(state: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> dict[str, dict[str, dict[str, Any]]]:
    """The benchmark's state from our canonical state (exactly the loaded JSON types)."""
    return {
        table_name: {key: row_to_record(table_name, row) for key, row in state.get(table_name, {}).items()}
        for table_name in TABLE_NAMES
    }


def record_problems(table_name: str, key: str, record: object, *, where: str) -> list[Problem]:
    """Why a benchmark record cannot be held exactly (empty when it can)."""
    if not isinstance(record, Mapping):
        return [Problem(location=where, message=f"a record must be an object, got {type(record).__name__}")]
    problems: list[Problem] = []
    synthetic = SYNTHETIC_KEYS.get(table_name)
    known = set(FIELDS[table_name]) - ({synthetic} if synthetic else set())
    optional = OPTIONAL_FIELDS.get(table_name, frozenset())
    unknown = sorted(set(record) - known)
    if unknown:
        problems.append(
            Problem(
                location=where,
                message=f"unknown field(s) {', '.join(map(repr, unknown))}",
                fix="use the data files of the pinned upstream commit (a later commit renamed a field)",
            )
        )
    missing = sorted(known - optional - set(record))
    if missing:
        problems.append(Problem(location=where, message=f"missing field(s) {', '.join(map(repr, missing))}"))
    for field, value in record.items():
        if field not in known:
            continue
        if value is None:
            problems.append(
                Problem(location=f"{where}.{field}", message="is null; absent and null fields cannot be told apart")
            )
        elif field in _TEXT_FIELDS[table_name] and not isinstance(value, str):
            problems.append(
                Problem(location=f"{where}.{field}", message=f"must be a string, got {type(value).__name__}")
            )
    key_field = KEY_FIELDS[table_name]
    if key_field in record and record[key_field] != key:
        problems.append(
            Problem(
                location=f"{where}.{key_field}", message=f"{record[key_field]!r} differs from the record's key {key!r}"
            )
        )
    return problems
