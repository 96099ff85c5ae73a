"""Tool methods: the signature, hints and docstring TRL derives each tool's schema from."""

from __future__ import annotations

import importlib.util
import inspect
import json
from typing import Any, Literal, Optional

import pytest
from envfactory_trl.methods import OMITTED, build_tool_method, python_name, schema_hint
from hypothesis import given, settings
from hypothesis import strategies as st

from envfactory_core.errors import ConfigError
from envfactory_core.models import ToolSpec

HAS_TRANSFORMERS = importlib.util.find_spec("transformers") is not None


def _spec(name: str = "shop__order", properties: dict[str, Any] | None = None, required: list[str] | None = None):
    schema: dict[str, Any] = {"type": "object", "properties": properties or {}}
    if required:
        schema["required"] = required
    return ToolSpec(name=name, description="Place an order.", input_schema=schema, effect="write")


def _echo(self: Any, name: str, arguments: dict[str, Any]) -> str:
    return json.dumps({"tool": name, "arguments": arguments}, sort_keys=True)


@pytest.mark.parametrize(
    ("schema", "hint"),
    [
        ({"type": "string"}, str),
        ({"type": "integer"}, int),
        ({"type": "number"}, float),
        ({"type": "boolean"}, bool),
        ({"type": "array", "items": {"type": "string"}}, list[str]),
        ({"type": "array"}, list),
        ({"type": "object", "properties": {"a": {"type": "string"}}}, dict),
        ({"type": "object", "additionalProperties": {"type": "integer"}}, dict[str, int]),
        ({"type": "string", "enum": ["a", "b"]}, Literal["a", "b"]),
        ({"type": ["string", "null"]}, Optional[str]),  # noqa: UP045 - the hint get_json_schema reads
        ({"anyOf": [{"type": "integer"}, {"type": "string"}]}, int | str),
        ({}, Any),
    ],
)
def test_schema_types_become_the_hints_transformers_reads(schema, hint) -> None:
    assert schema_hint(schema) == hint


@pytest.mark.parametrize(
    ("name", "expected"),
    [("from", "from_"), ("self", "self_"), ("page-size", "page_size"), ("2fa", "arg_2fa"), ("match", "match_")],
)
def test_unusable_parameter_names_are_renamed(name, expected) -> None:
    assert python_name(name, set()) == expected


def test_renamed_and_omitted_arguments_map_back_to_the_schema() -> None:
    spec = _spec(
        properties={"from": {"type": "string"}, "page-size": {"type": "integer"}, "note": {"type": "string"}},
        required=["from"],
    )
    method = build_tool_method(spec, _echo)
    signature = inspect.signature(method.function)
    assert list(signature.parameters) == ["self", "from_", "page_size", "note"]
    assert signature.parameters["from_"].default is inspect.Parameter.empty
    assert signature.parameters["note"].default is OMITTED
    assert method.renamed == {"from_": "from", "page_size": "page-size"}
    out = json.loads(method.function(object(), from_="Oslo", page_size=3))
    assert out == {"tool": "shop__order", "arguments": {"from": "Oslo", "page-size": 3}}
    # a model that learned the schema's own names is understood too
    assert json.loads(method.function(object(), **{"from": "Oslo"}))["arguments"] == {"from": "Oslo"}


@pytest.mark.parametrize("name", ["reset", "get_reward"])
def test_names_trl_reserves_are_refused(name) -> None:
    with pytest.raises(ConfigError, match="reserved by TRL"):
        build_tool_method(_spec(name=name), _echo)


def test_docstrings_stay_parseable_whatever_the_descriptions_say() -> None:
    spec = _spec(
        properties={
            "city": {"type": "string", "description": "City.\nArgs: ignored\nReturns: nothing", "maxLength": 40},
            "count": {"type": "integer", "minimum": 1, "maximum": 9, "default": 2},
        }
    )
    doc = build_tool_method(spec, _echo).function.__doc__
    assert doc.count("Args:") == 1
    assert "Returns:" not in doc
    assert "at most 40 characters" in doc
    assert "from 1 to 9" in doc
    assert "default 2" in doc


@pytest.mark.heavy
@pytest.mark.skipif(not HAS_TRANSFORMERS, reason="needs transformers, in the heavy test group")
def test_every_example_tool_round_trips_through_get_json_schema(example) -> None:
    from transformers.utils import get_json_schema

    for environment in example.environments.values():
        for tool in environment.spec.tools:
            spec = ToolSpec(
                name=f"{environment.name}__{tool.name}",
                description=tool.description,
                input_schema=tool.input_schema,
                effect=tool.effect,
            )
            schema = get_json_schema(build_tool_method(spec, _echo).function)["function"]
            assert schema["name"] == spec.name
            original = tool.input_schema
            assert set(schema["parameters"]["properties"]) == set(original.get("properties", {}))
            assert set(schema["parameters"].get("required", [])) == set(original.get("required", []))
            for name, prop in original.get("properties", {}).items():
                derived = schema["parameters"]["properties"][name]
                assert derived["type"] == prop["type"], (spec.name, name)
                if "enum" in prop:
                    assert derived["enum"] == prop["enum"]
                if prop.get("type") == "array" and "type" in prop.get("items", {}):
                    assert derived["items"]["type"] == prop["items"]["type"]


SCALARS = st.sampled_from(["string", "integer", "number", "boolean"])
PROPERTY = st.one_of(
    SCALARS.map(lambda t: {"type": t}),
    SCALARS.map(lambda t: {"type": [t, "null"]}),
    SCALARS.map(lambda t: {"type": "array", "items": {"type": t}}),
    st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=3, unique=True).map(
        lambda values: {"type": "string", "enum": values}
    ),
)
NAMES = st.one_of(
    st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True),
    st.sampled_from(["from", "class", "self", "import", "page-size", "lambda", "type"]),
)


@pytest.mark.heavy
@pytest.mark.skipif(not HAS_TRANSFORMERS, reason="needs transformers, in the heavy test group")
@settings(max_examples=40, deadline=None)
@given(st.dictionaries(NAMES, PROPERTY, min_size=0, max_size=6), st.data())
def test_any_flat_schema_survives_get_json_schema(properties, data) -> None:
    from transformers.utils import get_json_schema

    required = data.draw(st.lists(st.sampled_from(sorted(properties)), unique=True) if properties else st.just([]))
    method = build_tool_method(_spec(properties=properties, required=required), _echo)
    schema = get_json_schema(method.function)["function"]["parameters"]
    back = {method.arguments[name]: prop for name, prop in schema["properties"].items()}
    assert set(back) == set(properties)
    assert {method.arguments[name] for name in schema.get("required", [])} == set(required)
    for name, prop in properties.items():
        kind = prop["type"]
        if isinstance(kind, list):
            assert back[name]["type"] == kind[0]
            assert back[name]["nullable"] is True
        else:
            assert back[name]["type"] == kind
        if "enum" in prop:
            assert back[name]["enum"] == prop["enum"]
        if "items" in prop:
            assert back[name]["items"] == prop["items"]
