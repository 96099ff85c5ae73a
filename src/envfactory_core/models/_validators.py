"""Field validators shared by the records."""

from __future__ import annotations

import re
from typing import Any

import attrs

from ..ids import check_json_value

IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
"""Names of tools, arguments, environments and tables: safe in every trainer and protocol."""

COMPONENT_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")


def identifier(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if not isinstance(value, str) or not IDENTIFIER.match(value):
        raise ValueError(
            f"{type(instance).__name__}.{attribute.name} must be a letter followed by up to 63 "
            f"letters, digits or underscores, got {value!r}"
        )


def json_value(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    problems = check_json_value(value, attribute.name)
    if problems:
        raise ValueError(f"{type(instance).__name__}.{attribute.name} is not plain JSON: {'; '.join(problems[:5])}")


def json_object(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, dict):
        raise TypeError(f"{type(instance).__name__}.{attribute.name} must be a JSON object, got {type(value).__name__}")
    json_value(instance, attribute, value)


def optional_json_object(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        json_object(instance, attribute, value)


def non_empty(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not value:
        raise ValueError(f"{type(instance).__name__}.{attribute.name} must not be empty")


def unique_names(instance: Any, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
    seen: set[str] = set()
    for item in value:
        name = item.name
        if name in seen:
            raise ValueError(f"{type(instance).__name__}.{attribute.name} has {name!r} twice")
        seen.add(name)


def to_tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value)
