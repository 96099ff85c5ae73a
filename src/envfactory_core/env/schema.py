"""JSON Schema from Python signatures and Google-style docstrings.

A tool's input schema comes from its parameters: ``str`` → ``string``, ``int`` → ``integer``,
``float`` → ``number``, ``bool`` → ``boolean``, ``list[X]`` → array of X, ``dict[str, X]`` → object,
``Literal[...]`` → ``enum``, a ``TypedDict`` → object with its keys, ``X | None`` → X (the argument
may be left out or given as null). ``Annotated[X, Arg(...)]`` adds a description and constraints.
Descriptions come from the docstring's ``Args:`` section.
"""

from __future__ import annotations

import inspect
import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, get_args, get_origin, get_type_hints

import attrs

from ..ids import JsonValue

__all__ = ["Arg", "Docstring", "parse_docstring", "schema_for", "signature_schema"]


@attrs.frozen(kw_only=True)
class Arg:
    """Extra facts about a tool argument, given as ``Annotated[type, Arg(...)]``.

    ``mask=True`` marks an argument whose value does not change the outcome (pagination,
    limits, formatting): trace rewards ignore it.
    """

    description: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    format: str | None = None
    examples: tuple[JsonValue, ...] = ()
    mask: bool = False

    def apply(self, schema: dict[str, JsonValue]) -> dict[str, JsonValue]:
        """The schema with these constraints; lengths of arrays become ``minItems``/``maxItems``."""
        updated = dict(schema)
        is_array = schema.get("type") == "array"
        for key, value in (
            ("description", self.description),
            ("minimum", self.minimum),
            ("maximum", self.maximum),
            ("minItems" if is_array else "minLength", self.min_length),
            ("maxItems" if is_array else "maxLength", self.max_length),
            ("pattern", self.pattern),
            ("format", self.format),
        ):
            if value is not None:
                updated[key] = value
        if self.examples:
            updated["examples"] = list(self.examples)
        return updated


@attrs.frozen(kw_only=True)
class Docstring:
    summary: str
    args: dict[str, str] = attrs.field(factory=dict)
    returns: str = ""


_SECTION = re.compile(r"^\s*(Args|Arguments|Parameters|Returns|Return|Raises|Yields|Examples?|Notes?)\s*:\s*$")
_ARG_LINE = re.compile(r"^\s*(\*{0,2}\w+)\s*(?:\(([^)]*)\))?\s*:\s*(.*)$")


def parse_docstring(doc: str | None) -> Docstring:
    """Split a Google-style docstring into summary, argument descriptions and returns."""
    if not doc:
        return Docstring(summary="")
    lines = inspect.cleandoc(doc).splitlines()
    summary: list[str] = []
    args: dict[str, list[str]] = {}
    returns: list[str] = []
    section = "summary"
    current: str | None = None
    arg_indent: int | None = None
    for line in lines:
        match = _SECTION.match(line)
        if match:
            word = match.group(1).lower()
            section = "args" if word in {"args", "arguments", "parameters"} else word.rstrip("s")
            current = None
            arg_indent = None
            continue
        if section == "summary":
            summary.append(line)
        elif section == "args":
            if not line.strip():
                continue
            indent = len(line) - len(line.lstrip())
            arg_match = _ARG_LINE.match(line)
            if arg_match and (arg_indent is None or indent <= arg_indent):
                arg_indent = indent
                current = arg_match.group(1).lstrip("*")
                args[current] = [arg_match.group(3).strip()]
            elif current is not None:
                args[current].append(line.strip())
        elif section == "return":
            returns.append(line.strip())
    text = "\n".join(summary).strip()
    return Docstring(
        summary=re.sub(r"[ \t]+\n", "\n", text),
        args={name: " ".join(part for part in parts if part).strip() for name, parts in args.items()},
        returns=" ".join(part for part in returns if part).strip(),
    )


def _is_typeddict(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, dict) and hasattr(annotation, "__required_keys__")


def _literal_schema(values: Sequence[Any]) -> dict[str, JsonValue]:
    kinds = {type(value) for value in values}
    schema: dict[str, JsonValue] = {"enum": list(values)}
    names = {str: "string", int: "integer", float: "number", bool: "boolean"}
    if len(kinds) == 1 and next(iter(kinds)) in names:
        schema = {"type": names[next(iter(kinds))], "enum": list(values)}
    return schema


def schema_for(annotation: Any) -> tuple[dict[str, JsonValue], bool, Arg | None]:
    """Return ``(schema, nullable, arg)`` for a type annotation.

    ``nullable`` is true for ``X | None``; ``arg`` is the ``Arg`` found in ``Annotated``.
    Raises ``TypeError`` for an annotation that has no JSON form.
    """
    arg: Arg | None = None
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        base, *extras = get_args(annotation)
        for extra in extras:
            if isinstance(extra, Arg):
                arg = extra
        schema, nullable, _ = schema_for(base)
        return (arg.apply(schema) if arg else schema), nullable, arg
    if origin in (typing.Union, types.UnionType):
        members = [member for member in get_args(annotation) if member is not type(None)]
        nullable = len(members) < len(get_args(annotation))
        if len(members) == 1:
            schema, _, arg = schema_for(members[0])
            return schema, nullable, arg
        return {"anyOf": [schema_for(member)[0] for member in members]}, nullable, None
    if annotation is inspect.Parameter.empty or annotation is Any or annotation is object:
        return {}, False, None
    if annotation is type(None):
        return {"type": "null"}, True, None
    simple: Mapping[Any, str] = {str: "string", int: "integer", float: "number", bool: "boolean"}
    if annotation in simple:
        return {"type": simple[annotation]}, False, None
    if origin is Literal:
        return _literal_schema(get_args(annotation)), False, None
    if _is_typeddict(annotation):
        return typeddict_schema(annotation), False, None
    if annotation in (list, tuple, set, frozenset) or origin in (list, tuple, set, frozenset, Sequence):
        items = get_args(annotation)
        if origin is tuple and items and (len(items) != 2 or items[1] is not Ellipsis):
            raise TypeError(f"fixed-length tuple {annotation!r} has no JSON Schema form; use list[X]")
        array: dict[str, JsonValue] = {"type": "array"}
        if items:
            array["items"] = schema_for(items[0])[0]
        return array, False, None
    if annotation is dict or origin in (dict, Mapping):
        mapping: dict[str, JsonValue] = {"type": "object"}
        args = get_args(annotation)
        if len(args) == 2 and args[1] is not Any:
            mapping["additionalProperties"] = schema_for(args[1])[0]
        return mapping, False, None
    raise TypeError(
        f"{annotation!r} has no JSON Schema form; use str, int, float, bool, list, dict, Literal or a TypedDict"
    )


def _typeddict_bases(cls: type) -> list[type]:
    """The TypedDict and the TypedDicts it extends (their docstrings describe inherited keys)."""
    found = [cls]
    for base in getattr(cls, "__orig_bases__", ()):
        if _is_typeddict(base):
            found.extend(_typeddict_bases(base))
    return found


def typeddict_schema(cls: type) -> dict[str, JsonValue]:
    hints = get_type_hints(cls, include_extras=True)
    docs: dict[str, str] = {}
    for base in reversed(_typeddict_bases(cls)):
        docs.update(parse_docstring(base.__doc__).args)
    properties: dict[str, JsonValue] = {}
    required: list[str] = []
    required_keys: frozenset[str] = getattr(cls, "__required_keys__", frozenset())
    for key, annotation in hints.items():
        schema, nullable, _ = schema_for(annotation)
        if nullable and "type" in schema and isinstance(schema["type"], str):
            schema = {**schema, "type": [schema["type"], "null"]}
        if nullable and isinstance(schema.get("enum"), list) and None not in schema["enum"]:
            schema = {**schema, "enum": [*schema["enum"], None]}
        if key in docs and "description" not in schema:
            schema = {**schema, "description": docs[key]}
        properties[key] = schema
        if key in required_keys:
            required.append(key)
    result: dict[str, JsonValue] = {"type": "object", "properties": properties}
    if required:
        result["required"] = required
    return result


@attrs.frozen(kw_only=True)
class SignatureSchema:
    description: str
    input_schema: dict[str, JsonValue]
    output_schema: dict[str, JsonValue] | None
    masked: tuple[str, ...]
    nullable: frozenset[str]
    takes_context: bool


def signature_schema(function: Callable[..., Any]) -> SignatureSchema:
    """Derive a tool's description and schemas from its signature and docstring.

    The first parameter receives the tool context when it is named ``ctx`` or ``context``.
    """
    signature = inspect.signature(function)
    hints = get_type_hints(function, include_extras=True)
    doc = parse_docstring(function.__doc__)
    parameters = list(signature.parameters.values())
    takes_context = bool(parameters) and parameters[0].name in {"ctx", "context"}
    if takes_context:
        parameters = parameters[1:]
    properties: dict[str, JsonValue] = {}
    required: list[str] = []
    masked: list[str] = []
    nullable: set[str] = set()
    for parameter in parameters:
        if parameter.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            raise TypeError(
                f"tool {function.__name__!r}: *args/**kwargs cannot be described; declare input_schema instead"
            )
        annotation = hints.get(parameter.name, inspect.Parameter.empty)
        try:
            schema, is_nullable, arg = schema_for(annotation)
        except TypeError as error:
            raise TypeError(f"tool {function.__name__!r}, argument {parameter.name!r}: {error}") from error
        if "description" not in schema and parameter.name in doc.args:
            schema = {**schema, "description": doc.args[parameter.name]}
        if parameter.default is not inspect.Parameter.empty and parameter.default is not None:
            default = parameter.default
            if isinstance(default, (str, int, float, bool)):
                schema = {**schema, "default": default}
        if is_nullable:
            nullable.add(parameter.name)
        if arg is not None and arg.mask:
            masked.append(parameter.name)
        properties[parameter.name] = schema
        if parameter.default is inspect.Parameter.empty:
            required.append(parameter.name)
    input_schema: dict[str, JsonValue] = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        input_schema["required"] = required
    output_schema: dict[str, JsonValue] | None = None
    returned = hints.get("return", inspect.Parameter.empty)
    if returned is not inspect.Parameter.empty and returned is not None and returned is not type(None):
        try:
            candidate, _, _ = schema_for(returned)
        except TypeError:
            candidate = {}
        if candidate and candidate != {"type": "object"}:
            output_schema = candidate
            if doc.returns and "description" not in output_schema:
                output_schema = {**output_schema, "description": doc.returns}
    return SignatureSchema(
        description=doc.summary,
        input_schema=input_schema,
        output_schema=output_schema,
        masked=tuple(masked),
        nullable=frozenset(nullable),
        takes_context=takes_context,
    )
