"""``envfactory eval`` with the scripted fake backend: success rates, pass^k, the per-environment
table, budget stops that resume, and a complete evaluation re-run at no cost."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from envfactory_testing.fake_llm import ScriptedLLM

from envfactory_core.cli.eval import eval_command
from envfactory_core.evaluation import pass_hat_k, wilson_interval
from envfactory_core.llm import ChatRequest, ChatResponse, LLMToolCall
from envfactory_core.store import RunStore

from .conftest import TASKS, make_app, oracle, run_tasks

FAILING = {(0, 1), (2, 1)}  # two tasks fail their second trial: 6 of 8 trials pass, pass^2 = 2/4


def install(fake: ScriptedLLM, tasks: list[Any], failing: set[tuple[int, int]] = FAILING, count: int = 400) -> None:
    plan = oracle(tasks, failing)

    def respond(request: ChatRequest) -> ChatResponse | str:
        messages = [{"role": message.role, "content": message.content} for message in request.messages]
        text, calls = plan(messages, request.sample)
        if not calls:
            return text
        tool_calls = tuple(
            LLMToolCall(id=f"c{index}", name=name, arguments=arguments, raw=json.dumps(arguments))
            for index, (name, arguments) in enumerate(calls)
        )
        return ChatResponse(model=request.model, tool_calls=tool_calls, finish_reason="tool_calls")

    for _ in range(count):
        fake.respond_with(respond)


def invoke(plugins_dir: Path, *arguments: str) -> Any:
    result = CliRunner().invoke(eval_command, list(arguments), obj=make_app(plugins_dir))
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result


def test_success_rates_pass_hat_k_and_the_environment_table(
    fake_llm: ScriptedLLM, plugins_dir: Path, run_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENVFACTORY_LOAD_PLUGINS", "")
    tasks = run_tasks(run_dir)
    assert len(tasks) == TASKS
    install(fake_llm, tasks)
    out = tmp_path / "eval"
    common = [str(run_dir), "--model", "fake/oracle", "--trials", "2", "--out", str(out)]
    report = json.loads(invoke(plugins_dir, *common, "--json").stdout)

    overall = report["overall"]
    assert (overall["tasks"], overall["trials"], overall["successes"]) == (4, 8, 6)
    assert overall["success_rate"] == 0.75
    assert overall["pass_hat_k"] == {"1": 0.75, "2": 0.5}
    low, high = wilson_interval(6, 8)
    assert overall["ci95"] == [round(low, 6), round(high, 6)]
    assert report["complete"] is True
    assert report["trials_run_now"] == 8
    environments = report["environments"]
    assert sum(rate["tasks"] for rate in environments.values()) == 4
    assert set(environments) == {"+".join(task.environments) for task in tasks}
    calls = len(fake_llm.requests)
    assert calls >= 8
    assert report["llm_usage"]["total"]["calls"] == calls
    assert {row["stage"] for row in report["llm_usage"]["rows"]} == {"eval"}

    # trajectories are kept in the run store, one per trial, and replay to the scores
    store = RunStore(out, create=False)
    try:
        rows = store.connection.execute("SELECT task_id, trial, passed, trajectory_id FROM eval_trials").fetchall()
        assert len(rows) == 8
        for task_id, _trial, passed, trajectory_id in rows:
            trajectory = store.get_blob(trajectory_id)
            assert trajectory["task_id"] == task_id
            assert bool(passed) == (trajectory["rewards"][0]["score"] == 1.0)
    finally:
        store.close()

    # a complete evaluation re-run costs no calls, and prints the per-environment table
    again = invoke(plugins_dir, *common)
    assert len(fake_llm.requests) == calls
    assert "pass^2" in again.stdout
    assert "success [95% CI]" in again.stdout
    assert "75.0%" in again.stdout
    for name in environments:
        assert name in again.stdout
    assert "Nothing to do" in again.stderr


def test_a_budget_stop_resumes_where_it_stopped(
    fake_llm: ScriptedLLM, plugins_dir: Path, run_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENVFACTORY_LOAD_PLUGINS", "")
    tasks = run_tasks(run_dir)
    install(fake_llm, tasks, failing=set())
    out = tmp_path / "eval"
    common = [str(run_dir), "--model", "fake/oracle", "--trials", "2", "--out", str(out), "--workers", "1", "--json"]
    stopped = json.loads(invoke(plugins_dir, *common, "--max-calls", "5").stdout)
    assert stopped["complete"] is False
    assert stopped["stopped"]
    assert 0 < stopped["overall"]["trials"] < 8
    before = len(fake_llm.requests)
    assert before == 5
    resumed = json.loads(invoke(plugins_dir, *common).stdout)
    assert resumed["complete"] is True
    assert resumed["trials_run_now"] == 8 - stopped["overall"]["trials"]
    assert resumed["overall"]["pass_hat_k"] == {"1": 1.0, "2": 1.0}


def test_another_evaluation_in_the_same_folder_is_refused(
    fake_llm: ScriptedLLM, plugins_dir: Path, run_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENVFACTORY_LOAD_PLUGINS", "")
    install(fake_llm, run_tasks(run_dir), failing=set())
    out = tmp_path / "eval"
    invoke(plugins_dir, str(run_dir), "--model", "fake/oracle", "-n", "1", "--out", str(out), "--json")
    result = CliRunner().invoke(
        eval_command, [str(run_dir), "--model", "fake/other", "-n", "1", "--out", str(out)], obj=make_app(plugins_dir)
    )
    assert result.exit_code != 0
    assert "model" in result.output
    assert "--out" in result.output


@pytest.mark.parametrize(
    ("outcomes", "k", "expected"),
    [
        ({"a": [True, True], "b": [True, False]}, 1, 0.75),
        ({"a": [True, True], "b": [True, False]}, 2, 0.5),
        ({"a": [True, True, False, True]}, 2, 3 / 6),
        ({"a": [True, True, False, True]}, 4, 0.0),
        ({"a": [False, False]}, 1, 0.0),
    ],
)
def test_pass_hat_k_is_tau_bench_s(outcomes: dict[str, list[bool]], k: int, expected: float) -> None:
    assert pass_hat_k(outcomes, k) == pytest.approx(expected)


def test_the_wilson_interval_brackets_the_rate() -> None:
    low, high = wilson_interval(6, 8)
    assert 0 < low < 0.75 < high < 1
    assert wilson_interval(0, 5)[0] == 0.0
    assert wilson_interval(5, 5)[1] == 1.0
    assert wilson_interval(0, 0) == (0.0, 1.0)
