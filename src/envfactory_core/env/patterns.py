"""Strings that match a regular expression, drawn from a seeded ``random.Random``.

Two generators, tried in order by :func:`pattern_string`:

- :func:`sample_pattern` reads the simple patterns schemas use for codes (``^[A-Z]{2}$``,
  ``^[0-9]{5}(-[0-9]{4})?$``, ``^[a-z0-9-]+$``) with its own small reader. Its draws are part of the
  recorded outputs (the same seed gives the same tasks), so it stays as it is.
- rstr's ``Xeger`` walks the parsed expression with ``rstr`` for everything else (alternations,
  groups, escapes, classes such as ``\\d``); see ``docs/explanation/dependencies.md``.
"""

from __future__ import annotations

import random
import re
import string
from functools import cache
from typing import Any

__all__ = ["matches_pattern", "pattern_string", "sample_pattern"]

_CLASSES = {"d": string.digits, "w": string.ascii_letters + string.digits + "_", "s": " "}
_REPEAT_LIMIT = 8  # ``*`` and ``+`` repeat at most this often, so codes stay short
_TRIES = 20


def sample_pattern(pattern: str, rng: random.Random, *, tries: int = _TRIES) -> str | None:
    """A string matching a simple regular expression (character classes, literals, quantifiers).

    Covers the patterns schemas use for codes (``^[A-Z]{2}$``, ``^[0-9]{5}(-[0-9]{4})?$``,
    ``^[a-z0-9-]+$``); gives None for anything it cannot read, such as alternations in groups.
    """
    body = pattern.removeprefix("^").removesuffix("$")
    for _ in range(tries):
        text = _draw(body, rng)
        if text is not None and re.fullmatch(body, text):
            return text
    return None


def pattern_string(
    pattern: str, rng: random.Random, *, min_length: int = 0, max_length: int | None = None
) -> str | None:
    """A string matching ``pattern`` (searched, as JSON Schema does) within the length bounds, or None.

    The simple reader answers first (its draws are recorded); the full generator handles the rest.
    None only when the pattern does not compile or no drawn string fits the bounds.
    """
    compiled = _compiled(pattern)
    if compiled is None:
        return None
    simple = sample_pattern(pattern, rng)
    if simple is not None and _fits(simple, compiled, min_length, max_length):
        return simple
    generator = _xeger_class()(rng)
    generator.wanted = (min_length, max_length)
    for _ in range(_TRIES):
        try:
            text: str = generator.xeger(pattern)
        except (KeyError, IndexError, ValueError, re.error):  # back-references and the like
            return None
        if _fits(text, compiled, min_length, max_length):
            return text
    return None


def matches_pattern(pattern: str, text: str) -> bool:
    """Whether ``text`` matches ``pattern`` anywhere (JSON Schema's rule); False if it does not compile."""
    compiled = _compiled(pattern)
    return compiled is not None and compiled.search(text) is not None


def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:  # re keeps its own cache of compiled patterns
        return re.compile(pattern)
    except re.error:
        return None


def _fits(text: str, compiled: re.Pattern[str], low: int, high: int | None) -> bool:
    return compiled.search(text) is not None and len(text) >= low and (high is None or len(text) <= high)


@cache
def _xeger_class() -> type[Any]:
    """rstr's generator with two changes: repeats kept short and within the length bounds, and stable
    negated classes.

    rstr draws a negated class (``[^,]``) from a ``set``, whose order depends on the hash seed of
    the process; sorting it makes the same seed give the same string in every process. Imported on
    first use: most schemas never need more than the simple reader.
    """
    from rstr.xeger import Xeger

    class StableXeger(Xeger):
        wanted: tuple[int, int | None] = (0, None)  # the length bounds a repeat should aim for

        def _handle_repeat(self, start_range: int, end_range: int, value: Any) -> str:
            low_length, high_length = self.wanted
            high = min(end_range, max(start_range + _REPEAT_LIMIT, low_length))
            if high_length is not None:
                high = min(high, max(start_range, high_length))
            low = max(start_range, min(high, low_length))
            times = self._random.randint(low, high)
            return "".join("".join(self._handle_state(state) for state in value) for _ in range(times))

        def _handle_in(self, value: Any) -> Any:
            candidates = [char for state in value for char in self._handle_state(state)]
            if candidates and candidates[0] is False:
                excluded = set(candidates[1:])
                candidates = [char for char in string.printable if char not in excluded]
            return self._random.choice(candidates)

    return StableXeger


def _draw(body: str, rng: random.Random) -> str | None:
    out: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "[":
            end = body.find("]", index)
            if end < 0:
                return None
            alphabet = _class(body[index + 1 : end])
            index = end + 1
        elif char == "\\" and index + 1 < len(body):
            alphabet = _CLASSES.get(body[index + 1], body[index + 1])
            index += 2
        elif char == "(":
            end = body.find(")", index)
            if end < 0 or "|" in body[index:end]:
                return None
            inner = _draw(body[index + 1 : end], rng)
            if inner is None:
                return None
            alphabet = ""
            index = end + 1
            low, high, index = _quantifier(body, index)
            if low == 0 and high == 1 and rng.random() < 0.5:
                continue
            out.append(inner * max(low, 1))
            continue
        elif char in ".*+?{|)":
            return None
        else:
            alphabet = char
            index += 1
        low, high, index = _quantifier(body, index)
        count = rng.randint(low, high)
        out.extend(rng.choice(alphabet) for _ in range(count))
    return "".join(out)


def _class(spec: str) -> str:
    chars: list[str] = []
    index = 0
    while index < len(spec):
        if spec[index] == "\\" and index + 1 < len(spec):
            chars.extend(_CLASSES.get(spec[index + 1], spec[index + 1]))
            index += 2
        elif index + 2 < len(spec) and spec[index + 1] == "-":
            chars.extend(chr(code) for code in range(ord(spec[index]), ord(spec[index + 2]) + 1))
            index += 3
        else:
            chars.append(spec[index])
            index += 1
    return "".join(chars) or "x"


def _quantifier(body: str, index: int) -> tuple[int, int, int]:
    if index < len(body):
        mark = body[index]
        if mark == "{":
            end = body.find("}", index)
            low_text, _, high_text = body[index + 1 : end].partition(",")
            low = int(low_text or 0)
            high = int(high_text) if high_text else (low if "," not in body[index:end] else low + 4)
            return low, high, end + 1
        if mark == "+":
            return 1, 6, index + 1
        if mark == "*":
            return 0, 5, index + 1
        if mark == "?":
            return 0, 1, index + 1
    return 1, 1, index
