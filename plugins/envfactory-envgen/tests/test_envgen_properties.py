"""Properties over open-ended inputs: names, realistic values, and generated code's determinism."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime

from envfactory_envgen.naming import identifier, plural, unique
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from envfactory_core.env.schema_values import SchemaValues
from envfactory_core.models._validators import IDENTIFIER
from envfactory_core.naming import singular_name, snake

NOW = datetime(2025, 1, 15, 9, tzinfo=UTC)


@settings(max_examples=200)
@given(st.text(max_size=80))
def test_any_api_name_becomes_a_valid_identifier(name: str) -> None:
    result = identifier(name)
    assert IDENTIFIER.match(result)
    assert result == result.lower()


@settings(max_examples=100)
@given(st.from_regex(r"[a-z][a-z]{2,10}", fullmatch=True))
def test_plural_then_singular_is_stable(word: str) -> None:
    assert singular_name(plural(word)) == singular_name(word) or plural(singular_name(word)) == plural(word)


def test_names_read_naturally() -> None:
    assert snake("balanceAccountId") == "balance_account_id"
    assert snake("If-Match") == "if_match"
    assert snake("PageSize") == "page_size"
    assert identifier("_dummy") == "dummy"
    assert identifier("class") == "class_"
    assert [singular_name(word) for word in ("shelves", "policies", "addresses", "pets", "status")] == [
        "shelf",
        "policy",
        "address",
        "pet",
        "status",
    ]
    taken: set[str] = set()
    assert [unique("tool", taken) for _ in range(3)] == ["tool", "tool_2", "tool_3"]


_SCALARS = st.one_of(
    st.just({"type": "string"}),
    st.just({"type": "string", "format": "date-time"}),
    st.just({"type": "string", "format": "email"}),
    st.just({"type": "string", "format": "date"}),
    st.just({"type": "string", "pattern": "^[A-Z]{2}[0-9]{4}$"}),
    st.builds(
        lambda low, span: {"type": "string", "minLength": low, "maxLength": low + span},
        st.integers(0, 5),
        st.integers(0, 10),
    ),
    st.builds(
        lambda low, span: {"type": "integer", "minimum": low, "maximum": low + span},
        st.integers(-50, 50),
        st.integers(0, 100),
    ),
    st.builds(lambda low: {"type": "number", "minimum": low}, st.integers(-10, 10)),
    st.just({"type": "boolean"}),
    st.lists(st.sampled_from(["red", "green", "blue", "amber"]), min_size=1, max_size=4, unique=True).map(
        lambda values: {"type": "string", "enum": values}
    ),
    st.just({"type": ["string", "null"]}),
)
SCHEMAS = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.builds(lambda items, low: {"type": "array", "items": items, "minItems": low}, inner, st.integers(0, 2)),
        st.dictionaries(st.from_regex(r"[a-z]{1,8}", fullmatch=True), inner, min_size=1, max_size=4).flatmap(
            lambda props: st.builds(
                lambda required: {"type": "object", "properties": props, "required": required},
                st.lists(st.sampled_from(sorted(props)), unique=True),
            )
        ),
        st.lists(inner, min_size=1, max_size=3).map(lambda variants: {"anyOf": variants}),
    ),
    max_leaves=8,
)
NAMES = st.sampled_from(
    ["email", "created_at", "name", "title", "status", "url", "phone", "amount", "id", "x", "due_date"]
)


@settings(max_examples=150, deadline=None)
@given(schema=SCHEMAS, name=NAMES, seed=st.integers(0, 2**32 - 1))
def test_realistic_values_are_valid_for_their_schema(schema: dict, name: str, seed: int) -> None:
    value = SchemaValues(NOW).value(schema, random.Random(seed), name=name)
    errors = list(Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).iter_errors(value))
    assert not errors, (value, [error.message for error in errors])


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_the_same_seed_gives_the_same_values(seed: int) -> None:
    schema = {
        "type": "object",
        "properties": {
            "email": {"type": "string"},
            "when": {"type": "string", "format": "date-time"},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
    }
    first = SchemaValues(NOW).value(schema, random.Random(seed), name="row")
    second = SchemaValues(NOW).value(schema, random.Random(seed), name="row")
    assert first == second
    assert all(
        re.match(r"^2024-|^2025-", str(value)) for key, value in first.items() if key == "when"
    )  # near the clock
