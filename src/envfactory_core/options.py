"""Component options: a component's ``attrs`` fields are its options.

:func:`option_problems` checks options given as data (a pipeline file) against the fields' types
and reports every problem with its location; :func:`apply_options` returns a configured copy.
Values may also be strings from a command line (``"5"`` for an int field).
"""

from __future__ import annotations

import contextlib
import types
import typing
from collections.abc import Mapping
from typing import Any, TypeVar, get_args, get_origin

import attrs

from .errors import ConfigError, Problem

__all__ = ["apply_options", "component_option_types", "option_problems"]

T = TypeVar("T")

_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


def component_option_types(component: object) -> dict[str, Any]:
    """Each option (an ``attrs`` field set at construction) and its type."""
    cls: Any = type(component)
    if not attrs.has(cls):
        return {}
    with contextlib.suppress(NameError):
        attrs.resolve_types(cls)
    return {
        field.name: field.type
        for field in attrs.fields(cls)
        if field.init and field.name not in {"name", "description"}
    }


def _type_name(declared: Any) -> str:
    if isinstance(declared, type):
        return declared.__name__
    return str(declared).replace("typing.", "")


def _coerce(value: Any, declared: Any) -> tuple[Any, str | None]:
    """``(converted value, None)`` or ``(value, reason it does not fit)``."""
    if declared is Any or declared is None:
        return value, None
    origin = get_origin(declared)
    if origin in (typing.Union, types.UnionType):
        reasons = []
        for member in get_args(declared):
            converted, reason = _coerce(value, member)
            if reason is None:
                return converted, None
            reasons.append(reason)
        return value, f"expected {_type_name(declared)}, got {type(value).__name__} {value!r}"
    if origin is typing.Literal:
        allowed = get_args(declared)
        return (
            (value, None)
            if value in allowed
            else (value, f"expected one of {', '.join(map(repr, allowed))}, got {value!r}")
        )
    if declared is type(None):
        return (
            (None, None)
            if value is None or (isinstance(value, str) and value.lower() in {"none", "null", ""})
            else (value, "expected nothing")
        )
    if declared is bool:
        if isinstance(value, bool):
            return value, None
        if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
            return value.lower() in _TRUE, None
        return value, f"expected true or false, got {value!r}"
    if declared is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value, None
        if isinstance(value, str):
            try:
                return int(value), None
            except ValueError:
                pass
        return value, f"expected an integer, got {type(value).__name__} {value!r}"
    if declared is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value), None
        if isinstance(value, str):
            try:
                return float(value), None
            except ValueError:
                pass
        return value, f"expected a number, got {type(value).__name__} {value!r}"
    if declared is str:
        return (
            (value, None) if isinstance(value, str) else (value, f"expected text, got {type(value).__name__} {value!r}")
        )
    if origin in (tuple, list) or declared in (tuple, list):
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, (list, tuple)):
            return value, f"expected a list, got {type(value).__name__} {value!r}"
        item_types = get_args(declared)
        item_type = item_types[0] if item_types else Any
        converted = []
        for item in value:
            item_value, reason = _coerce(item, item_type)
            if reason is not None:
                return value, f"list item: {reason}"
            converted.append(item_value)
        return (tuple(converted) if (origin or declared) is tuple else converted), None
    if origin in (dict, Mapping) or declared in (dict, Mapping):
        return (value, None) if isinstance(value, dict) else (value, f"expected a table, got {type(value).__name__}")
    return value, None


def option_problems(
    component: object, options: Mapping[str, Any], *, location: str = "options"
) -> tuple[dict[str, Any], list[Problem]]:
    """Converted option values and every problem (unknown option, wrong type), each with its location."""
    types_ = component_option_types(component)
    label = getattr(component, "name", type(component).__name__)
    known = ", ".join(sorted(types_)) or "none"
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, raw in options.items():
        where = f"{location}.{key}"
        if key not in types_:
            problems.append(Problem(location=where, message=f"unknown option of {label}", fix=f"options: {known}"))
            continue
        converted, reason = _coerce(raw, types_[key])
        if reason is not None:
            problems.append(Problem(location=where, message=reason))
            continue
        values[key] = converted
    if not problems and values:
        try:
            attrs.evolve(component, **values)  # type: ignore[misc]
        except (TypeError, ValueError) as error:
            problems.append(Problem(location=location, message=str(error)))
    return values, problems


def apply_options(component: T, options: Mapping[str, Any] | None, *, location: str = "options") -> T:
    """A copy of ``component`` with ``options`` applied; ``ConfigError`` lists every problem."""
    if not options:
        return component
    values, problems = option_problems(component, options, location=location)
    if problems:
        raise ConfigError(f"bad options for {getattr(component, 'name', type(component).__name__)}", problems)
    return attrs.evolve(component, **values)  # type: ignore[misc]
