"""The helpers every backend plugin shares: reading a raw body, HTTP statuses, missing keys."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from envfactory_core.llm import LLMAuthenticationError, LLMRateLimitError, LLMResponseError, LLMServerError
from envfactory_core.llm.backend import error_for_status, json_object_body, missing_api_key, retry_after_seconds
from envfactory_core.llm.config import EndpointConfig

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)


@given(st.dictionaries(st.text(max_size=8), json_values, max_size=4))
def test_a_json_object_body_reads_back_as_itself(body: dict[str, object]) -> None:
    assert json_object_body(json.dumps(body), backend="stub") == body


def test_a_body_that_is_not_json_names_the_place_and_quotes_its_start() -> None:
    with pytest.raises(LLMResponseError) as caught:
        json_object_body('{"choices": [\n<html>', backend="stub")
    message = str(caught.value)
    assert "not valid JSON" in message
    assert "line 2 column 1" in message
    assert "'{\"choices\": [ <html>'" in message  # newlines flattened so the quote stays on one line
    assert caught.value.backend == "stub"


@pytest.mark.parametrize("text", ["[1, 2]", '"ok"', "null", "3"])
def test_json_that_is_not_an_object_is_refused(text: str) -> None:
    with pytest.raises(LLMResponseError, match="JSON but not an object"):
        json_object_body(text, backend="stub")


def test_a_missing_key_says_which_variable_and_which_table_to_set() -> None:
    error = missing_api_key(EndpointConfig(name="deepseek", kind="openai"))
    assert isinstance(error, LLMAuthenticationError)
    assert "DEEPSEEK_API_KEY" in str(error)
    assert "[backends.deepseek]" in str(error)


def test_statuses_map_to_the_errors_the_client_retries_or_not() -> None:
    limited = error_for_status(429, "slow down", backend="stub", retry_after=2.0)
    assert isinstance(limited, LLMRateLimitError)
    assert limited.retry_after == 2.0
    assert isinstance(error_for_status(503, "busy", backend="stub"), LLMServerError)
    assert isinstance(error_for_status(401, "who", backend="stub"), LLMAuthenticationError)
    assert retry_after_seconds({"retry-after": "3"}) == 3.0
