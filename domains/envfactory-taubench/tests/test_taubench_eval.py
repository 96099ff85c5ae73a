"""``envfactory eval taubench/airline:DIR``: the benchmark's tasks played with the simulated user and
scored by the benchmark's state hash, on a small data folder, with the scripted fake as both the
agent and the user."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from envfactory_taubench.testing import write_data_folder
from envfactory_testing import TEST_PLUGINS
from envfactory_testing.fake_llm import ScriptedLLM

from envfactory_core.cli.app import App
from envfactory_core.cli.eval import eval_command
from envfactory_core.llm import ChatRequest, ChatResponse, LLMToolCall
from envfactory_core.plugins import make_plugin_manager

TASKS = [
    {
        "task_id": 0,
        "user_id": "ada_lovelace_1815",
        "instruction": "You are Ada Lovelace (ada_lovelace_1815). Cancel reservation ABC123.",
        "actions": [{"name": "cancel_reservation", "kwargs": {"reservation_id": "ABC123"}}],
        "outputs": [],
    },
    {
        "task_id": 1,
        "user_id": "ada_lovelace_1815",
        "instruction": "You are Ada Lovelace. Ask which flight reservation ABC123 is on.",
        "actions": [{"name": "get_reservation_details", "kwargs": {"reservation_id": "ABC123"}}],
        "outputs": ["HAT003"],
    },
]


def _respond(request: ChatRequest) -> ChatResponse | str:
    if not request.tools:  # the simulated user
        return "<message>Thanks, that is all.</message><status>done</status>"
    instruction = next(message.content for message in request.messages if message.role == "user")
    task = next(task for task in TASKS if task["instruction"] == instruction)
    results = [message.content for message in request.messages if message.role == "tool"]
    if task["task_id"] == 0 and request.sample == 1:
        return "I cannot cancel it."
    if results:
        return "Done. " + " ".join(results)
    calls = tuple(
        LLMToolCall(id=f"c{i}", name=f"airline__{a['name']}", arguments=a["kwargs"], raw=json.dumps(a["kwargs"]))
        for i, a in enumerate(task["actions"])
    )
    return ChatResponse(model=request.model, tool_calls=calls, finish_reason="tool_calls")


def test_the_benchmark_tasks_with_the_simulated_user(
    fake_llm: ScriptedLLM, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENVFACTORY_LOAD_PLUGINS", "envfactory-taubench")
    monkeypatch.delenv("ENVFACTORY_TAUBENCH_DATA", raising=False)
    folder = write_data_folder(tmp_path / "airline")
    (folder / "tasks.json").write_text(json.dumps(TASKS))
    for _ in range(200):
        fake_llm.respond_with(_respond)
    app = App(make_plugin_manager(plugins=TEST_PLUGINS))
    arguments = [f"taubench/airline:{folder}", "--model", "fake/agent", "--trials", "2", "--out", str(tmp_path / "e")]
    result = CliRunner().invoke(eval_command, [*arguments, "--json"], obj=app)
    assert result.exit_code == 0, result.output + repr(result.exception)
    report: dict[str, Any] = json.loads(result.stdout)
    assert report["reward"] == "taubench/state_hash"
    assert report["overall"]["successes"] == 3
    assert report["overall"]["pass_hat_k"] == {"1": 0.75, "2": 0.5}
    assert list(report["environments"]) == ["airline"]
    users = [request for request in fake_llm.requests if not request.tools]
    assert len(users) == 4, "every trial ended with the simulated user saying it is done"
