"""The LLM preset against the stub server answering like llama.cpp's server with a small model.

The stub (``mimic="llama.cpp"``) refuses what llama.cpp refuses (HTTP 500 on ``"content": null``,
400 past its context window) and a responder answers every prompt in the shapes a small model
writes: bare or fenced JSON instead of the tag, a missing close tag, tool calls as fenced JSON in
the content. The run goes through the ``openai`` backend over loopback HTTP, as a user's would.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import envfactory_openai.plugin
import pytest
from click.testing import CliRunner
from envfactory_testing import TEST_PLUGINS, StubLLMServer, StubReply

from envfactory_core.cli.app import App
from envfactory_core.cli.run import run_command
from envfactory_core.llm import ChatRequest, ChatResponse
from envfactory_core.models import Message, MessageToolCall
from envfactory_core.plugins import make_plugin_manager

from .conftest import Playbook, first_line
from .test_synthesis_pipeline import plugins_dir, preset_file  # noqa: F401  (a fixture and a helper)

MODEL = "local/qwen"
PLUGINS = (*TEST_PLUGINS, ("openai", envfactory_openai.plugin))


def as_request(body: dict[str, Any]) -> ChatRequest:
    """The core request a chat-completions body was made from (what the playbook reads)."""
    messages = []
    for message in body["messages"]:
        calls = tuple(
            MessageToolCall(
                id=call["id"], name=call["function"]["name"], arguments=json.loads(call["function"]["arguments"])
            )
            for call in message.get("tool_calls") or ()
        )
        messages.append(
            Message(
                role=message["role"],
                content=message.get("content") or "",
                tool_calls=calls,
                tool_call_id=message.get("tool_call_id", ""),
                name=message.get("name", ""),
            )
        )
    return ChatRequest(model=MODEL, messages=messages)


class SmallModel(Playbook):
    """The playbook's answers, in the shapes a small model served by llama.cpp writes them."""

    def reply(self, body: dict[str, Any]) -> StubReply:
        answer = self(as_request(body))
        role = self.roles[-1]
        if isinstance(answer, ChatResponse):  # a tool call: fenced JSON in the content
            (call,) = answer.tool_calls
            return StubReply.fenced_call(call.name, call.arguments, text="Let me do that.")
        if role == "labeller":  # bare JSON, no <labels>
            return StubReply.ok(answer.replace("<labels>", "").replace("</labels>", ""))
        if role == "edges":  # a fenced block without the tag
            return StubReply.ok("```json\n" + answer.replace("<edges>", "").replace("</edges>", "") + "\n```")
        if role == "seed_state":  # a fence inside the tag, and no close tag
            inner = answer.replace("<state>", "").replace("</state>", "")
            return StubReply.ok(f"<state>\n```json\n{inner}\n```")
        if role in ("story", "writer", "refiner"):  # the last close tag never written
            return StubReply.ok(answer.rsplit("</", 1)[0])
        return StubReply.ok(answer)


def config_file(directory: Path, server: StubLLMServer) -> Path:
    path = directory / "endpoints.toml"
    path.write_text(
        f'max_retries = 2\nbackoff_base = 0.01\n[backends.local]\nkind = "openai"\n'
        f'base_url = "{server.openai_base_url}"\n'
        '[prices]\n"local/*" = { input = 0, output = 0 }\n'
    )
    return path


def run(plugins_dir: Path, pipeline: Path, out: Path, config: Path, *extra: str) -> dict[str, Any]:  # noqa: F811
    app = App(make_plugin_manager(plugins_dirs=(str(plugins_dir),), plugins=PLUGINS), plugins_dirs=(str(plugins_dir),))
    result = CliRunner().invoke(
        run_command,
        [str(pipeline), "--out", str(out), "--quiet", "--json", "--llm-config", str(config), *extra],
        obj=app,
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


@pytest.fixture
def small_model() -> Any:
    book = SmallModel()
    with StubLLMServer(mimic="llama.cpp", responder=book.reply) as server:
        yield server, book


def test_the_llm_preset_keeps_tasks_from_a_small_model_on_llama_cpp(
    tmp_path: Path,
    plugins_dir: Path,  # noqa: F811
    small_model: Any,
) -> None:
    server, book = small_model
    pipeline = preset_file(tmp_path, model=MODEL)
    summary = run(plugins_dir, pipeline, tmp_path / "run", config_file(tmp_path, server))
    assert summary["kept"] == 4, summary["dropped_by_reason"]
    assert {"labeller", "edges", "story", "seed_state", "writer", "refiner", "agent"} <= set(book.roles)
    answers = summary["llm_answers"]
    assert answers["rejected"] == {}, "every shape was read"
    shapes = " ".join(answers["shapes"])
    for shape in ("bare JSON without <labels>", "fenced JSON without <edges>", "<story> not closed"):
        assert shape in shapes
    assert answers["fallbacks"] == {}
    assert not any(request.body["messages"] and _null_content(request.body) for request in server.requests)
    with sqlite3.connect(tmp_path / "run" / "run.sqlite") as db:
        trajectories = [json.loads(body) for (body,) in db.execute("SELECT body FROM trajectories")]
    assert all(trajectory["metadata"]["format_errors"] == 0 for trajectory in trajectories)
    assert all(trajectory["steps"] for trajectory in trajectories), "the fenced calls ran as tool calls"


class OneStory:
    """Picks the story requests of one item (the second story prompt seen), every time it is sent."""

    def __init__(self) -> None:
        self.prompts: list[str] = []

    def __call__(self, body: dict[str, Any]) -> bool:
        system, user = body["messages"][0]["content"], body["messages"][1]["content"]
        if not system.startswith(first_line("story.system")):
            return False
        if user not in self.prompts:
            self.prompts.append(user)
        return len(self.prompts) > 1 and user == self.prompts[1]


def test_a_refused_labeller_batch_falls_back_to_rules_and_says_so(
    tmp_path: Path,
    plugins_dir: Path,  # noqa: F811
    small_model: Any,
) -> None:
    server, _ = small_model
    server.refuse(lambda body: body["messages"][0]["content"].startswith(first_line("labeller.system")))
    summary = run(plugins_dir, preset_file(tmp_path, model=MODEL), tmp_path / "run", config_file(tmp_path, server))
    (fallback,) = summary["llm_answers"]["fallbacks"]
    assert fallback == "llm/labeller: rules instead of the LLM (llm_request; parameters)"
    assert summary["llm_answers"]["fallbacks"][fallback] > 0
    assert summary["kept"] == 4


def _null_content(body: dict[str, Any]) -> bool:
    return any(m.get("role") == "assistant" and m.get("content") is None for m in body["messages"])


def test_a_400_on_one_item_drops_it_the_run_goes_on_and_a_rerun_asks_again_only_with_retry_failed(
    tmp_path: Path,
    plugins_dir: Path,  # noqa: F811
    small_model: Any,
) -> None:
    server, _ = small_model
    pipeline = preset_file(tmp_path, model=MODEL)
    # One chain per task wanted: the chains run out, so an item that failed is worth asking again.
    pipeline.write_text(pipeline.read_text().replace("tasks = 4", "tasks = 6").replace("= 4.0", "= 1.0"))
    config = config_file(tmp_path, server)
    out = tmp_path / "run"
    server.refuse(OneStory(), StubReply.error(400, "the stub refuses this prompt"))
    summary = run(plugins_dir, pipeline, out, config)
    assert summary["complete"] is True
    assert summary["processed"] == summary["chains"] == 6, "every chain was processed: the run went on"
    failed = summary["dropped_by_reason"].get("story: llm_request", 0)
    assert failed >= 1, summary["dropped_by_reason"]
    assert summary["kept"] == 6 - sum(summary["dropped_by_reason"].values()), "the other items were kept"
    assert summary["kept"] > 0
    with sqlite3.connect(out / "run.sqlite") as db:
        reasons = [r for (r,) in db.execute("SELECT reason FROM items WHERE code = 'llm_request'")]
    assert reasons
    assert all("HTTP 400: the stub refuses this prompt" in reason for reason in reasons)
    refused = server.refused
    assert refused == failed, "a 400 is not retried"

    again = run(plugins_dir, pipeline, out, config)
    assert server.refused == refused, "a re-run does not call the failing item again"
    assert again["dropped_by_reason"] == summary["dropped_by_reason"]

    run(plugins_dir, pipeline, out, config, "--retry-failed")
    assert server.refused == refused + failed, "--retry-failed asks exactly the failed items again"

    server.refusals.clear()  # the server was fixed: the items that failed now get through
    fixed = run(plugins_dir, pipeline, out, config, "--retry-failed")
    assert "story: llm_request" not in fixed["dropped_by_reason"]
    assert fixed["kept"] > summary["kept"]


def test_a_server_500_on_every_call_of_an_item_drops_it_after_one_retry(
    tmp_path: Path,
    plugins_dir: Path,  # noqa: F811
    small_model: Any,
) -> None:
    server, _ = small_model
    pipeline = preset_file(tmp_path, model=MODEL)
    server.refuse(OneStory(), StubReply.error(500, "boom"))
    summary = run(plugins_dir, pipeline, tmp_path / "run", config_file(tmp_path, server))
    failed = sum(count for reason, count in summary["dropped_by_reason"].items() if "llm_server" in reason)
    assert failed > 0
    assert server.refused == 2 * failed, "a plain 500 is tried twice, not max_retries + 1 times"
    assert summary["kept"] == 4
