"""Component options: a component's ``attrs`` fields are its options, and the one coercion of their values.

:func:`option_problems` checks options given as data (a pipeline file) against the fields' types
and reports every problem with its location; :func:`apply_options` returns a configured copy.
:func:`configure` does the same for a linker, labeller or sampler named with options on a command
line or in a graph stage (``configure(component, {"top_k": "5"})``): text values are converted to
the field's type, other values are kept as given. Both convert text with the same rules
(``"5"`` for an int field, ``"yes"`` for a bool, ``"a, b"`` for a tuple).
"""

from __future__ import annotations

import contextlib
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, get_args, get_origin

import attrs

from .errors import ConfigError, Problem
from .ids import JsonValue

__all__ = [
    "apply_options",
    "component_label",
    "component_option_types",
    "component_options",
    "configure",
    "option_problems",
    "parse_option_pairs",
]

T = TypeVar("T")

_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


def _field_types(cls: Any) -> dict[str, Any]:
    with contextlib.suppress(NameError):
        attrs.resolve_types(cls)
    return {field.name: field.type for field in attrs.fields(cls) if field.init}


def component_option_types(component: object) -> dict[str, Any]:
    """Each option (an ``attrs`` field set at construction) and its type."""
    cls: Any = type(component)
    if not attrs.has(cls):
        return {}
    return {name: declared for name, declared in _field_types(cls).items() if name not in {"name", "description"}}


def component_label(component: object) -> str:
    """The full name of a component (``core/lexical``) when it declares one, else its ``name``."""
    return str(getattr(component, "component_name", None) or getattr(component, "name", type(component).__name__))


def component_options(component: object) -> dict[str, JsonValue]:
    """The component's options and their current values (empty for a component without options)."""
    cls: Any = type(component)
    if not attrs.has(cls):
        return {}
    return {field.name: getattr(component, field.name) for field in attrs.fields(cls) if field.init}


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


def _from_text(text: str, current: Any, declared: Any) -> Any:
    """A command-line value for a field whose value is ``current``: ``ValueError`` when it does not fit."""
    text = text.strip()
    if current is None and text.lower() in {"", "none", "null"}:
        return None
    if isinstance(declared, str) or declared is None:  # an annotation that does not resolve
        declared = type(current) if current is not None else Any
    converted, reason = _coerce(text, declared)
    if reason is not None:
        raise ValueError(reason)
    return converted


def configure(component: T, options: Mapping[str, Any] | None, *, what: str = "component") -> T:
    """A copy of ``component`` with ``options`` applied (``component`` itself when there are none).

    Text values (from a command line) are stripped and converted to the field's type; other values
    are kept as given. Unknown options and bad values are reported together as a ``ConfigError``.
    """
    if not options:
        return component
    label = f"{what} {component_label(component)}"
    cls: Any = type(component)
    if not attrs.has(cls):
        raise ConfigError(
            f"{label} takes no options", [Problem(location=key, message="unknown option") for key in options]
        )
    types_ = _field_types(cls)
    known = ", ".join(types_) or "none"
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for key, raw in options.items():
        if key not in types_:
            problems.append(Problem(location=key, message="unknown option", fix=f"options of {label}: {known}"))
            continue
        try:
            values[key] = _from_text(raw, getattr(component, key), types_[key]) if isinstance(raw, str) else raw
        except ValueError as error:
            problems.append(Problem(location=key, message=str(error)))
    if problems:
        raise ConfigError(f"bad options for {label}", problems)
    try:
        return attrs.evolve(component, **values)  # type: ignore[misc]
    except (TypeError, ValueError) as error:
        raise ConfigError(
            f"bad options for {label}", [Problem(location=", ".join(values), message=str(error))]
        ) from error


def parse_option_pairs(pairs: Sequence[str], *, flag: str = "--option") -> dict[str, str]:
    """``["top_k=5", "floor=0.3"]`` → ``{"top_k": "5", "floor": "0.3"}``; a pair without ``=`` is an error."""
    options: dict[str, str] = {}
    problems: list[Problem] = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            problems.append(
                Problem(location=f"{flag} {pair}", message="expected KEY=VALUE", fix=f"write {flag} top_k=5")
            )
            continue
        options[key.strip()] = value
    if problems:
        raise ConfigError("bad options", problems)
    return options
