"""Answers in the shapes real models write are read, then checked strictly; re-asks change the request.

Each shape below is one a 1.5B model behind llama.cpp's server wrote when asked for a tagged
answer: bare JSON, a fenced block with or without the tag, a close tag never written, JSON inside
prose, almost-JSON, ``<edge …/>`` elements. A text with no answer at all is a format problem;
an answer that is read but wrong is a content problem, counted apart.
"""

from __future__ import annotations

from typing import Any

import pytest

from envfactory_core.cli.run import shortfall
from envfactory_core.llm import ChatRequest, ChatResponse
from envfactory_core.models import Message
from envfactory_core.pipeline.runner import RunOutcome
from envfactory_core.synthesis import Exchange, tally
from envfactory_core.synthesis.agent import LLMAgent, shortened
from envfactory_core.synthesis.exchange import excerpt
from envfactory_core.synthesis.parsing import FormatProblem, OutputProblem, elements_in, json_in, tagged

LABELS = {"0": True, "1": False}


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        ('{"0": true, "1": false}', "bare JSON without <labels>"),
        ('```json\n{"0": true, "1": false}\n```', "fenced JSON without <labels>"),
        ('Here you go:\n```\n{"0": true, "1": false}\n```\nHope it helps.', "fenced JSON without <labels>"),
        ('```labels\n{"0": true, "1": false}\n```', "fenced JSON without <labels>"),
        ('<labels>\n{"0": true, "1": false}', "<labels> not closed"),
        ('<labels>\n```json\n{"0": true, "1": false}\n```', "<labels> not closed"),
        ('The labels are {"0": true, "1": false} as asked.', "JSON inside prose"),
        ("<labels>{'0': true, '1': false,}</labels>", "repaired JSON"),
        ('{"labels": {"0": true, "1": false}}', "JSON wrapped in {'labels': …}"),
    ],
)
def test_json_answers_in_other_shapes_are_read_and_the_shape_is_counted(text: str, shape: str) -> None:
    tally.reset()
    with tally.using_stage("label"):
        assert json_in(text, "labels") == LABELS
    assert any(shape in key for key in tally.snapshot()["shapes"]), tally.snapshot()["shapes"]


def test_no_json_at_all_is_a_format_problem_and_bad_json_names_its_position() -> None:
    with pytest.raises(FormatProblem, match="no <labels>"):
        json_in("I think the first one is user-providable.", "labels")
    with pytest.raises(FormatProblem, match="line 1 column 2"):
        json_in("<labels>{not json}</labels>", "labels")


@pytest.mark.parametrize(
    "text",
    [
        "<query>Book the 9:10 to Leeds",  # the close tag never written
        "<query>Book the 9:10 to Leeds</query",  # cut off inside the close tag
        "```query\nBook the 9:10 to Leeds\n```",
        "<query>\n```\nBook the 9:10 to Leeds\n```\n</query>",
    ],
)
def test_tagged_text_in_other_shapes(text: str) -> None:
    assert tagged(text, "query") == "Book the 9:10 to Leeds"


def test_an_unclosed_tag_stops_at_the_next_part_of_the_answer() -> None:
    text = "<query>Book the 9:10 to Leeds\n<user_intent>Get to the meeting</user_intent>"
    assert tagged(text, "query") == "Book the 9:10 to Leeds"
    assert tagged(text, "user_intent") == "Get to the meeting"


def test_a_one_part_answer_may_come_bare_or_fenced_when_the_component_allows_it() -> None:
    assert tagged("Maya is a librarian in Leeds.", "story", whole=True) == "Maya is a librarian in Leeds."
    assert tagged("```\nMaya is a librarian.\n```", "story", whole=True) == "Maya is a librarian."
    with pytest.raises(FormatProblem):
        tagged("Maya is a librarian in Leeds.", "story")


def test_edge_elements_are_read_as_records() -> None:
    text = '<edges>\n  <edge from="search" to="book" output=station_id input=\'station\' reason="x"/>\n</edges>'
    assert elements_in(text, "edge") == [
        {"from": "search", "to": "book", "output": "station_id", "input": "station", "reason": "x"}
    ]


def _exchange(parse: Any, **options: Any) -> Exchange[Any]:
    return Exchange(
        model="fake/m", system="sys", user="ask", parse=parse, stage="story", what="x", max_attempts=3, **options
    )


def test_a_reask_states_the_problem_raises_the_temperature_moves_the_seed_and_resends_only_an_excerpt() -> None:
    tally.reset()
    exchange = _exchange(lambda response: tagged(response.text, "story"), temperature=0.0)
    long_answer = "<tale>" + "word " * 400
    assert exchange.take(ChatResponse(model="fake/m", text=long_answer)) == (False, None)
    first = exchange.request()
    assert first.temperature == pytest.approx(0.3)
    assert first.seed == 1
    assert [m.role for m in first.messages] == ["system", "user", "assistant", "user"]
    assert len(first.messages[2].content) < 600 < len(long_answer), "the failed answer is not sent back whole"
    assert "more characters of this answer left out" in first.messages[2].content
    assert "no <story>" in first.messages[3].content
    assert exchange.take(ChatResponse(model="fake/m", text="<tale>again</tale>")) == (False, None)
    second = exchange.request()
    assert second.temperature == pytest.approx(0.6)
    assert second.seed == 2
    assert len(second.messages) == 4, "only the latest failed answer is in the history"
    assert second.messages[2].content == "<tale>again</tale>"
    assert tally.snapshot()["rejected"] == {"story": 2}


def test_content_problems_are_counted_apart_from_format_problems() -> None:
    tally.reset()

    def parse(response: ChatResponse) -> str:
        story = tagged(response.text, "story")
        if len(story) < 10:
            raise OutputProblem("the story is too short")
        return story

    exchange = _exchange(parse)
    exchange.take(ChatResponse(model="fake/m", text="nothing useful"))
    exchange.take(ChatResponse(model="fake/m", text="<story>short</story>"))
    assert exchange.take(ChatResponse(model="fake/m", text="<story>long enough now</story>")) == (
        True,
        "long enough now",
    )
    counts = tally.snapshot()
    assert (counts["answers"], counts["rejected"], counts["invalid"]) == ({"story": 3}, {"story": 1}, {"story": 1})


def test_excerpt_keeps_short_answers_whole() -> None:
    assert excerpt("  ok ") == "ok"
    assert excerpt("") == "(empty answer)"


# --- context overflow in the agent --------------------------------------------------------------


def _conversation() -> list[Message]:
    messages = [Message(role="system", content="rules"), Message(role="user", content="do it")]
    for index in range(4):
        messages.append(Message(role="assistant", content=f"step {index}"))
        messages.append(Message(role="tool", tool_call_id=f"c{index}", content="x" * 5000))
    return messages


def test_shortening_cuts_old_tool_outputs_then_drops_old_turns() -> None:
    view = _conversation()
    first = shortened(view, 1)
    assert len(first) == len(view)
    assert all(len(m.content) <= 200 for m in [m for m in first if m.role == "tool"][:-1])
    assert len(first[-1].content) == 5000, "the latest output stays whole"
    second = shortened(view, 2)
    assert [m.role for m in second[:2]] == ["system", "user"]
    assert len(second) < len(view)
    assert second[2].role != "tool", "a tool result never starts the kept tail"


class _Overflowing:
    """A client that refuses requests longer than ``limit`` characters as a context overflow."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.sizes: list[int] = []

    async def chat(self, request: ChatRequest, *, stage: str = "") -> ChatResponse:
        from envfactory_core.llm import LLMContextOverflowError

        size = sum(len(m.content) for m in request.messages)
        self.sizes.append(size)
        if size > self.limit:
            raise LLMContextOverflowError("Requested tokens (9000) exceed context window of 8192", status=400)
        return ChatResponse(model=request.model, text="done")


@pytest.mark.parametrize(("limit", "calls"), [(16000, 2), (5400, 3)])
def test_the_agent_shortens_an_overflowing_prompt_before_it_gives_up(limit: int, calls: int) -> None:
    import asyncio

    from envfactory_core.synthesis.agent import _Attempt

    run = _Attempt(native=True)
    for message in _conversation():
        run.add(message)
    client = _Overflowing(limit)
    request = ChatRequest(model="fake/m", messages=tuple(run.view))
    response = asyncio.run(LLMAgent(model="fake/m")._fitting(client, request, run))  # type: ignore[arg-type]
    assert response.text == "done"
    assert len(client.sizes) == calls
    assert client.sizes[-1] <= limit


def test_an_overflow_that_shortening_cannot_cure_is_raised() -> None:
    import asyncio

    from envfactory_core.llm import LLMContextOverflowError
    from envfactory_core.synthesis.agent import _Attempt

    run = _Attempt(native=True)
    for message in _conversation():
        run.add(message)
    with pytest.raises(LLMContextOverflowError):
        asyncio.run(
            LLMAgent(model="fake/m")._fitting(
                _Overflowing(10),
                ChatRequest(model="fake/m", messages=tuple(run.view)),
                run,  # type: ignore[arg-type]
            )
        )


# --- why a run kept fewer tasks ---------------------------------------------------------------


def _outcome(kept: int, drops: dict[str, int], processed: int = 8, chains: int = 8) -> RunOutcome:
    from pathlib import Path

    return RunOutcome(
        out=Path("run"),
        fingerprint="f",
        stages=[],
        drop_reasons=drops,
        kept=kept,
        target=2,
        exports=[],
        did_work=True,
        rewards={},
        processed=processed,
        chains=chains,
    )


def test_the_chains_per_task_advice_appears_only_when_more_chains_would_help() -> None:
    blocked = shortfall(_outcome(0, {"world: seed_state_invalid": 8}))
    assert "chains_per_task" not in blocked
    assert "8 were dropped at world: seed_state_invalid" in blocked
    ran_out = shortfall(_outcome(1, {"gate: core/solvable": 4, "collect: unsolved": 3}))
    assert "raise chains_per_task" in ran_out
    assert "4 × gate: core/solvable, 3 × collect: unsolved" in ran_out
    failed = shortfall(_outcome(1, {"story: llm_request": 2, "collect: unsolved": 5}))
    assert "--retry-failed" in failed
