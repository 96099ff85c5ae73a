"""Reading structured answers: any JSON inside a tag comes back unchanged, anything else is an
OutputProblem written for the model, never a crash."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from envfactory_core.llm import ChatResponse
from envfactory_core.synthesis import Exchange, OutputProblem, answer_mentions
from envfactory_core.synthesis.exchange import AttemptsExhausted
from envfactory_core.synthesis.parsing import json_in, tagged

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
PROSE = st.text(alphabet=st.characters(blacklist_characters="<>`"), max_size=60)


@settings(max_examples=80, deadline=None)
@given(value=JSON, before=PROSE, after=PROSE, fenced=st.booleans())
def test_any_json_inside_the_tag_round_trips(value: Any, before: str, after: str, fenced: bool) -> None:
    body = json.dumps(value)
    if fenced:
        body = f"```json\n{body}\n```"
    assert json_in(f"{before}<state>{body}</state>{after}", "state") == value


@settings(max_examples=80, deadline=None)
@given(text=st.text(max_size=120))
def test_arbitrary_text_gives_a_value_or_an_output_problem(text: str) -> None:
    problems: list[str] = []
    for call in (lambda: tagged(text, "query"), lambda: json_in(text, "labels"), lambda: json_in(text)):
        try:
            call()
        except OutputProblem as problem:
            problems.append(str(problem))
    assert all(problems)  # every problem says something the model can act on


def test_the_last_block_wins_and_reasoning_is_ignored() -> None:
    text = "<think>maybe <query>draft</query></think>Here: <query>first</query> no, <query> final </query>"
    assert tagged(text, "query") == "final"
    assert tagged("<query>half", "query") == "half"  # a close tag never written: the rest is the answer
    with pytest.raises(OutputProblem, match="no <query>"):
        tagged("half", "query")
    with pytest.raises(OutputProblem, match="is empty"):
        tagged("<query> </query>", "query")


def test_an_exchange_stops_after_max_attempts_and_lists_every_problem() -> None:
    def parse(response: ChatResponse) -> str:
        return tagged(response.text, "query")

    exchange: Exchange[str] = Exchange(
        model="fake/x", system="s", user="u", parse=parse, stage="write", what="request", max_attempts=2
    )
    done, _ = exchange.take(ChatResponse(model="fake/x", text="nothing"))
    assert not done
    assert len(exchange.history) == 4
    assert "no <query>" in exchange.history[-1].content
    with pytest.raises(AttemptsExhausted) as exhausted:
        exchange.take(ChatResponse(model="fake/x", text="<query>cut", finish_reason="length"))
    assert exhausted.value.problems[1].startswith("your answer was cut off")
    assert "no usable answer in 2 attempts" in str(exhausted.value)


@settings(max_examples=60, deadline=None)
@given(amount=st.floats(min_value=0.01, max_value=99999, allow_nan=False).map(lambda x: round(x, 2)))
def test_answers_mention_numbers_in_the_ways_people_write_them(amount: float) -> None:
    fact = str(amount)
    assert answer_mentions(f"The total is {amount:,.2f} dollars.", [fact]) == []
    assert answer_mentions("The total is unknown.", [fact]) == [fact]
