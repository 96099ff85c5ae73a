"""Tool-schema normalisation for verl: anyOf-only properties, $ref, const, nested schemas."""

from __future__ import annotations

from typing import Any

from envfactory_verl.schema import JSON_TYPES, normalize_parameters, normalize_tool, verl_schema_problems
from hypothesis import given, settings
from hypothesis import strategies as st


def _tool(parameters: dict[str, Any]) -> dict[str, Any]:
    return {"type": "function", "function": {"name": "shop__buy", "description": "Buy.", "parameters": parameters}}


def test_optional_property_from_anyof_gets_a_type_list() -> None:
    schema = {
        "type": "object",
        "title": "BuyArguments",
        "properties": {
            "note": {
                "anyOf": [{"type": "string", "maxLength": 40}, {"type": "null"}],
                "default": None,
                "title": "Note",
            },
            "size": {"anyOf": [{"enum": ["s", "m"]}, {"type": "null"}]},
        },
        "required": ["note"],
    }
    assert verl_schema_problems(_tool(schema))  # verl refuses the schema as it is
    fixed, notes = normalize_parameters(schema)
    assert fixed["properties"]["note"] == {"default": None, "type": ["string", "null"], "maxLength": 40}
    assert fixed["properties"]["size"] == {"type": ["string", "null"], "enum": ["s", "m", None]}
    assert "title" not in fixed
    assert verl_schema_problems(_tool(fixed)) == []
    assert notes == []


def test_refs_are_inlined_and_nested_schemas_kept_with_a_note() -> None:
    schema = {
        "type": "object",
        "$defs": {
            "Line": {"type": "object", "title": "Line", "properties": {"sku": {"type": "string"}, "qty": {"const": 1}}}
        },
        "properties": {"lines": {"type": "array", "items": {"$ref": "#/$defs/Line"}}, "any": {}},
    }
    fixed, notes = normalize_parameters(schema)
    assert "$defs" not in fixed
    lines = fixed["properties"]["lines"]
    assert lines["items"]["properties"]["qty"] == {"enum": [1], "type": "integer"}
    assert lines["items"]["properties"]["sku"] == {"type": "string"}
    assert fixed["properties"]["any"]["type"] == list(JSON_TYPES)
    assert any("nested 'items' kept" in note for note in notes)
    assert any("any: no type given" in note for note in notes)
    assert verl_schema_problems(_tool(fixed)) == []


def test_several_shapes_flatten_to_a_type_list_with_a_note() -> None:
    fixed, notes = normalize_parameters(
        {
            "type": "object",
            "properties": {
                "when": {"oneOf": [{"type": "string"}, {"type": "object", "properties": {"day": {"type": "integer"}}}]}
            },
        }
    )
    assert fixed["properties"]["when"]["type"] == ["string", "object"]
    assert any("flattened" in note for note in notes)


def test_an_unknown_ref_is_typed_as_an_object() -> None:
    fixed, notes = normalize_parameters({"type": "object", "properties": {"x": {"$ref": "other.json#/X"}}})
    assert fixed["properties"]["x"]["type"] == "object"
    assert any("cannot inline" in note for note in notes)


def test_normalize_tool_keeps_the_function_and_prefixes_notes() -> None:
    tool, notes = normalize_tool(
        _tool({"type": "object", "properties": {"tags": {"type": "array", "items": {"type": "string"}}}})
    )
    assert tool["function"]["name"] == "shop__buy"
    assert notes == ["shop__buy: tags: nested 'items' kept (verl before 0.10 drops it)"]


def test_verl_schema_problems_name_each_rule() -> None:
    problems = verl_schema_problems(
        {
            "type": "function",
            "function": {
                "name": "x",
                "description": 3,
                "parameters": {"type": "object", "properties": {"a": {"description": 1}}, "required": "a"},
            },
        }
    )
    text = "\n".join(problems)
    assert "description must be a string" in text
    assert "required must be a list" in text
    assert "x.a: type must be" in text


# --- property: whatever a tool schema says, the normalised one passes verl's rules ------------------------

_leaf = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(JSON_TYPES)
        | st.lists(st.sampled_from(JSON_TYPES), min_size=1, max_size=3, unique=True),
        "enum": st.lists(st.none() | st.integers() | st.text(max_size=3), min_size=1, max_size=3),
        "const": st.integers() | st.text(max_size=3),
        "title": st.text(max_size=5),
        "description": st.text(max_size=5) | st.integers(),
        "default": st.none() | st.integers(),
        "$ref": st.sampled_from(["#/$defs/Thing", "#/definitions/Other", "elsewhere.json"]),
    },
)


def _extend(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.builds(lambda branches: {"anyOf": branches}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda branches: {"oneOf": branches}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda branches: {"allOf": branches}, st.lists(children, min_size=1, max_size=2)),
        st.builds(lambda item: {"type": "array", "items": item}, children),
        st.builds(
            lambda props: {"properties": props}, st.dictionaries(st.text(min_size=1, max_size=4), children, max_size=3)
        ),
    )


property_schemas = st.recursive(_leaf, _extend, max_leaves=8)


@settings(max_examples=80, deadline=None)
@given(
    properties=st.dictionaries(st.text(min_size=1, max_size=6), property_schemas, max_size=4),
    required=st.lists(st.text(min_size=1, max_size=6), max_size=3),
    definitions=st.dictionaries(st.sampled_from(["Thing", "Other"]), property_schemas, max_size=2),
)
def test_property_normalised_schemas_pass_verl_rules(
    properties: dict[str, Any], required: list[str], definitions: dict[str, Any]
) -> None:
    schema = {"type": "object", "properties": properties, "required": required, "$defs": definitions}
    fixed, _ = normalize_parameters(schema)
    assert verl_schema_problems(_tool(fixed)) == []
    assert set(fixed["required"]) <= set(fixed["properties"])
    again, _ = normalize_parameters(fixed)
    assert again == fixed  # normalising is idempotent
