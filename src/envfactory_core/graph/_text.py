"""Words from identifiers and descriptions, for name keys and lexical similarity.

Everything here is pure and deterministic: the same text gives the same tokens in every process.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..naming import singular

__all__ = ["STOPWORDS", "name_tokens", "split_identifier", "text_tokens"]

_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_WORD = re.compile(r"[A-Za-z]+|\d+")

# fmt: off
STOPWORDS = frozenset(
    [
        "a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "has", "have", "if", "in",
        "into", "is", "it", "its", "of", "on", "or", "that", "the", "their", "then", "this", "to", "was",
        "were", "which", "will", "with", "without", "you", "your", "when", "where", "who", "whom", "whose",
        "one", "any", "all", "each", "may", "must", "should", "given", "use", "used", "uses", "using",
        "returns", "return", "returned"
    ]
)
# fmt: on
"""Words too common in tool documentation to say anything about a parameter."""


@lru_cache(maxsize=65536)
def split_identifier(name: str) -> tuple[str, ...]:
    """``orderId``, ``order_id`` and ``Order-ID`` all give ``("order", "id")``."""
    tokens: list[str] = []
    for chunk in re.split(r"[^A-Za-z0-9]+", name):
        tokens.extend(part.lower() for part in _CAMEL.findall(chunk))
    return tuple(tokens)


def name_tokens(name: str) -> tuple[str, ...]:
    """Identifier tokens, each made singular."""
    return tuple(singular(token) for token in split_identifier(name))


def text_tokens(text: str) -> list[str]:
    """Content words of a description: split, lower-cased, singular, without stopwords."""
    tokens: list[str] = []
    for word in _WORD.findall(text):
        for part in _CAMEL.findall(word) if not word.isdigit() else (word,):
            lowered = part.lower()
            if len(lowered) > 1 and lowered not in STOPWORDS:
                tokens.append(singular(lowered))
    return tokens
