"""Generated schemas: whatever mix of keywords a schema has, the value drawn for it validates against it.

The schemas are drawn by hypothesis from the keywords real API descriptions use: formats, enum,
const, pattern, length bounds, integer bounds (int32/int64), nullable type lists, oneOf/anyOf/allOf,
readOnly/writeOnly, additionalProperties, nested objects and arrays. ``oneOf`` variants differ in
type, as a valid ``oneOf`` must be distinguishable; ``allOf`` parts describe one object between them
(a schema no value satisfies has nothing to draw). A property named in two ``allOf`` parts must
satisfy both: ``test_all_of_parts_that_constrain_one_property_both_hold``.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from envfactory_core.env.schema_values import SchemaValues

NOW = datetime(2025, 1, 15, 9, tzinfo=UTC)
FORMATS = ("date", "date-time", "time", "email", "uri", "hostname", "ipv4", "ipv6", "uuid", "byte")
PATTERNS = (
    "^[A-Z]{2}[0-9]{4}$",
    "^(draft|live|gone)$",
    r"^\d{3}-\d{2}$",
    "^[a-z][a-z0-9_]{2,9}$",
    "^sk_[A-Za-z0-9]{8}$",
)
NAMES = ("id", "name", "email", "created_at", "city", "url", "count", "status", "due_date", "value")


def _strings() -> st.SearchStrategy[dict[str, Any]]:
    plain = st.one_of(
        st.just({"type": "string"}),
        st.integers(0, 5).map(lambda low: {"type": "string", "minLength": low, "maxLength": low + 12}),
    )
    return st.one_of(
        plain,
        st.sampled_from(FORMATS).map(lambda fmt: {"type": "string", "format": fmt}),
        st.sampled_from(PATTERNS).map(lambda pattern: {"type": "string", "pattern": pattern}),
        st.lists(st.text("abcxyz", min_size=1, max_size=6), min_size=1, max_size=4, unique=True).map(
            lambda values: {"type": "string", "enum": values}
        ),
        st.text("abc", min_size=1, max_size=4).map(lambda value: {"const": value}),
        # an example that contradicts the schema (documents do this) must not be used
        st.just({"type": "string", "examples": [81932214823362980], "pattern": "^[0-9]{15}$"}),
    )


def _numbers() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.just({"type": "integer", "format": "int32", "minimum": -(2**31), "maximum": 2**31 - 1}),
        st.integers(-50, 50).flatmap(
            lambda low: st.integers(low, low + 100).map(
                lambda high: {"type": "integer", "minimum": low, "maximum": high}
            )
        ),
        st.just({"type": "number", "exclusiveMinimum": 0, "maximum": 1}),
        st.just({"type": "integer", "multipleOf": 5, "minimum": 1, "maximum": 99}),
        st.just({"type": "boolean"}),
    )


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    kind = schema.get("type")
    return {**schema, "type": [kind, "null"]} if isinstance(kind, str) and "enum" not in schema else schema


def _with_read_and_write_only(schema: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = dict(schema["properties"])
    properties["server_set"] = {"type": "string", "readOnly": True}
    properties["secret"] = {"type": "string", "writeOnly": True}
    return {**schema, "properties": properties}


def _split_object(schema: dict[str, Any]) -> dict[str, Any]:
    """An object schema written as ``allOf`` of two parts (as generators write inheritance)."""
    names = sorted(schema["properties"])
    first, second = names[: len(names) // 2], names[len(names) // 2 :]
    required = set(schema.get("required", ()))

    def part(chosen: list[str]) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {name: schema["properties"][name] for name in chosen},
            "required": sorted(required & set(chosen)),
        }

    return {"allOf": [part(first), part(second)]}


def _extend(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    names = st.sampled_from(NAMES)
    objects = st.dictionaries(names, children, min_size=1, max_size=4).flatmap(
        lambda properties: st.fixed_dictionaries(
            {
                "type": st.just("object"),
                "properties": st.just(properties),
                "required": st.lists(st.sampled_from(sorted(properties)), unique=True, max_size=len(properties)),
            },
            optional={"additionalProperties": st.one_of(st.booleans(), children)},
        )
    )
    read_only = objects.map(_with_read_and_write_only)
    arrays = st.tuples(children, st.integers(0, 3), st.integers(0, 3)).map(
        lambda parts: {"type": "array", "items": parts[0], "minItems": parts[1], "maxItems": parts[1] + parts[2]}
    )
    one_of = st.tuples(_strings(), st.just({"type": "integer", "minimum": 0, "maximum": 9})).map(
        lambda variants: {"oneOf": list(variants)}
    )
    any_of = st.lists(children, min_size=1, max_size=3).map(lambda variants: {"anyOf": variants})
    all_of = objects.map(_split_object)
    return st.one_of(objects, read_only, arrays, one_of, any_of, all_of, children.map(_nullable))


SCHEMAS = st.recursive(st.one_of(_strings(), _numbers()), _extend, max_leaves=8)


@settings(max_examples=150, deadline=None)
@given(schema=SCHEMAS, seed=st.integers(0, 2**32 - 1), name=st.sampled_from(NAMES))
def test_a_value_drawn_for_a_generated_schema_validates_against_it(
    schema: dict[str, Any], seed: int, name: str
) -> None:
    Draft202012Validator.check_schema(schema)
    value = SchemaValues(NOW).value(schema, random.Random(seed), name=name)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(value)]
    assert not errors, (schema, value, errors)


def test_examples_that_contradict_the_schema_are_not_drawn() -> None:
    schema = {"type": "string", "examples": [81932214823362980]}
    values = {type(SchemaValues(NOW).value(schema, random.Random(seed), name="imsi")) for seed in range(30)}
    assert values == {str}


def test_all_of_parts_that_constrain_one_property_both_hold() -> None:
    schema = {
        "allOf": [
            {"type": "object", "properties": {"id": {"type": "string"}}},
            {"type": "object", "required": ["id"], "properties": {"id": {"type": "string", "pattern": "^[0-9]{15}$"}}},
        ]
    }
    validator = Draft202012Validator(schema)
    for seed in range(20):
        value = SchemaValues(NOW).value(schema, random.Random(seed), name="id")
        assert not list(validator.iter_errors(value)), value
