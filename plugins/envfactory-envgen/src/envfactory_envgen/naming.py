"""Names: API names (``FriendlyName``, ``If-Match``, ``balanceAccounts``) to Python identifiers.

Tools, arguments, tables and columns must be identifiers (a letter, then letters, digits or ``_``,
at most 64 characters) so every trainer and protocol accepts them; these helpers make one from any
API name deterministically and keep the words readable (``snake_case``).
"""

from __future__ import annotations

import keyword

from envfactory_core.naming import singular_name, snake

__all__ = ["environment_name", "identifier", "plural", "unique"]

MAX_LENGTH = 64


def identifier(name: str, *, fallback: str = "value", max_length: int = MAX_LENGTH) -> str:
    """A valid snake_case identifier for ``name`` (a letter first, at most ``max_length`` characters)."""
    text = snake(name)
    if not text or not text[0].isalpha():
        text = f"{fallback}_{text}" if text else fallback
    if keyword.iskeyword(text):
        text += "_"
    if len(text) > max_length:
        text = text[:max_length].rstrip("_")
    return text


def plural(word: str) -> str:
    """``pet`` → ``pets``, ``policy`` → ``policies``, ``address`` → ``addresses``; plurals stay."""
    if singular_name(word) != word:
        return word
    lower = word.lower()
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        return word[:-1] + "ies"
    if lower.endswith(("s", "x", "ch", "sh", "z")):
        return word + "es"
    return word + "s"


def unique(name: str, taken: set[str], *, max_length: int = MAX_LENGTH) -> str:
    """``name``, or ``name_2``, ``name_3``... whichever is not in ``taken``; adds the result to ``taken``."""
    candidate = name[:max_length]
    number = 2
    while candidate in taken:
        suffix = f"_{number}"
        candidate = name[: max_length - len(suffix)] + suffix
        number += 1
    taken.add(candidate)
    return candidate


def environment_name(source: str) -> str:
    """An environment name from a file name: ``harbor-v2.0.swagger.yaml`` → ``harbor_v2_0_swagger``."""
    from pathlib import Path

    stem = Path(source).name
    for suffix in (".yaml", ".yml", ".json", ".py"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    return identifier(stem, fallback="api")
