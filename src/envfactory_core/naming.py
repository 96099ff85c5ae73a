"""Words in names: the singular of a word and ``snake_case`` from any API name.

One place for the rules, so the tool graph's name keys, the generated tables and the value engine agree.
All are pure and deterministic: the same text gives the same word in every process. The singular comes in
three strengths because their callers key stored data by it and must keep their words:

- ``singular``: one lower-case word, careful with short words (the tool graph's name keys);
- ``singular_name``: the last word of a ``snake_case`` name, with irregular words and ``-ves`` (tables);
- ``strip_plural``: only ``-ies`` and ``-s`` (the value engine's column look-up).
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["singular", "singular_name", "snake", "strip_plural"]

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


_IRREGULAR = {
    "people": "person",
    "children": "child",
    "data": "data",
    "media": "media",
    "status": "status",
    "metadata": "metadata",
    "series": "series",
    "news": "news",
    "settings": "setting",
}


def singular_name(name: str) -> str:
    """The last word of ``name`` made singular: ``shelves`` → ``shelf``, ``user_policies`` → ``user_policy``.

    Knows irregular words (``people`` → ``person``, ``data`` stays), ``-ves`` and ``-sses``
    (``addresses`` → ``address``), and keeps the case of the word it cuts.
    """
    head, _, last = name.rpartition("_")
    prefix = f"{head}_" if head else ""
    lower = last.lower()
    if lower in _IRREGULAR:
        return prefix + _IRREGULAR[lower]
    if lower.endswith("ies") and len(lower) > 3:
        return prefix + last[:-3] + "y"
    if lower.endswith("ves") and len(lower) > 3:
        return prefix + last[:-3] + "f"
    if lower.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return prefix + last[:-2]
    if lower.endswith("s") and not lower.endswith(("ss", "us", "is")):
        return prefix + last[:-1]
    return name


def strip_plural(name: str) -> str:
    """``expense_ids`` → ``expense_id``, ``categories`` → ``category``, ``status`` → ``statu``: no exceptions.

    The cheapest rule, for looking a list's column up by name where a wrong guess only misses.
    """
    if name.endswith("ies"):
        return name[:-3] + "y"
    return name[:-1] if name.endswith("s") else name


def snake(name: str, *, split_acronyms: bool = True) -> str:
    """``balanceAccountId`` → ``balance_account_id``; ``If-Match`` → ``if_match``; ``HTTPServer`` → ``http_server``.

    With ``split_acronyms=False`` a run of capitals stays one word with the next: ``HTTPServer`` →
    ``httpserver`` (the name hints of the value engine were written against that rule).
    """
    text = _CAMEL_1.sub(r"\1_\2", name) if split_acronyms else name
    text = _CAMEL_2.sub(r"\1_\2", text)
    text = _NON_WORD.sub("_", text).strip("_").lower()
    return re.sub(r"_+", "_", text)
