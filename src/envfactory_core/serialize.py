"""The one converter between records and JSON.

``to_json`` gives plain JSON values (dicts, lists, strings, numbers); ``from_json`` builds a record
from them and reports every problem at once with its path. ``dumps``/``loads`` add canonical text
encoding. Unknown keys are refused, so a typo in a file is an error, not silently ignored data.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

import cattrs
from cattrs.preconf.json import make_converter

from .errors import Problem, RecordError
from .ids import JsonValue, canonical_json, content_id

__all__ = ["converter", "dumps", "from_json", "loads", "record_id", "to_json"]

T = TypeVar("T")

converter = make_converter(forbid_extra_keys=True)


def _describe_exception(error: BaseException, target: type | None) -> str:
    """cattrs' wording, but with the validator's own message where there is one."""
    from cattrs.v import format_exception

    if isinstance(error, (ValueError, TypeError)) and str(error) and not isinstance(error, cattrs.BaseValidationError):
        return str(error)
    return format_exception(error, target)


def to_json(record: object) -> JsonValue:
    """Turn a record (or a list/tuple/dict of records) into plain JSON values."""
    return converter.unstructure(record)


def from_json(cls: type[T], data: JsonValue) -> T:
    """Build a ``cls`` record from JSON values; raise :class:`RecordError` listing every problem."""
    try:
        return converter.structure(data, cls)
    except cattrs.BaseValidationError as error:
        messages = cattrs.transform_error(error, path=cls.__name__, format_exception=_describe_exception)
        raise RecordError(
            f"cannot read a {cls.__name__}",
            [Problem(location="", message=message) for message in messages],
        ) from error
    except (ValueError, TypeError) as error:
        raise RecordError(
            f"cannot read a {cls.__name__}", [Problem(location=cls.__name__, message=str(error))]
        ) from error


def dumps(record: object) -> str:
    """Canonical JSON text of a record: sorted keys, compact, UTF-8 safe."""
    return canonical_json(to_json(record))


def loads(cls: type[T], text: str) -> T:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise RecordError(
            f"cannot read a {cls.__name__}",
            [Problem(location=f"line {error.lineno} column {error.colno}", message=error.msg)],
        ) from error
    return from_json(cls, data)


def record_id(record: Any) -> str:
    """The content id of a record, leaving out its own ``id`` field."""
    data = to_json(record)
    if isinstance(data, dict):
        data.pop("id", None)
    return content_id(data)
