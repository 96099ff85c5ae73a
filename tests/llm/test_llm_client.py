"""The client layer with the scripted fake: cache, retries, budget caps, accounting, call records."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from envfactory_testing import ScriptedLLM

from envfactory_core.errors import MissingDependencyError, UnknownComponentError
from envfactory_core.llm import (
    Budget,
    BudgetExceeded,
    ChatRequest,
    ChatResponse,
    EmbeddingRequest,
    EndpointConfig,
    LLMClient,
    LLMError,
    LLMRequestError,
    LLMServerError,
    Usage,
    parse_settings,
    usage_from_store,
)
from envfactory_core.models import Message
from envfactory_core.registry import Registry
from envfactory_core.store import RunStore


def ask(text: str, model: str = "fake/scripted", **fields: Any) -> ChatRequest:
    return ChatRequest(model=model, messages=[Message(role="user", content=text)], **fields)


def test_an_identical_second_run_makes_no_calls(tmp_path: Path) -> None:
    fake = ScriptedLLM().replies(["one", "two"])
    with RunStore(tmp_path) as store:
        first = fake.client(store=store)
        answers = [first.chat_sync(ask("a")).text, first.chat_sync(ask("b")).text]
        first.close()
    assert answers == ["one", "two"]
    assert len(fake.requests) == 2
    with RunStore(tmp_path) as store:
        second = fake.client(store=store)
        again = [second.chat_sync(ask("a")), second.chat_sync(ask("b"))]
        second.close()
    assert [response.text for response in again] == ["one", "two"]
    assert all(response.cached for response in again)
    assert len(fake.requests) == 2, "the re-run was answered from the run store"
    assert [record.cached for record in second.records] == [True, True]
    assert second.usage().cost_usd == 0


def test_no_cache_and_sample_make_fresh_calls() -> None:
    fake = ScriptedLLM().replies(["first", "fresh", "other sample"])
    client = fake.client()
    assert client.chat_sync(ask("q")).text == "first"
    assert client.chat_sync(ask("q"), no_cache=True).text == "fresh"
    assert client.chat_sync(ask("q")).text == "fresh", "a fresh response refreshes the cache"
    assert client.chat_sync(ask("q", sample=1)).text == "other sample", "pass@k attempts are distinct requests"
    assert len(fake.requests) == 3
    uncached = fake.client(cache=False)
    fake.reply("again")
    assert uncached.chat_sync(ask("q")).text == "again"
    client.close()
    uncached.close()


def test_transient_failures_are_retried_honouring_retry_after() -> None:
    fake = ScriptedLLM()
    fake.fail("rate_limit", retry_after=3).fail("server").fail("timeout").fail("connection").reply("finally")
    client = fake.client(max_retries=4)
    response = client.chat_sync(ask("q"))
    client.close()
    assert response.text == "finally"
    assert len(fake.requests) == 5
    (record,) = client.records
    assert (record.status, record.attempts, record.retries) == ("ok", 5, 4)
    first, *backoff = fake.sleeps
    assert 3 <= first <= 4, "waits at least what Retry-After asked"
    bounds = [(0.5, 1.0), (1.0, 2.0), (2.0, 4.0)]
    assert all(low <= wait <= high for wait, (low, high) in zip(backoff, bounds, strict=True)), (
        f"exponential backoff with jitter: {backoff}"
    )


def test_retries_run_out_with_the_last_error_and_its_attempts() -> None:
    fake = (
        ScriptedLLM()
        .fail("overloaded", message="upstream down")
        .fail("overloaded")
        .fail("overloaded", message="still down")
    )
    client = fake.client(max_retries=2)
    with pytest.raises(LLMServerError) as caught:
        client.chat_sync(ask("q"))
    client.close()
    assert caught.value.attempts == 3
    assert str(caught.value) == "fake: HTTP 503: still down (after 3 attempts)"
    assert [(r.status, r.error_type, r.attempts) for r in client.records] == [("error", "LLMServerError", 3)]


def test_requests_the_provider_refuses_are_not_retried() -> None:
    fake = ScriptedLLM().fail("bad_request", message="unknown parameter 'tempreature'").reply("unused")
    client = fake.client()
    with pytest.raises(LLMRequestError, match="unknown parameter"):
        client.chat_sync(ask("q"))
    client.close()
    assert len(fake.requests) == 1
    assert fake.pending == 1


def test_a_reply_slower_than_the_timeout_is_retried() -> None:
    fake = ScriptedLLM().reply("too late", delay=5).reply("in time")
    client = LLMClient(
        settings=parse_settings({}, environ={}), backends={"fake": fake}, timeout=0.1, sleep=fake._no_sleep
    )
    assert client.chat_sync(ask("q")).text == "in time"
    client.close()
    assert client.records[0].attempts == 2


def test_budget_max_calls_stops_cleanly_and_a_larger_cap_resumes(tmp_path: Path) -> None:
    fake = ScriptedLLM().replies(["r1", "r2", "r3"])
    questions = ["q1", "q2", "q3"]

    def run(cap: int) -> tuple[list[str], BudgetExceeded | None]:
        with RunStore(tmp_path) as store:
            client = fake.client(store=store, max_calls=cap)
            answers: list[str] = []
            try:
                for question in questions:
                    answers.append(client.chat_sync(ask(question), stage="writer").text)
            except BudgetExceeded as error:
                return answers, error
            finally:
                client.close()
        return answers, None

    answers, stopped = run(2)
    assert answers == ["r1", "r2"]
    assert stopped is not None
    assert not isinstance(stopped, LLMError)
    assert "max_calls is 2 calls and 2 calls is used" in str(stopped)
    assert "--max-calls" in str(stopped)
    assert len(fake.requests) == 2
    answers, stopped = run(2)
    assert answers == ["r1", "r2"]
    assert stopped is not None, "cached calls replay past the cap, then it stops again"
    assert len(fake.requests) == 2
    answers, stopped = run(3)
    assert (answers, stopped) == (["r1", "r2", "r3"], None)
    assert len(fake.requests) == 3


def test_budget_max_cost_stops_before_the_next_live_call() -> None:
    fake = ScriptedLLM().replies(["a", "b"])
    client = fake.client(max_cost=1e-9)
    client.chat_sync(ask("first"))
    with pytest.raises(BudgetExceeded, match=r"max_cost is \$0.0000"):
        client.chat_sync(ask("second"))
    assert client.chat_sync(ask("first")).cached, "a cached call is still served"
    client.close()
    assert len(fake.requests) == 1
    with pytest.raises(ValueError, match="max_cost must be >= 0"):
        Budget(max_cost=-1)


def test_tokens_and_cost_per_stage_and_model(tmp_path: Path) -> None:
    fake = ScriptedLLM()
    fake.reply("x", usage=Usage(input_tokens=1000, output_tokens=100))
    fake.reply("y", usage=Usage(input_tokens=2000, output_tokens=200, cached_input_tokens=1000))
    fake.reply("z", usage=Usage(input_tokens=10, output_tokens=1))
    with RunStore(tmp_path) as store:
        client = fake.client(store=store)
        client.chat_sync(ask("1", model="fake/big"), stage="writer")
        client.chat_sync(ask("2", model="fake/big"), stage="writer")
        client.chat_sync(ask("3", model="fake/small"), stage="refiner")
        client.chat_sync(ask("3", model="fake/small"), stage="refiner")
        client.close()
        from_store = usage_from_store(store)
    usage = client.usage()
    assert usage == from_store
    rows = {(row.stage, row.model): row for row in usage.rows}
    writer = rows["writer", "fake/big"]
    assert (writer.calls, writer.cached, writer.input_tokens, writer.output_tokens) == (2, 0, 3000, 300)
    assert writer.cost_usd == pytest.approx((2000 * 1.0 + 1000 * 0.5 + 300 * 2.0) / 1e6)
    refiner = rows["refiner", "fake/small"]
    assert (refiner.calls, refiner.cached, refiner.input_tokens) == (1, 1, 10)
    assert usage.total.calls == 3
    assert usage.total.cached == 1
    assert [row.stage for row in usage.by_stage()] == ["refiner", "writer"]


def test_every_call_is_recorded_in_the_store_without_keys(tmp_path: Path) -> None:
    settings = parse_settings({"backends": {"mock": {"kind": "fake", "api_key": "sk-NEVER-STORED"}}}, environ={})
    fake = ScriptedLLM().reply("ok").fail("auth", message="bad key")
    with RunStore(tmp_path) as store:
        client = LLMClient(settings=settings, backends={"fake": fake}, store=store)
        client.chat_sync(ask("hello", model="mock/m1"), stage="story")
        with pytest.raises(LLMError):
            client.chat_sync(ask("again", model="mock/m1"), stage="story")
        client.close()
        rows = list(store.db.query("SELECT * FROM llm_calls ORDER BY seq"))
        assert [(r["stage"], r["model"], r["status"], r["cached"]) for r in rows] == [
            ("story", "mock/m1", "ok", 0),
            ("story", "mock/m1", "error", 0),
        ]
        request = store.get_blob(rows[0]["request_id"])
        assert request["request"]["messages"][0]["content"] == "hello"
        assert store.get_blob(rows[0]["response_id"])["text"] == "ok"
        assert rows[1]["error_type"] == "LLMAuthenticationError"
        assert "bad key" in rows[1]["error"]
        assert rows[0]["latency_ms"] >= 0
    for path in tmp_path.iterdir():
        assert b"sk-NEVER-STORED" not in path.read_bytes()
    connection = sqlite3.connect(tmp_path / "run.sqlite")
    assert connection.execute("SELECT COUNT(*) FROM llm_cache").fetchone() == (1,)


class CountingBackend:
    """Tracks how many calls run at once."""

    name = kind = "fake"
    description = "counting"

    def __init__(self) -> None:
        self.active = 0
        self.peak = 0
        self.calls = 0

    def connect(self, endpoint: EndpointConfig) -> CountingBackend:
        return self

    async def chat(self, request: ChatRequest, model: str) -> ChatResponse:
        self.calls += 1
        self.active += 1
        self.peak = max(self.peak, self.active)
        await asyncio.sleep(0.02)
        self.active -= 1
        return ChatResponse(model=request.model, text=request.messages[-1].content)

    async def embed(self, request: Any, model: str) -> Any:
        raise NotImplementedError

    async def aclose(self) -> None:
        return None


def test_concurrency_is_limited_per_endpoint() -> None:
    backend = CountingBackend()
    client = LLMClient(settings=parse_settings({}, environ={}), backends={"fake": backend}, concurrency=3)

    async def main() -> list[str]:
        responses = await asyncio.gather(*(client.chat(ask(f"q{i}")) for i in range(12)))
        await client.aclose()
        return [response.text for response in responses]

    assert asyncio.run(main()) == [f"q{i}" for i in range(12)]
    assert backend.peak == 3


def test_identical_requests_in_flight_share_one_call() -> None:
    backend = CountingBackend()
    client = LLMClient(settings=parse_settings({}, environ={}), backends={"fake": backend})

    async def main() -> list[ChatResponse]:
        return list(await asyncio.gather(*(client.chat(ask("same")) for _ in range(5))))

    responses = asyncio.run(main())
    assert backend.calls == 1
    assert [response.text for response in responses] == ["same"] * 5
    assert sorted(record.cached for record in client.records) == [False, True, True, True, True]


def test_sync_wrappers_refuse_to_run_inside_an_event_loop() -> None:
    client = ScriptedLLM().reply("x").client()

    async def main() -> None:
        client.chat_sync(ask("q"))

    with pytest.raises(RuntimeError, match=r"use `await client\.chat"):
        asyncio.run(main())
    client.close()


def test_embeddings_are_cached_and_deterministic() -> None:
    fake = ScriptedLLM()
    client = fake.client()
    request = EmbeddingRequest(model="fake/embed", inputs=["a", "b"], dimensions=4)
    first = client.embed_sync(request, stage="linker")
    second = client.embed_sync(request, stage="linker")
    client.close()
    assert first.vectors == second.vectors
    assert len(first.vectors[0]) == 4
    assert second.cached
    assert len(fake.embed_requests) == 1


def test_model_ids_resolve_to_backends_with_install_hints(registry: Registry, fake_llm: ScriptedLLM) -> None:
    settings = parse_settings({"backends": {"local": {"kind": "fake"}}}, environ={})
    client = LLMClient(registry=registry, settings=settings)
    fake_llm.reply("routed")
    assert client.chat_sync(ask("q", model="local/whatever")).text == "routed"
    assert fake_llm.requests[0].model == "local/whatever"
    with pytest.raises(MissingDependencyError, match=r"pip install .*envfactory-openai"):
        client.chat_sync(ask("q", model="openai/gpt-4.1-mini"))
    with pytest.raises(UnknownComponentError, match=r"declare \[backends.nowhere\]"):
        client.chat_sync(ask("q", model="nowhere/model"))
    client.close()
