"""The calculate tool's arithmetic: the values Python gives, without ever running code."""

from __future__ import annotations

import pytest
from envfactory_taubench.calculator import CalculationError, evaluate
from hypothesis import given, settings
from hypothesis import strategies as st


def expressions():
    numbers = st.integers(0, 10_000).map(str) | st.decimals(0, 1000, places=2).map(str)
    return st.recursive(
        numbers,
        lambda inner: (
            st.builds(lambda a, op, b: f"({a} {op} {b})", inner, st.sampled_from("+-*"), inner)
            | st.builds(lambda a: f"-{a}", inner)
        ),
        max_leaves=8,
    )


@given(expressions())
@settings(max_examples=200)
def test_evaluate_agrees_with_python_arithmetic(expression):
    assert evaluate(expression) == round(float(eval(expression, {"__builtins__": {}}, {})), 2)


@given(st.text(alphabet="0123456789+-*/(). ", max_size=30))
@settings(max_examples=300)
def test_any_text_of_the_allowed_characters_gives_a_number_or_a_calculation_error(text):
    try:
        value = evaluate(text)
    except CalculationError:
        return
    assert isinstance(value, float)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("__import__('os').system('true')", "invalid characters"),
        ("2 ** 3", "only numbers"),
        ("1 / 0", "division by zero"),
        ("(1 + ", "invalid syntax"),
        ("1" + "0" * 400 + " * 1.0", "too large"),
    ],
)
def test_refusals(expression, message):
    with pytest.raises(CalculationError, match=message):
        evaluate(expression)


def test_rounding_to_cents():
    assert evaluate("10 / 3") == 3.33
    assert evaluate("152 + 103") == 255.0
