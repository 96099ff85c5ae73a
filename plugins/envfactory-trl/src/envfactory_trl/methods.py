"""Tool methods TRL can read: a Python signature, type hints and a Google docstring per tool.

TRL's ``environment_factory`` exposes every public method of an environment class as a tool and
derives the schema the model sees with ``transformers.utils.get_json_schema``: the name from
``__name__``, the parameters and required set from the signature, the types from the type hints,
the descriptions from the docstring's ``Args:`` block. Our tools carry JSON Schemas instead, so
each gets a synthesised method whose signature, hints and docstring say what the schema says.

The mapping (``docs/how-to/train-with-trl.md`` has the table):

- method name = the qualified tool name ``env__tool`` (already a Python identifier);
- JSON types become hints: ``string`` → ``str``, ``integer`` → ``int``, ``number`` → ``float``,
  ``boolean`` → ``bool``, ``array`` → ``list[item]``, ``object`` → ``dict``, ``enum`` → ``Literal``,
  ``["T", "null"]`` → ``T | None``, ``anyOf`` → a union;
- what a hint cannot say (bounds, lengths, patterns, formats, defaults, the fields of nested
  objects) is appended to the argument's description, so the model still reads it;
- a parameter name that is not a usable Python parameter (a keyword such as ``from``, ``self``,
  or a name with ``-``) is renamed (``from_``, ``self_``, ``page_size``); the method maps the
  model's arguments back to the schema's names, and accepts the original names too;
- optional parameters default to :data:`OMITTED`, and omitted arguments are not passed on, so
  the environment applies its own defaults.
"""

from __future__ import annotations

import inspect
import json
import keyword
import re
from collections.abc import Callable, Mapping
from types import FunctionType, NoneType
from typing import Any, Literal, Union

import attrs

from envfactory_core.errors import ConfigError, Problem
from envfactory_core.models import ToolSpec

__all__ = [
    "OMITTED",
    "RESERVED_METHOD_NAMES",
    "ToolMethod",
    "build_tool_method",
    "python_name",
    "schema_hint",
    "tool_method_problems",
]

RESERVED_METHOD_NAMES = frozenset({"reset", "get_reward"})
"""Method names TRL gives a meaning of its own (an environment's reset and its reward)."""

_SECTION = re.compile(r"\b(Args|Arguments|Returns|Raises|Yields|Examples?):")
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class _Omitted:
    """The default of an optional tool argument: "not given", so the environment's default applies."""

    _instance: _Omitted | None = None

    def __new__(cls) -> _Omitted:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "OMITTED"

    def __bool__(self) -> bool:
        return False


OMITTED: Any = _Omitted()


def python_name(name: str, taken: set[str]) -> str:
    """A parameter name Python accepts for schema property ``name``, distinct from ``taken``."""
    candidate = re.sub(r"\W", "_", name)
    if not candidate or candidate[0].isdigit():
        candidate = f"arg_{candidate}"
    if keyword.iskeyword(candidate) or keyword.issoftkeyword(candidate) or candidate == "self":
        candidate = f"{candidate}_"
    base, number = candidate, 2
    while candidate in taken:
        candidate = f"{base}_{number}"
        number += 1
    return candidate


def _scalar(json_type: str) -> Any:
    return {
        "string": str,
        "integer": int,
        "number": float,
        "boolean": bool,
        "null": NoneType,
        "array": list,
        "object": dict,
    }.get(json_type, Any)


def schema_hint(schema: Mapping[str, Any]) -> Any:
    """The Python type hint that ``get_json_schema`` turns back into (the shape of) ``schema``."""
    enum = schema.get("enum")
    if isinstance(enum, list) and enum and all(isinstance(v, (str, int, float, bool)) or v is None for v in enum):
        values = tuple(enum)
        return Literal[values]
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            return _union([schema_hint(option) for option in options if isinstance(option, Mapping)])
    json_type = schema.get("type")
    if isinstance(json_type, list):
        return _union([schema_hint({**schema, "type": item}) for item in json_type if isinstance(item, str)])
    if json_type == "array":
        items = schema.get("items")
        if isinstance(items, Mapping) and items:
            return list[schema_hint(items)]  # type: ignore[misc]
        return list
    if json_type == "object":
        extra = schema.get("additionalProperties")
        if isinstance(extra, Mapping) and extra and not schema.get("properties"):
            return dict[str, schema_hint(extra)]  # type: ignore[misc]
        return dict
    if isinstance(json_type, str):
        return _scalar(json_type)
    return Any


def _union(hints: list[Any]) -> Any:
    unique = list(dict.fromkeys(hints))
    if not unique:
        return Any
    if len(unique) == 1:
        return unique[0]
    return Union[tuple(unique)]  # noqa: UP007 - built from a runtime list


def _value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _notes(schema: Mapping[str, Any]) -> list[str]:
    """What a type hint cannot carry, in words."""
    notes: list[str] = []
    if "minimum" in schema and "maximum" in schema:
        notes.append(f"from {_value(schema['minimum'])} to {_value(schema['maximum'])}")
    elif "minimum" in schema:
        notes.append(f"at least {_value(schema['minimum'])}")
    elif "maximum" in schema:
        notes.append(f"at most {_value(schema['maximum'])}")
    if "exclusiveMinimum" in schema:
        notes.append(f"more than {_value(schema['exclusiveMinimum'])}")
    if "exclusiveMaximum" in schema:
        notes.append(f"less than {_value(schema['exclusiveMaximum'])}")
    if "minLength" in schema and "maxLength" in schema:
        notes.append(f"{schema['minLength']} to {schema['maxLength']} characters")
    elif "minLength" in schema:
        notes.append(f"at least {schema['minLength']} characters")
    elif "maxLength" in schema:
        notes.append(f"at most {schema['maxLength']} characters")
    if "minItems" in schema:
        notes.append(f"at least {schema['minItems']} item{'s' * (schema['minItems'] != 1)}")
    if "maxItems" in schema:
        notes.append(f"at most {schema['maxItems']} items")
    if "format" in schema:
        notes.append(f"format {schema['format']}")
    if "pattern" in schema:
        notes.append(f"pattern {schema['pattern']}")
    if "default" in schema:
        notes.append(f"default {_value(schema['default'])}")
    items = schema.get("items")
    if isinstance(items, Mapping):
        shape = _object_shape(items)
        if shape:
            notes.append(f"each item is an object with {shape}")
        else:
            notes.extend(f"each item {note}" for note in _notes(items))
    shape = _object_shape(schema)
    if shape:
        notes.append(f"an object with {shape}")
    return notes


def _object_shape(schema: Mapping[str, Any]) -> str:
    properties = schema.get("properties")
    if schema.get("type") != "object" or not isinstance(properties, Mapping) or not properties:
        return ""
    required = set(schema.get("required") or ())
    parts = []
    for name, field in properties.items():
        field = field if isinstance(field, Mapping) else {}
        kind = field.get("type", "any")
        kind_text = "/".join(kind) if isinstance(kind, list) else str(kind)
        details = [kind_text, "required" if name in required else "optional", *_notes(field)]
        if isinstance(field.get("enum"), list):
            details.append("one of " + ", ".join(_value(v) for v in field["enum"]))
        text = f"{name} ({', '.join(details)})"
        if field.get("description"):
            text += f" {_one_line(str(field['description']))}"
        parts.append(text)
    return "; ".join(parts)


def _one_line(text: str) -> str:
    """Docstring-safe text: one line, and no word TRL's docstring parser would read as a section."""
    return _SECTION.sub(lambda match: f"{match.group(1)} -", " ".join(text.split()))


def _description(name: str, schema: Mapping[str, Any]) -> str:
    base = _one_line(str(schema.get("description") or "")) or f"The {name.replace('_', ' ')}."
    notes = _notes(schema)
    if notes:
        base = f"{base.rstrip()} [{'; '.join(_one_line(note) for note in notes)}]"
    return base


@attrs.frozen(kw_only=True)
class ToolMethod:
    """A tool as a method: its name, the schema names of its parameters, and the function itself."""

    name: str
    arguments: dict[str, str] = attrs.field(hash=False)
    """Python parameter name → the schema's property name (equal unless renamed)."""
    function: Callable[..., str] = attrs.field(eq=False, repr=False)

    @property
    def renamed(self) -> dict[str, str]:
        return {python: original for python, original in self.arguments.items() if python != original}

    def schema_arguments(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """The model's arguments under the schema's names; omitted optional arguments are dropped."""
        return _to_schema_names(self.arguments, given)


def tool_method_problems(name: str) -> list[str]:
    """Why ``name`` cannot be a TRL tool method (empty when it can)."""
    problems = []
    if not _IDENTIFIER.match(name):
        problems.append("is not a Python identifier starting with a letter (TRL hides names starting with '_')")
    if keyword.iskeyword(name):
        problems.append("is a Python keyword")
    if name in RESERVED_METHOD_NAMES:
        problems.append(f"is reserved by TRL ({', '.join(sorted(RESERVED_METHOD_NAMES))})")
    return problems


def build_tool_method(spec: ToolSpec, call: Callable[[Any, str, dict[str, Any]], str]) -> ToolMethod:
    """The method for tool ``spec`` (named as the agent sees it, ``env__tool``).

    ``call(self, tool_name, arguments)`` runs the tool; ``arguments`` use the schema's names.
    """
    problems = tool_method_problems(spec.name)
    if problems:
        raise ConfigError(
            "a tool cannot be exposed to TRL",
            [
                Problem(location=spec.name, message=message, fix="rename the tool or its environment")
                for message in problems
            ],
        )
    schema = spec.input_schema
    properties: Mapping[str, Any] = schema.get("properties") or {}
    required = set(schema.get("required") or ())
    taken: set[str] = set()
    mapping: dict[str, str] = {}
    parameters = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    annotations: dict[str, Any] = {}
    arg_lines: list[str] = []
    for original, property_schema in properties.items():
        property_schema = property_schema if isinstance(property_schema, Mapping) else {}
        pyname = python_name(original, taken)
        taken.add(pyname)
        mapping[pyname] = original
        hint = schema_hint(property_schema)
        annotations[pyname] = hint
        default = inspect.Parameter.empty if original in required else OMITTED
        parameters.append(inspect.Parameter(pyname, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=hint))
        description = _description(original, property_schema)
        if pyname != original:
            description = f"{description} (the {original!r} argument)"
        arg_lines.append(f"    {pyname}: {description}")
    summary = _one_line(spec.description) or spec.name.replace("_", " ")
    doc = summary
    if arg_lines:
        doc += "\n\nArgs:\n" + "\n".join(arg_lines)
    qualified = spec.name
    method_arguments = dict(mapping)

    def tool(self: Any, **arguments: Any) -> str:
        return call(self, qualified, _to_schema_names(method_arguments, arguments))

    function = FunctionType(tool.__code__, tool.__globals__, qualified, None, tool.__closure__)
    function.__qualname__ = qualified
    function.__doc__ = doc
    function.__annotations__ = annotations
    # No return annotation: get_json_schema would add a "return" entry to every schema in the prompt.
    function.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    function.__kwdefaults__ = None
    return ToolMethod(name=qualified, arguments=method_arguments, function=function)


def _to_schema_names(mapping: Mapping[str, str], given: Mapping[str, Any]) -> dict[str, Any]:
    return {mapping.get(key, key): value for key, value in given.items() if value is not OMITTED}
