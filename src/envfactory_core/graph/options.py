"""Options for linkers, labellers and samplers: a component's attrs fields are its options.

``configure(component, {"top_k": "5"})`` returns a copy with the options applied; values may be
strings (from the command line) and are converted to the field's type. Unknown options and bad
values are reported together as a :class:`~envfactory_core.errors.ConfigError`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import attrs

from ..errors import ConfigError, Problem
from ..ids import JsonValue

__all__ = ["component_label", "component_options", "configure", "parse_option_pairs"]

T = TypeVar("T")

_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


def component_label(component: object) -> str:
    """The full name of a component (``core/lexical``) when it declares one, else its ``name``."""
    return str(getattr(component, "component_name", None) or getattr(component, "name", type(component).__name__))


def component_options(component: object) -> dict[str, JsonValue]:
    """The component's options and their current values (empty for a component without options)."""
    cls: Any = type(component)
    if not attrs.has(cls):
        return {}
    return {field.name: getattr(component, field.name) for field in attrs.fields(cls) if field.init}


def _convert(raw: Any, current: Any, declared: str) -> Any:
    if not isinstance(raw, str):
        return raw
    text = raw.strip()
    if current is None and text.lower() in {"", "none", "null"}:
        return None
    if isinstance(current, bool) or (current is None and declared.startswith("bool")):
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ValueError(f"expected true or false, got {raw!r}")
    if isinstance(current, int) or (current is None and declared.startswith("int")):
        return int(text)
    if isinstance(current, float) or (current is None and declared.startswith("float")):
        return float(text)
    if isinstance(current, tuple):
        return tuple(part.strip() for part in text.split(",") if part.strip())
    return text


def configure(component: T, options: Mapping[str, Any] | None, *, what: str = "component") -> T:
    """A copy of ``component`` with ``options`` applied (``component`` itself when there are none)."""
    if not options:
        return component
    label = f"{what} {component_label(component)}"
    cls: Any = type(component)
    if not attrs.has(cls):
        raise ConfigError(
            f"{label} takes no options", [Problem(location=key, message="unknown option") for key in options]
        )
    fields = {field.name: field for field in attrs.fields(cls) if field.init}
    known = ", ".join(fields) or "none"
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for key, raw in options.items():
        if key not in fields:
            problems.append(Problem(location=key, message="unknown option", fix=f"options of {label}: {known}"))
            continue
        declared = str(fields[key].type or "")
        try:
            values[key] = _convert(raw, getattr(component, key), declared)
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
