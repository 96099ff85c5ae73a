"""Words in names: the singular of a word and ``snake_case`` from any API name.

One place for the rules, so the tool graph's name keys and everything else that reads names agree.
Both are pure and deterministic: the same text gives the same word in every process.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["singular", "snake"]

_INVARIANT = frozenset(
    {"status", "address", "class", "access", "process", "business", "analysis", "bus", "news", "series", "ss"}
)
_CAMEL_1 = re.compile(r"([A-Z]+)([A-Z][a-z])")
_CAMEL_2 = re.compile(r"([a-z0-9])([A-Z])")
_NON_WORD = re.compile(r"[^A-Za-z0-9]+")


@lru_cache(maxsize=65536)
def singular(word: str) -> str:
    """A crude English singular of one lower-case word: enough to make ``order_ids`` and ``order_id`` meet.

    ``ids`` → ``id``, ``categories`` → ``category``, ``boxes`` → ``box``, ``tags`` → ``tag``; words of
    three letters or fewer, and words such as ``status`` or ``address``, stay as they are.
    """
    if word == "ids":
        return "id"
    if len(word) <= 3 or word in _INVARIANT or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "zes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def snake(name: str) -> str:
    """``balanceAccountId`` → ``balance_account_id``; ``If-Match`` → ``if_match``; ``HTTPServer`` → ``http_server``."""
    text = _CAMEL_1.sub(r"\1_\2", name)
    text = _CAMEL_2.sub(r"\1_\2", text)
    text = _NON_WORD.sub("_", text).strip("_").lower()
    return re.sub(r"_+", "_", text)
