"""What tokens cost: a price table users extend.

Prices are US dollars per million tokens. The built-in table holds providers' published list
prices for common models at the time of this release; prices change, so a configuration file
(``[prices]``) or :meth:`PriceTable.with_prices` overrides any entry. Keys are full model ids or
shell-style patterns (``anthropic/claude-sonnet-4*``); the most specific match wins, and a dated
snapshot (``gpt-4.1-mini-2025-04-14``) falls back to its undated name. A model with no price
costs nothing in the accounting and is reported as *unpriced*, never guessed.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping

import attrs

from .records import Usage

__all__ = ["DEFAULT_PRICES", "Price", "PriceTable"]

_MILLION = 1_000_000
_DATE_SUFFIX = re.compile(r"-(\d{4}-\d{2}-\d{2}|\d{8})$")


def _non_negative(instance: object, attribute: attrs.Attribute[float], value: float | None) -> None:
    if value is not None and value < 0:
        raise ValueError(f"Price.{attribute.name} must be >= 0 dollars per million tokens, got {value!r}")


@attrs.frozen(kw_only=True)
class Price:
    """Dollars per million tokens. ``cached_input`` defaults to ``input`` when the provider has no discount."""

    input: float = attrs.field(converter=float, validator=_non_negative)
    output: float = attrs.field(converter=float, validator=_non_negative)
    cached_input: float | None = attrs.field(
        default=None, converter=attrs.converters.optional(float), validator=_non_negative
    )

    def cost(self, usage: Usage) -> float:
        cached = min(usage.cached_input_tokens, usage.input_tokens)
        cached_rate = self.input if self.cached_input is None else self.cached_input
        return (
            (usage.input_tokens - cached) * self.input + cached * cached_rate + usage.output_tokens * self.output
        ) / _MILLION


def _p(input: float, output: float, cached_input: float | None = None) -> Price:
    return Price(input=input, output=output, cached_input=cached_input)


DEFAULT_PRICES: Mapping[str, Price] = {
    "openai/gpt-5": _p(1.25, 10.0, 0.125),
    "openai/gpt-5-mini": _p(0.25, 2.0, 0.025),
    "openai/gpt-5-nano": _p(0.05, 0.40, 0.005),
    "openai/gpt-4.1": _p(2.0, 8.0, 0.50),
    "openai/gpt-4.1-mini": _p(0.40, 1.60, 0.10),
    "openai/gpt-4.1-nano": _p(0.10, 0.40, 0.025),
    "openai/gpt-4o": _p(2.50, 10.0, 1.25),
    "openai/gpt-4o-mini": _p(0.15, 0.60, 0.075),
    "openai/o3": _p(2.0, 8.0, 0.50),
    "openai/o4-mini": _p(1.10, 4.40, 0.275),
    "openai/text-embedding-3-small": _p(0.02, 0.0),
    "openai/text-embedding-3-large": _p(0.13, 0.0),
    "anthropic/claude-opus-4*": _p(15.0, 75.0, 1.50),
    "anthropic/claude-opus-4-5*": _p(5.0, 25.0, 0.50),
    "anthropic/claude-sonnet-4*": _p(3.0, 15.0, 0.30),
    "anthropic/claude-3-7-sonnet*": _p(3.0, 15.0, 0.30),
    "anthropic/claude-haiku-4*": _p(1.0, 5.0, 0.10),
    "anthropic/claude-3-5-haiku*": _p(0.80, 4.0, 0.08),
    # The scripted fake backend has a price so tests can see cost accounting work.
    "fake/*": _p(1.0, 2.0, 0.5),
}
"""List prices (USD per million tokens) as published by the providers; override what changed."""


def _specificity(pattern: str) -> tuple[int, int]:
    literal = sum(1 for char in pattern if char not in "*?[]")
    return (literal, -pattern.count("*"))


class PriceTable:
    """Prices by model id or pattern; later additions win over earlier ones of equal specificity."""

    def __init__(self, prices: Mapping[str, Price] | None = None) -> None:
        self._prices: dict[str, Price] = dict(DEFAULT_PRICES if prices is None else prices)
        self._found: dict[tuple[str, tuple[str, ...]], Price | None] = {}

    def with_prices(self, prices: Mapping[str, Price]) -> PriceTable:
        """A new table with ``prices`` added (replacing entries with the same key)."""
        merged = dict(self._prices)
        merged.update(prices)
        return PriceTable(merged)

    def items(self) -> Iterable[tuple[str, Price]]:
        return self._prices.items()

    def _match(self, model_id: str) -> Price | None:
        if model_id in self._prices:
            return self._prices[model_id]
        patterns = [key for key in self._prices if any(c in key for c in "*?[") and fnmatch.fnmatchcase(model_id, key)]
        if not patterns:
            return None
        best = max(patterns, key=_specificity)
        return self._prices[best]

    def lookup(self, model_id: str, *, aliases: Iterable[str] = ()) -> Price | None:
        """The price of ``model_id``, trying ``aliases`` (e.g. ``openai/NAME`` for an endpoint of kind openai) next."""
        key = (model_id, tuple(aliases))
        if key not in self._found:
            self._found[key] = self._search(key[0], key[1])
        return self._found[key]

    def _search(self, model_id: str, aliases: tuple[str, ...]) -> Price | None:
        for candidate in (model_id, *aliases):
            for name in (candidate, _DATE_SUFFIX.sub("", candidate)):
                price = self._match(name)
                if price is not None:
                    return price
        return None

    def cost(self, model_id: str, usage: Usage, *, aliases: Iterable[str] = ()) -> tuple[float, bool]:
        """``(dollars, priced)``: the cost of ``usage``, and whether the model had a price at all."""
        price = self.lookup(model_id, aliases=aliases)
        if price is None:
            return 0.0, False
        return price.cost(usage), True
