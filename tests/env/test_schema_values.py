"""The schema-to-value engine: formats, patterns, bounds, enums and required keys, and the same seed twice."""

from __future__ import annotations

import ipaddress
import random
import re
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from envfactory_core.env.patterns import pattern_string, sample_pattern
from envfactory_core.env.schema_values import SchemaValues

NOW = datetime(2025, 1, 15, 9, tzinfo=UTC)
SEEDS = st.integers(0, 2**32 - 1)


def _errors(schema: dict[str, Any], value: Any) -> list[str]:
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [error.message for error in validator.iter_errors(value)]


def _draw(schema: dict[str, Any], seed: int, name: str = "") -> Any:
    return SchemaValues(NOW).value(schema, random.Random(seed), name=name)


@settings(max_examples=40, deadline=None)
@given(seed=SEEDS)
def test_every_known_format_is_honoured(seed: int) -> None:
    def drawn(fmt: str) -> str:
        value = _draw({"type": "string", "format": fmt}, seed, name="field")
        assert isinstance(value, str)
        return value

    assert date.fromisoformat(drawn("date"))
    assert datetime.fromisoformat(drawn("date-time")).tzinfo is not None
    assert re.fullmatch(r"\d{2}:\d{2}:\d{2}Z", drawn("time"))
    assert re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]+", drawn("email"))
    assert drawn("uri").startswith("https://")
    assert re.fullmatch(r"[a-z0-9.-]+", drawn("hostname"))
    assert str(uuid.UUID(drawn("uuid"))) == drawn("uuid")
    assert isinstance(ipaddress.ip_address(drawn("ipv4")), ipaddress.IPv4Address)
    assert isinstance(ipaddress.ip_address(drawn("ipv6")), ipaddress.IPv6Address)
    for fmt in ("date", "email", "uuid", "ipv4", "ipv6"):  # the formats jsonschema checks here
        assert not _errors({"type": "string", "format": fmt}, drawn(fmt))


def test_a_declared_format_wins_over_what_the_name_implies() -> None:
    value = _draw({"type": "string", "format": "email"}, 1, name="created_at")
    assert isinstance(value, str)
    assert "@" in value
    assert date.fromisoformat(str(_draw({"type": "string", "format": "date"}, 1, name="contact_email")))


PATTERNS = [
    r"^[A-Z]{2}$",
    r"^[0-9]{5}(-[0-9]{4})?$",
    r"^([01]\d|2[0-3]):[0-5]\d$",
    r"^(GET|POST|PUT)$",
    r"^[^,]+,[^,]+$",
    r"^INV-\d{4,6}$",
    r"[a-z]+@[a-z]+\.(com|org)",
    r"^#[0-9a-fA-F]{6}$",
]


@settings(max_examples=60, deadline=None)
@given(pattern=st.sampled_from(PATTERNS), seed=SEEDS, name=st.sampled_from(["code", "email", "due_date", "name"]))
def test_patterns_are_honoured_whatever_the_name_says(pattern: str, seed: int, name: str) -> None:
    schema = {"type": "string", "pattern": pattern}
    value = _draw(schema, seed, name=name)
    assert not _errors(schema, value), value


@settings(max_examples=40, deadline=None)
@given(seed=SEEDS, low=st.integers(0, 8), span=st.integers(0, 6))
def test_a_pattern_and_length_bounds_hold_together(seed: int, low: int, span: int) -> None:
    text = pattern_string(r"^[a-z]+$", random.Random(seed), min_length=max(low, 1), max_length=max(low, 1) + span)
    assert text is not None
    assert re.fullmatch(r"[a-z]+", text)
    assert max(low, 1) <= len(text) <= max(low, 1) + span


def test_the_simple_reader_answers_first_and_gives_up_on_alternations() -> None:
    assert sample_pattern(r"^[A-Z]{3}$", random.Random(4)) == pattern_string(r"^[A-Z]{3}$", random.Random(4))
    assert sample_pattern(r"^(a|b)$", random.Random(4)) is None
    assert pattern_string(r"^(a|b)$", random.Random(4)) in {"a", "b"}
    assert pattern_string(r"([", random.Random(4)) is None  # does not compile


@settings(max_examples=80, deadline=None)
@given(
    seed=SEEDS,
    bounds=st.sampled_from(
        [
            {"minimum": 3, "maximum": 9},
            {"minimum": -40, "maximum": -30},
            {"exclusiveMinimum": 0, "exclusiveMaximum": 5},
            {"minimum": 10, "multipleOf": 5, "maximum": 60},
            {"maximum": 7},
            {"exclusiveMinimum": 100},
        ]
    ),
    kind=st.sampled_from(["integer", "number"]),
    name=st.sampled_from(["quantity", "amount", "x"]),
)
def test_numbers_stay_inside_their_bounds(seed: int, bounds: dict[str, Any], kind: str, name: str) -> None:
    schema = {"type": kind, **bounds}
    if kind == "number":
        schema.pop("multipleOf", None)
    value = _draw(schema, seed, name=name)
    assert not _errors(schema, value), (schema, value)


@settings(max_examples=60, deadline=None)
@given(seed=SEEDS, low=st.integers(0, 6), span=st.integers(0, 8), name=st.sampled_from(["title", "email", "city", "x"]))
def test_string_lengths_hold_for_realistic_values_too(seed: int, low: int, span: int, name: str) -> None:
    schema = {"type": "string", "minLength": low, "maxLength": low + span}
    assert not _errors(schema, _draw(schema, seed, name=name))


@settings(max_examples=60, deadline=None)
@given(seed=SEEDS, low=st.integers(0, 4), span=st.integers(0, 4), unique=st.booleans())
def test_item_counts_hold(seed: int, low: int, span: int, unique: bool) -> None:
    schema = {
        "type": "array",
        "items": {"type": "integer", "minimum": 0, "maximum": 50},
        "minItems": low,
        "maxItems": low + span,
        "uniqueItems": unique,
    }
    assert not _errors(schema, _draw(schema, seed))


@settings(max_examples=60, deadline=None)
@given(seed=SEEDS, values=st.lists(st.sampled_from(["red", "green", 3, None, True]), min_size=1, unique=True))
def test_enum_values_are_drawn_from_the_enum(seed: int, values: list[Any]) -> None:
    assert _draw({"enum": values}, seed) in values
    assert _draw({"const": "fixed"}, seed) == "fixed"


def test_required_keys_are_always_present_even_deep_down_or_undeclared() -> None:
    leaf = {"type": "object", "properties": {"id": {"type": "string"}, "note": {"type": "string"}}, "required": ["id"]}
    schema: dict[str, Any] = leaf
    for _ in range(6):  # deeper than the engine draws optional properties
        schema = {"type": "object", "properties": {"child": schema}, "required": ["child"]}
    undeclared = {
        "type": "object",
        "properties": {},
        "required": ["token"],
        "additionalProperties": {"type": "integer"},
    }
    for seed in range(30):
        assert not _errors(schema, _draw(schema, seed))
        assert isinstance(_draw(undeclared, seed)["token"], int)


def test_read_only_properties_are_left_out_unless_required() -> None:
    schema = {"type": "object", "properties": {"id": {"type": "string", "readOnly": True}, "x": {"type": "string"}}}
    assert all("id" not in _draw(schema, seed) for seed in range(30))


def test_all_of_and_any_of_with_siblings() -> None:
    schema = {
        "allOf": [
            {"type": "object", "properties": {"a": {"type": "integer", "minimum": 1}}, "required": ["a"]},
            {"properties": {"b": {"type": "string", "format": "uuid"}}, "required": ["b"]},
        ]
    }
    variants = {"anyOf": [{"type": "string"}, {"type": "integer"}], "minimum": 5, "maxLength": 3}
    for seed in range(30):
        assert not _errors(schema, _draw(schema, seed))
        assert not _errors(variants, _draw(variants, seed))


@settings(max_examples=30, deadline=None)
@given(seed=SEEDS)
def test_the_same_seed_gives_the_same_values(seed: int) -> None:
    schema = {
        "type": "object",
        "properties": {
            "code": {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d$"},
            "other": {"type": "string", "pattern": r"^[^,]+$"},
            "when": {"type": "string", "format": "date-time"},
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "count": {"type": "integer", "exclusiveMinimum": 2},
        },
        "required": ["code", "other", "when", "tags", "count"],
    }
    assert _draw(schema, seed) == _draw(schema, seed)
    assert _draw(schema, seed) != _draw(schema, seed + 1) or seed % 97 == 0  # seeds differ, almost surely


@pytest.mark.parametrize("future_only", [True, False])
def test_dates_follow_the_clock(future_only: bool) -> None:
    engine = SchemaValues(NOW, future_only=future_only)
    days = [
        (
            date.fromisoformat(str(engine.value({"type": "string", "format": "date"}, random.Random(seed))))
            - NOW.date()
        ).days
        for seed in range(50)
    ]
    assert all(-30 <= day <= 45 for day in days)
    assert all(day >= 1 for day in days) == future_only


def test_existing_values_are_drawn_from_the_state() -> None:
    engine = SchemaValues(NOW, columns={"order_id": [("orders", "order_id")]})
    state = {"orders": {"o1": {"order_id": "ord_1"}, "o2": {"order_id": "ord_2"}}}
    drawn = {engine.value({"type": "string"}, random.Random(seed), name="order_id", state=state) for seed in range(40)}
    assert {"ord_1", "ord_2"} <= drawn
    lists = engine.value(
        {"type": "array", "items": {"type": "string"}, "minItems": 3}, random.Random(1), name="order_ids", state=state
    )
    assert isinstance(lists, list)
    assert set(lists) & {"ord_1", "ord_2"}
