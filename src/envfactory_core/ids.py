"""Canonical JSON and content ids.

A content id is ``"sha256:" + hex digest`` of the canonical JSON encoding of a value: keys sorted,
no insignificant whitespace, UTF-8, numbers as Python's ``json`` writes them. The algorithm prefix
lets the scheme change later without ambiguity. The same value gives the same id on every machine
and in every Python process (nothing depends on ``PYTHONHASHSEED``).
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any, Final

__all__ = ["HASH_PREFIX", "JsonValue", "canonical_json", "content_id", "digest", "check_json_value"]

HASH_PREFIX: Final = "sha256:"

JsonValue = Any
"""A value made only of dict (str keys), list, str, int, float, bool and None."""


def canonical_json(value: JsonValue) -> str:
    """Encode ``value`` canonically: sorted keys, compact separators, no NaN or infinity."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def digest(data: str | bytes) -> str:
    """Return the prefixed sha256 digest of text or bytes."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return HASH_PREFIX + hashlib.sha256(raw).hexdigest()


def content_id(value: JsonValue) -> str:
    """Return the content id of a JSON value."""
    return digest(canonical_json(value))


def _plain_json(value: object) -> bool:
    """Whether ``value`` is made only of the exact JSON types (no subclasses): the common case, fast.

    No paths are built on the way; :func:`check_json_value` walks again, naming each problem, only
    when this says no (subclasses such as ``IntEnum`` members are then accepted there).
    """
    stack = [value]
    pop, extend = stack.pop, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is str or kind is int or kind is bool or item is None:
            continue
        if kind is dict:
            for key in item:  # type: ignore[attr-defined]
                if type(key) is not str:
                    return False
            extend(item.values())  # type: ignore[attr-defined]
        elif kind is list:
            extend(item)  # type: ignore[arg-type]
        elif kind is float:
            if not math.isfinite(item):  # type: ignore[arg-type]
                return False
        else:
            return False
    return True


def check_json_value(value: object, path: str = "$") -> list[str]:
    """Return a list of reasons ``value`` is not plain JSON (empty when it is)."""
    if _plain_json(value):
        return []
    problems: list[str] = []
    stack: list[tuple[object, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if item is None or isinstance(item, (str, bool, int)):
            continue
        if isinstance(item, float):
            if not math.isfinite(item):
                problems.append(f"{where}: {item!r} is not a finite number")
            continue
        if isinstance(item, dict):
            for key, sub in item.items():
                if not isinstance(key, str):
                    problems.append(f"{where}: key {key!r} is not a string")
                    continue
                stack.append((sub, f"{where}.{key}"))
            continue
        if isinstance(item, list):
            stack.extend((sub, f"{where}[{index}]") for index, sub in enumerate(item))
            continue
        problems.append(f"{where}: {type(item).__name__} is not a JSON type")
    return problems
