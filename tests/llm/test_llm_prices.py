"""The price table: exact ids, patterns, dated snapshots, user overrides, unpriced models."""

from __future__ import annotations

import pytest

from envfactory_core.llm import Price, PriceTable, Usage

MILLION = Usage(input_tokens=1_000_000, output_tokens=1_000_000)


def test_cached_input_tokens_cost_the_cached_rate() -> None:
    price = Price(input=2.0, output=8.0, cached_input=0.5)
    usage = Usage(input_tokens=1_000_000, output_tokens=500_000, cached_input_tokens=400_000)
    assert price.cost(usage) == pytest.approx(0.6 * 2.0 + 0.4 * 0.5 + 0.5 * 8.0)
    assert Price(input=1, output=1).cost(usage) == pytest.approx(1.5)


def test_lookup_by_id_pattern_and_dated_snapshot() -> None:
    table = PriceTable()
    assert table.cost("openai/gpt-4.1-mini", MILLION) == (pytest.approx(2.0), True)
    assert table.cost("openai/gpt-4.1-mini-2025-04-14", MILLION) == (pytest.approx(2.0), True)
    assert table.cost("anthropic/claude-sonnet-4-5-20250929", MILLION) == (pytest.approx(18.0), True)
    assert table.cost("anthropic/claude-opus-4-5", MILLION) == (pytest.approx(30.0), True), "most specific pattern wins"
    assert table.cost("anthropic/claude-opus-4-1", MILLION) == (pytest.approx(90.0), True)


def test_aliases_price_a_named_endpoint_of_a_known_kind() -> None:
    assert PriceTable().cost("azure/gpt-4.1-mini", MILLION, aliases=["openai/gpt-4.1-mini"]) == (
        pytest.approx(2.0),
        True,
    )


def test_unknown_models_are_unpriced_not_guessed() -> None:
    assert PriceTable().cost("vllm/Qwen3-8B", MILLION) == (0.0, False)


def test_users_extend_and_override_the_table() -> None:
    table = PriceTable().with_prices(
        {"openai/gpt-4.1-mini": Price(input=1, output=1), "vllm/*": Price(input=0, output=0)}
    )
    assert table.cost("openai/gpt-4.1-mini", MILLION) == (pytest.approx(2.0), True)
    assert table.cost("vllm/Qwen3-8B", MILLION) == (0.0, True)
    assert PriceTable().cost("openai/gpt-4.1-mini", MILLION)[0] == pytest.approx(2.0), "the original is unchanged"


def test_negative_prices_are_refused() -> None:
    with pytest.raises(ValueError, match="must be >= 0 dollars per million tokens"):
        Price(input=-1, output=0)
