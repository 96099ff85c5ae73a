"""llm/agent over real HTTP: the stub server serves scripted tool-calling replies in the OpenAI wire
format; k=4 attempts run concurrently, each on its own episode, and no write leaks between them.

The backend here is a few lines of standard-library HTTP (core tests run without the vendor
plugins); it speaks the same wire format the ``envfactory-openai`` plugin does.
"""

from __future__ import annotations

import asyncio
import json
import urllib.request
from typing import Any

import attrs
from envfactory_testing import StubLLMServer, StubReply

from envfactory_core.llm import (
    ChatRequest,
    ChatResponse,
    EmbeddingRequest,
    EmbeddingResponse,
    LLMClient,
    LLMToolCall,
    LLMUnsupportedError,
    Usage,
)
from envfactory_core.llm.config import EndpointConfig, LLMSettings
from envfactory_core.models import Message, ToolChain
from envfactory_core.synthesis import LLMAgent
from envfactory_core.tasks import Grounder, MemoryStates

from .conftest import ENVIRONMENTS, context_for


def _wire(message: Message) -> dict[str, Any]:
    data: dict[str, Any] = {"role": message.role, "content": message.content}
    if message.tool_calls:
        data["tool_calls"] = [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": json.dumps(call.arguments)},
            }
            for call in message.tool_calls
        ]
    if message.tool_call_id:
        data["tool_call_id"] = message.tool_call_id
    return data


def _post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


class _Connection:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    async def chat(self, request: ChatRequest, model: str) -> ChatResponse:
        body: dict[str, Any] = {"model": model, "messages": [_wire(message) for message in request.messages]}
        if request.tools:
            body["tools"] = [tool.openai_schema() for tool in request.tools]
        raw = await asyncio.to_thread(_post, f"{self.base_url}/chat/completions", body)
        choice = raw["choices"][0]
        calls = []
        for call in choice["message"].get("tool_calls") or []:
            text = call["function"]["arguments"]
            calls.append(
                LLMToolCall(id=call["id"], name=call["function"]["name"], arguments=json.loads(text), raw=text)
            )
        return ChatResponse(
            model=request.model,
            text=choice["message"].get("content") or "",
            tool_calls=tuple(calls),
            finish_reason="tool_calls" if calls else "stop",
            usage=Usage(input_tokens=raw["usage"]["prompt_tokens"], output_tokens=raw["usage"]["completion_tokens"]),
        )

    async def embed(self, request: EmbeddingRequest, model: str) -> EmbeddingResponse:
        raise LLMUnsupportedError("not needed here")

    async def aclose(self) -> None:
        return None


class StdlibOpenAI:
    name = "stdlib-openai"
    kind = "stdlib-openai"
    description = "OpenAI chat completions over urllib (tests only)."

    def connect(self, endpoint: EndpointConfig) -> _Connection:
        return _Connection(endpoint.base_url)


def test_four_concurrent_attempts_on_isolated_episodes_over_http(tmp_path: Any) -> None:
    states = MemoryStates()
    chain = ToolChain(tools=("notes__create_note",))
    grounded = Grounder().ground(chain, environments=ENVIRONMENTS, states=states, seed=5)
    assert grounded.task is not None
    gold = grounded.task.gold_calls[0].call
    task = grounded.task.with_changes(
        turns=(attrs.evolve(grounded.task.turns[0], request=f"Please make a note titled {gold.arguments['title']}."),)
    )
    titles = [str(gold.arguments["title"]), "Attempt B", "Attempt C", "Attempt D"]
    arguments = [dict(gold.arguments)] + [{"title": title} for title in titles[1:]]
    with StubLLMServer(latency=0.3) as server:
        server.script(*(StubReply.tools(("notes__create_note", args)) for args in arguments))
        server.script(*(StubReply.ok("Done: the note is there.") for _ in range(4)))
        settings = LLMSettings(
            endpoints={"stub": EndpointConfig(name="stub", kind="stdlib-openai", base_url=server.openai_base_url)},
            environ={},
        )
        client = LLMClient(settings=settings, backends={"stdlib-openai": StdlibOpenAI()}, concurrency=8)
        context = context_for(states, client)
        trajectory = LLMAgent(model="stub/test-model", k=4).solve(task, context)
        requests = [request.body for request in server.requests]

    assert len(requests) == 8
    # concurrency: every attempt's first request reached the server before any attempt's second one
    assert all(not any(m["role"] == "tool" for m in body["messages"]) for body in requests[:4])
    assert all(any(m["role"] == "tool" for m in body["messages"]) for body in requests[4:])

    initial = states.get(task.initial_state_id)["notes"]["notes"]
    created: list[str] = []
    for attempt in trajectory.metadata["attempts"]:
        final = states.get(attempt["final_state_id"])["notes"]["notes"]
        new = [row["title"] for key, row in final.items() if key not in initial or row != initial[key]]
        assert len(new) == 1, f"attempt {attempt['attempt']} sees {new}: state leaked between attempts"
        created.extend(new)
    assert sorted(created) == sorted(titles)  # each attempt holds exactly its own write
    assert states.get(task.initial_state_id)["notes"]["notes"] == initial  # the task's state is untouched

    assert trajectory.metadata["k"] == 4
    assert trajectory.metadata["passed"] == 1
    assert trajectory.metadata["accuracy"] == 0.25
    assert trajectory.steps[0].call.arguments == gold.arguments
    assert trajectory.reward("core/envfactory").score == 1.0
    assert trajectory.metadata["attempts"][trajectory.metadata["selected_attempt"]]["passed"] is True
    assert {record.stage for record in client.records} == {"collect"}
    assert len(client.records) == 8
