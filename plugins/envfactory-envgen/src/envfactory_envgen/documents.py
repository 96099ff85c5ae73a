"""Reading JSON and YAML source documents, with line numbers for every error.

Parsing uses the fast C loader when PyYAML has one. Locations inside a parsed document (a JSON
pointer such as ``paths./pets.get``) are mapped back to lines only when an error needs them, by
composing the YAML node tree once; JSON is read the same way (it is YAML for this purpose).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from .errors import SourceError, located, source_error

__all__ = ["Document", "parse_document", "read_source_text"]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Pointer = tuple[str | int, ...]


def read_source_text(path: str | Path, *, what: str = "document") -> str:
    """The text of ``path``; a :class:`SourceError` when it is missing, unreadable, not UTF-8 or empty."""
    name = str(path)
    file = Path(path)
    if not file.exists():
        raise source_error(name, "no such file", fix="check the path")
    if file.is_dir():
        raise source_error(name, f"is a folder, not a {what} file", fix="give the file inside it")
    try:
        raw = file.read_bytes()
    except OSError as error:
        raise source_error(name, f"cannot be read: {error.strerror or error}") from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise source_error(
            name, f"is not UTF-8 text (byte {error.start})", line=line, fix="save it as UTF-8"
        ) from error
    if not text.strip():
        raise source_error(name, f"the {what} is empty", line=1, column=1, fix=f"give a non-empty {what}")
    return text


class Document:
    """A parsed JSON or YAML document and the file it came from."""

    def __init__(self, path: str, text: str, data: Any, syntax: str) -> None:
        self.path = path
        self.text = text
        self.data = data
        self.syntax = syntax
        self._marks: dict[Pointer, tuple[int, int]] | None = None

    def _positions(self) -> dict[Pointer, tuple[int, int]]:
        if self._marks is None:
            marks: dict[Pointer, tuple[int, int]] = {}
            try:
                root = yaml.compose(self.text, Loader=_Loader)
            except yaml.YAMLError:
                root = None
            if root is not None:
                _walk(root, (), marks)
            self._marks = marks
        return self._marks

    def position(self, pointer: Sequence[str | int]) -> tuple[int | None, int | None]:
        """1-based ``(line, column)`` of the node at ``pointer`` (or its nearest ancestor)."""
        marks = self._positions()
        key = tuple(pointer)
        while key:
            if key in marks:
                return marks[key]
            key = key[:-1]
        return marks.get((), (None, None)) if marks else (None, None)

    def where(self, pointer: Sequence[str | int]) -> str:
        """``file:line:column (pointer)`` for a location inside the document."""
        line, column = self.position(pointer)
        return located(self.path, line=line, column=column, pointer=pointer)

    def error(self, pointer: Sequence[str | int], message: str, *, fix: str = "") -> SourceError:
        line, column = self.position(pointer)
        return source_error(self.path, message, fix=fix, line=line, column=column, pointer=pointer)


def _walk(node: yaml.Node, pointer: Pointer, marks: dict[Pointer, tuple[int, int]], *, here: bool = True) -> None:
    """Map every pointer below ``node`` to a position; a mapping key's position stands for its value."""
    if here:
        marks[pointer] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(key.start_mark)
            child = (*pointer, str(name))
            marks[child] = (key.start_mark.line + 1, key.start_mark.column + 1)
            _walk(value, child, marks, here=False)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*pointer, index), marks)


def _looks_like_json(path: str, text: str) -> bool:
    return path.lower().endswith(".json") or text.lstrip().startswith(("{", "["))


def parse_document(path: str | Path, text: str | None = None, *, what: str = "document") -> Document:
    """Parse a JSON or YAML file; a :class:`SourceError` names the line and column of a syntax error."""
    name = str(path)
    if text is None:
        text = read_source_text(path, what=what)
    elif not text.strip():
        raise source_error(name, f"the {what} is empty", line=1, column=1, fix=f"give a non-empty {what}")
    if _looks_like_json(name, text):
        try:
            return Document(name, text, json.loads(text, parse_constant=_no_constant), "json")
        except _NotJson as error:
            line = text.count("\n", 0, max(0, text.find(error.token))) + 1
            raise source_error(
                name,
                f"not valid JSON: {error.token} is not a JSON number",
                line=line,
                fix=f"write {error.token} as null or a string (JSON has no NaN or Infinity)",
            ) from error
        except json.JSONDecodeError as error:
            if name.lower().endswith(".json"):
                raise source_error(
                    name,
                    f"not valid JSON: {error.msg}",
                    line=error.lineno,
                    column=error.colno,
                    fix="fix the JSON syntax",
                ) from error
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or "syntax error"
        context = f" ({error.context})" if error.context else ""
        raise source_error(
            name,
            f"not valid YAML: {problem}{context}",
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
            fix="fix the YAML syntax (indentation, quotes, colons)",
        ) from error
    except yaml.YAMLError as error:
        raise source_error(name, f"not valid YAML: {error}") from error
    if data is None:
        raise source_error(name, f"the {what} is empty (only comments or blank lines)", line=1, column=1)
    budget = [MAX_NODES]
    try:
        if _expanded_size(data, {}) > MAX_NODES:
            raise _TooLarge
        plain = _plain(data, budget)
    except _TooLarge:
        raise source_error(
            name,
            f"expands to more than {MAX_NODES:,} values (YAML aliases repeated inside each other)",
            fix="write the repeated parts out, or use fewer nested aliases",
        ) from None
    return Document(name, text, plain, "yaml")


MAX_NODES = 3_000_000
"""The most values a YAML document may expand to: aliases let a few lines name billions (a bomb)."""


class _TooLarge(ValueError):
    pass


class _NotJson(ValueError):
    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.token = token


def _expanded_size(value: Any, sizes: dict[int, int]) -> int:
    """How many values ``value`` holds once its aliases are written out, each shared part counted once.

    The loader shares one object per alias, so this is linear in the document as written, however
    far its aliases would expand.
    """
    if not isinstance(value, (dict, list)):
        return 1
    known = sizes.get(id(value))
    if known is not None:
        return known
    sizes[id(value)] = 1  # a cycle (an alias inside itself) counts once
    items = value.values() if isinstance(value, dict) else value
    total = 1
    for item in items:
        total += _expanded_size(item, sizes)
        if total > MAX_NODES:
            break
    sizes[id(value)] = total
    return total


def _no_constant(token: str) -> Any:
    """``NaN``, ``Infinity``: Python's JSON reader takes them, JSON does not."""
    raise _NotJson(token)


def _plain(value: Any, budget: list[int]) -> Any:
    """YAML gives dates and non-string keys; documents are JSON, so make them JSON values.

    ``budget`` counts the values made (aliases are expanded), so an alias bomb stops early.
    """
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooLarge
    if isinstance(value, dict):
        return {str(key): _plain(item, budget) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item, budget) for item in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        if isinstance(value, float) and math.isnan(value):
            return None
        return value
    return str(value) if not hasattr(value, "isoformat") else value.isoformat()
