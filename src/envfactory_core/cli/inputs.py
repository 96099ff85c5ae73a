"""JSON given on the command line or in a file the user names: bounded, finite, UTF-8, or a clear error.

Python's ``json`` recurses once per nesting level (a 5,000-deep array is a ``RecursionError``),
accepts ``NaN`` and ``Infinity``, and a binary file fails with a ``UnicodeDecodeError`` far from
the option that named it. These loaders check first and raise :class:`InputError` naming the
option or file and the fix.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import EnvFactoryError

__all__ = ["MAX_JSON_BYTES", "MAX_JSON_DEPTH", "InputError", "json_depth", "load_json_file", "load_json_text"]

MAX_JSON_DEPTH = 100
"""Deepest nesting of arrays and objects accepted (tool arguments and states are far shallower)."""
MAX_JSON_BYTES = 64 * 1024 * 1024
"""Largest JSON text accepted from one option or file."""


class InputError(EnvFactoryError, ValueError):
    """A value given on the command line, or a file it names, cannot be used as it is."""


def json_depth(text: str) -> int:
    """The deepest nesting of ``[`` and ``{`` in JSON ``text``, counted without recursion."""
    depth = deepest = 0
    in_string = escaped = False
    for character in text:
        if in_string:
            if escaped:
                escaped = False
            elif character == "\\":
                escaped = True
            elif character == '"':
                in_string = False
        elif character == '"':
            in_string = True
        elif character in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif character in "]}":
            depth -= 1
    return deepest


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a finite number")


def load_json_text(text: str, *, where: str, max_depth: int = MAX_JSON_DEPTH, max_bytes: int = MAX_JSON_BYTES) -> Any:
    """Parse ``text`` (given as ``where``, e.g. ``--args``) as JSON within the limits."""
    if len(text) > max_bytes:
        raise InputError(f"{where}: {len(text):,} characters of JSON is more than the {max_bytes:,} accepted")
    depth = json_depth(text)
    if depth > max_depth:
        raise InputError(
            f"{where}: JSON nested {depth} levels deep; at most {max_depth} levels are accepted (flatten the value)"
        )
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise InputError(f"{where}: not valid JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    except ValueError as error:  # NaN, Infinity
        raise InputError(f"{where}: {error}; JSON numbers must be finite") from None
    except RecursionError:
        raise InputError(f"{where}: JSON nested too deeply to read; flatten the value") from None


def load_json_file(path: Path, *, where: str, max_depth: int = MAX_JSON_DEPTH, max_bytes: int = MAX_JSON_BYTES) -> Any:
    """Read ``path`` (named by option ``where``) as UTF-8 JSON within the limits."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"{where} {path}: {size:,} bytes is more than the {max_bytes:,} accepted")
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{where} {path}: cannot read it: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{where} {path}: not a JSON text file (byte {error.start} is not UTF-8; is it a binary file?); "
            "give a UTF-8 JSON file"
        ) from None
    return load_json_text(text, where=f"{where} {path}", max_depth=max_depth, max_bytes=max_bytes)
