"""Checking a call's arguments against the tool's schema before the tool runs.

Every problem becomes a structured ``invalid_arguments`` failure that names the argument and says
what was expected, so an agent can correct itself; nothing reaches the tool unchecked.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import jsonschema
from jsonschema import Draft202012Validator

from ..ids import JsonValue, check_json_value
from ..models import ToolFailure, ToolSpec

__all__ = ["DEFAULT_MAX_STRING_CHARS", "ArgumentValidator"]

DEFAULT_MAX_STRING_CHARS = 100_000
"""Longest string accepted in an argument unless the schema's ``maxLength`` allows more."""


def _describe(schema: Any) -> str:
    if not isinstance(schema, dict):
        return "a value"
    if "enum" in schema:
        return "one of " + ", ".join(json.dumps(value) for value in schema["enum"])
    kind = schema.get("type")
    if isinstance(kind, list):
        return " or ".join(str(k) for k in kind)
    if kind == "array" and isinstance(schema.get("items"), dict):
        return f"array of {_describe(schema['items'])}"
    if isinstance(kind, str):
        return kind
    if "anyOf" in schema or "oneOf" in schema:
        options = schema.get("anyOf") or schema.get("oneOf") or []
        return " or ".join(_describe(option) for option in options)
    return "a value"


def _path(parts: Any) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _long_strings(value: JsonValue, limit: int, path: str) -> Iterator[tuple[str, int]]:
    if isinstance(value, str):
        if len(value) > limit:
            yield path, len(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _long_strings(item, limit, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _long_strings(item, limit, f"{path}[{index}]")


class ArgumentValidator:
    """Validates arguments for one tool; build once, use for every call."""

    def __init__(
        self,
        spec: ToolSpec,
        *,
        nullable: frozenset[str] = frozenset(),
        max_string_chars: int = DEFAULT_MAX_STRING_CHARS,
    ) -> None:
        self.spec = spec
        self.nullable = nullable
        self.max_string_chars = max_string_chars
        self._validator = Draft202012Validator(spec.input_schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        self._properties = spec.parameters

    def _fail(self, message: str, argument: str = "", expected: str = "") -> ToolFailure:
        return ToolFailure(kind="invalid_arguments", message=message, argument=argument, expected=expected)

    def validate(self, arguments: object) -> tuple[dict[str, JsonValue], ToolFailure | None]:
        """Return ``(arguments, None)`` when valid, else ``({}, failure)``."""
        if arguments is None:
            arguments = {}
        if isinstance(arguments, (bytes, bytearray)):
            try:
                arguments = arguments.decode("utf-8")
            except UnicodeDecodeError:
                return {}, self._fail("arguments are not UTF-8 text", expected="a JSON object")
        if isinstance(arguments, str):
            if len(arguments) > self.max_string_chars * 4:
                return {}, self._fail(
                    f"arguments are {len(arguments)} characters long; the limit is {self.max_string_chars * 4}",
                    expected="a smaller JSON object",
                )
            try:
                arguments = json.loads(arguments) if arguments.strip() else {}
            except json.JSONDecodeError as error:
                return {}, self._fail(
                    f"arguments are not valid JSON: {error.msg} at position {error.pos}", expected="a JSON object"
                )
        if not isinstance(arguments, dict):
            return {}, self._fail(
                f"arguments must be a JSON object, got {type(arguments).__name__}", expected="a JSON object"
            )
        problems = check_json_value(arguments, "arguments")
        if problems:
            first = problems[0]
            argument = first.split(":", 1)[0].removeprefix("arguments.").split(".")[0].split("[")[0]
            return {}, self._fail(
                "arguments contain values that are not JSON: " + "; ".join(problems[:3]), argument=argument
            )
        for where, length in _long_strings(arguments, self.max_string_chars, ""):
            top = where.split(".")[0].split("[")[0]
            declared = self._properties.get(top, {}) if isinstance(self._properties.get(top), dict) else {}
            limit = declared.get("maxLength") if isinstance(declared.get("maxLength"), int) else None
            if limit is None or length > limit:
                return {}, self._fail(
                    f"argument {where!r} is {length} characters long; the limit is {limit or self.max_string_chars}",
                    argument=top,
                    expected=f"a string of at most {limit or self.max_string_chars} characters",
                )
        cleaned = {name: value for name, value in arguments.items() if not (value is None and name in self.nullable)}
        errors = sorted(self._validator.iter_errors(cleaned), key=lambda e: (list(e.absolute_path), e.validator))
        if not errors:
            return cleaned, None
        return {}, self._from_errors(errors)

    def _from_errors(self, errors: list[jsonschema.ValidationError]) -> ToolFailure:
        messages: list[str] = []
        first_argument = ""
        first_expected = ""
        for error in errors:
            argument, expected, message = self._explain(error)
            messages.append(message)
            if not first_argument:
                first_argument, first_expected = argument, expected
        return self._fail("; ".join(messages[:5]), argument=first_argument, expected=first_expected)

    def _explain(self, error: jsonschema.ValidationError) -> tuple[str, str, str]:
        path = _path(error.absolute_path)
        if error.validator == "required" and not error.absolute_path:
            missing = [name for name in self.spec.required if name not in (error.instance or {})]
            name = missing[0] if missing else ""
            expected = _describe(self._properties.get(name))
            return name, expected, f"missing required argument {name!r} ({expected})"
        if error.validator == "additionalProperties" and not error.absolute_path:
            extra = sorted(set(error.instance) - set(self._properties))
            name = extra[0] if extra else ""
            known = ", ".join(self._properties) or "no arguments"
            return name, f"one of: {known}", f"unexpected argument {name!r}; this tool takes: {known}"
        top = str(error.absolute_path[0]) if error.absolute_path else ""
        expected = _describe(error.schema)
        if error.validator == "type":
            got = type(error.instance).__name__
            return top, expected, f"argument {path!r} must be {expected}, got {got} {json.dumps(error.instance)[:80]}"
        if error.validator == "enum":
            return top, expected, f"argument {path!r} must be {expected}, got {json.dumps(error.instance)[:80]}"
        return top, expected, f"argument {path or '(arguments)'!r}: {error.message[:200]}"
