"""``envfactory llm models|ping|usage``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from envfactory_testing import ScriptedLLM

from envfactory_core.cli import build_cli
from envfactory_core.cli.app import App
from envfactory_core.distributions import install_command
from envfactory_core.llm import ChatRequest, Usage
from envfactory_core.models import Message
from envfactory_core.plugins import PluginManager
from envfactory_core.store import RunStore


@pytest.fixture
def run(plugin_manager: PluginManager, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("ENVFACTORY_LLM_CONFIG", raising=False)
    cli = build_cli(App(plugin_manager))

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(cli, list(args))

    return invoke


def test_models_lists_prefixes_without_showing_keys(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "llm.toml"
    config.write_text('[backends.vllm]\nkind = "openai"\nbase_url = "http://127.0.0.1:8000/v1"\napi_key = "sk-FILE"\n')
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ENV")
    result = run("llm", "models", "--llm-config", str(config), "--json")
    assert result.exit_code == 0, result.output
    assert "sk-FILE" not in result.output
    assert "sk-ENV" not in result.output
    endpoints = {row["name"]: row for row in json.loads(result.output)["endpoints"]}
    assert endpoints["vllm"]["kind"] == "openai"
    assert endpoints["vllm"]["api_key"] == "set"
    assert endpoints["fake"]["backend"] == "testing/fake"
    assert endpoints["anthropic"]["api_key_source"] == "$ANTHROPIC_API_KEY"
    assert install_command("envfactory-openai") in endpoints["openai"]["status"], "no entry points are loaded here"
    table = run("llm", "models", "--llm-config", str(config))
    assert table.exit_code == 0
    assert "vllm" in table.output
    assert "sk-FILE" not in table.output


def test_ping_prints_latency_and_usage(run) -> None:  # type: ignore[no-untyped-def]
    result = run("llm", "ping", "fake/echo", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["ok"]
    assert data["text"] == "Reply with the single word: pong"
    assert data["input_tokens"] > 0
    assert data["latency_ms"] >= 0
    assert data["priced"]
    text = run("llm", "ping", "fake/echo", "--prompt", "hello there")
    assert text.exit_code == 0
    assert "reply: 'hello there'" in text.output
    assert " ms, " in text.output


def test_ping_exits_1_when_the_request_fails_and_2_for_bad_input(run) -> None:  # type: ignore[no-untyped-def]
    failed = run("llm", "ping", "fake/scripted")
    assert failed.exit_code == 1
    assert "ping failed" in failed.output
    assert run("llm", "ping", "no-slash").exit_code == 2
    missing = run("llm", "ping", "anthropic/claude-sonnet-4-5")
    assert missing.exit_code == 2
    assert install_command("envfactory-anthropic") in missing.output.replace("\n", " ")


def test_usage_reports_a_runs_calls_by_stage_and_model(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fake = ScriptedLLM()
    fake.reply("a", usage=Usage(input_tokens=100, output_tokens=10)).reply(
        "b", usage=Usage(input_tokens=50, output_tokens=5)
    )
    with RunStore(tmp_path / "run") as store:
        client = fake.client(store=store)
        for stage, text in (("writer", "1"), ("refiner", "2"), ("refiner", "2")):
            client.chat_sync(ChatRequest(model="fake/m", messages=[Message(role="user", content=text)]), stage=stage)
        client.close()
    result = run("llm", "usage", str(tmp_path / "run"), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    rows = {row["stage"]: row for row in data["rows"]}
    assert (rows["writer"]["calls"], rows["writer"]["input_tokens"]) == (1, 100)
    assert (rows["refiner"]["calls"], rows["refiner"]["cached"]) == (1, 1)
    assert data["total"]["calls"] == 2
    assert data["total"]["cost_usd"] > 0
    table = run("llm", "usage", str(tmp_path / "run"), "--by", "stage")
    assert table.exit_code == 0
    assert "refiner" in table.output
    assert "writer" in table.output


def test_usage_of_a_missing_run_is_bad_input(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("llm", "usage", str(tmp_path / "nothing"))
    assert result.exit_code == 2
    assert "no run store" in result.output
