"""Schema flattening (reference §3.1) and its handling of bad schemas."""

from __future__ import annotations

from typing import Any

import pytest

from envfactory_core.graph import InvalidSchema, flatten_tool
from envfactory_core.models import ToolSpec


def tool(inputs: dict[str, Any], required: list[str] | None = None, output: dict[str, Any] | None = None) -> ToolSpec:
    schema: dict[str, Any] = {"type": "object", "properties": inputs}
    if required:
        schema["required"] = required
    return ToolSpec(name="t", description="A tool.", input_schema=schema, output_schema=output, effect="read")


def test_top_level_properties_become_parameters_sorted_with_required() -> None:
    node, issues = flatten_tool(
        "env", tool({"b": {"type": "integer"}, "a": {"type": "string", "description": "A."}}, ["b"])
    )
    assert issues == []
    assert node.name == "env__t"
    assert [(p.path, p.type, p.required, p.description) for p in node.inputs] == [
        ("a", "string", False, "A."),
        ("b", "integer", True, ""),
    ]
    assert node.inputs[0].id == "env__t:in:a"


def test_object_and_array_of_objects_flatten_one_level() -> None:
    spec = tool(
        {
            "address": {
                "type": "object",
                "properties": {"city": {"type": "string"}, "geo": {"type": "object", "properties": {"lat": {}}}},
                "required": ["city"],
            },
            "items": {
                "type": "array",
                "items": {"type": "object", "properties": {"sku": {"type": "string"}, "qty": {"type": "integer"}}},
            },
            "tags": {"type": "array", "items": {"type": "string"}},
        },
        ["address", "items"],
    )
    node, _ = flatten_tool("env", spec)
    found = {p.path: p for p in node.inputs}
    assert set(found) == {"address.city", "address.geo", "items.qty", "items.sku", "tags"}
    assert found["address.city"].required  # parent required, child in nested required
    assert not found["address.geo"].required  # nested required list leaves it out
    assert found["items.sku"].required
    assert found["items.qty"].required
    assert found["address.geo"].type == "object"  # one level only
    assert (found["tags"].type, found["tags"].item_type) == ("array", "string")
    assert not found["tags"].required


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": ["string", "null"]}, "string"),
        ({"type": ["integer", "number"]}, "number"),
        ({"type": ["integer", "string"]}, "any"),
        ({"enum": ["a", "b"]}, "string"),
        ({"anyOf": [{"type": "integer"}, {"type": "null"}]}, "integer"),
        ({"const": True}, "boolean"),
        ({}, "any"),
        ({"properties": {}}, "object"),
    ],
)
def test_types_are_normalised(schema: dict[str, Any], expected: str) -> None:
    node, issues = flatten_tool("env", tool({"x": schema}))
    assert node.inputs[0].type == expected
    assert issues == []


def test_unknown_type_is_kept_as_any_with_an_issue() -> None:
    node, issues = flatten_tool("env", tool({"when": {"type": "datetime"}}, ["when"]))
    assert node.inputs[0].type == "any"
    assert [issue.action for issue in issues] == ["typed_as_any"]
    assert "datetime" in issues[0].message
    assert issues[0].location == "env__t.input_schema.properties.when"


@pytest.mark.parametrize(
    ("properties", "where"),
    [
        ({"x": "string"}, "properties.x"),
        ({"x": {"type": 42}}, "properties.x"),
        ({"x": {"type": "array", "items": "string"}}, "properties.x.items"),
        ({"x": {"type": "object", "properties": ["a"]}}, "properties.x.properties"),
        ({"x": {"anyOf": []}}, "properties.x"),
        ({"x": {"enum": "abc"}}, "properties.x"),
    ],
)
def test_invalid_schemas_raise_with_a_location(properties: dict[str, Any], where: str) -> None:
    with pytest.raises(InvalidSchema) as caught:
        flatten_tool("env", tool(properties))
    assert caught.value.location.endswith(where)


def test_output_without_object_root_gives_no_outputs_and_an_issue() -> None:
    node, issues = flatten_tool(
        "env", tool({}, output={"type": "array", "items": {"type": "object", "properties": {"a": {}}}})
    )
    assert node.outputs == ()
    assert [issue.action for issue in issues] == ["no_outputs"]


def test_outputs_flatten_and_are_never_required() -> None:
    output = {
        "type": "object",
        "properties": {
            "order_id": {"type": "string"},
            "items": {"type": "array", "items": {"type": "object", "properties": {"sku": {"type": "string"}}}},
        },
        "required": ["order_id"],
    }
    node, _ = flatten_tool("env", tool({}, output=output))
    assert [(p.path, p.direction, p.required) for p in node.outputs] == [
        ("items.sku", "output", False),
        ("order_id", "output", False),
    ]
    assert node.output("order_id").id == "env__t:out:order_id"
