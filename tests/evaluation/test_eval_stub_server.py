"""``envfactory eval`` as a user runs it: a separate process, the OpenAI backend, a local
OpenAI-compatible server (the stub) with a fixed latency. Killed half-way, it resumes with the
finished trials kept; complete, it re-runs without sending a request."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from envfactory_testing import StubLLMServer, StubReply
from envfactory_testing.requirements import require_module

from .conftest import oracle, run_tasks

FAILING = {(1, 0), (1, 1), (3, 1)}  # task 1 never passes, task 3 once: 5 of 8, pass^2 = 2/4


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["ENVFACTORY_LOAD_PLUGINS"] = "envfactory-openai"
    env.pop("ENVFACTORY_LLM_CONFIG", None)
    return env


def _command(plugins_dir: Path, run_dir: Path, out: Path, config: Path) -> list[str]:
    return [
        *(sys.executable, "-c", "from envfactory_core.cli import main; main()"),
        *("--plugins-dir", str(plugins_dir), "eval", str(run_dir)),
        *("--model", "stub/agent-model", "--trials", "2", "--workers", "2"),
        *("--out", str(out), "--llm-config", str(config), "--json"),
    ]


def _trials_done(out: Path) -> int:
    """Committed trials, read without ever creating the store (read-only, and only once it exists)."""
    path = out / "run.sqlite"
    if not path.exists():
        return 0
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return int(connection.execute("SELECT COUNT(*) FROM eval_trials").fetchone()[0])
        finally:
            connection.close()
    except sqlite3.OperationalError:
        return 0


def test_a_killed_eval_resumes_and_a_rerun_costs_no_calls(plugins_dir: Path, run_dir: Path, tmp_path: Path) -> None:
    require_module("envfactory_openai", "pip install -e ./plugins/envfactory-openai")
    plan = oracle(run_tasks(run_dir), FAILING)

    def respond(path: str, body: dict[str, Any]) -> StubReply:
        text, calls = plan(body["messages"], int(body.get("seed", 0)))
        return StubReply.tools(*calls) if calls else StubReply.ok(text)

    with StubLLMServer(latency=0.15) as server:
        server.respond_with(respond)
        config = tmp_path / "llm.toml"
        config.write_text(
            f'[backends.stub]\nkind = "openai"\nbase_url = "{server.openai_base_url}"\napi_key = "test"\n'
            '[prices]\n"stub/*" = { input = 1.0, output = 2.0 }\n'
        )
        out = tmp_path / "eval"
        command = _command(plugins_dir, run_dir, out, config)
        first = subprocess.Popen(command, env=_environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while _trials_done(out) < 2 and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert first.poll() is None, first.communicate()
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        kept = _trials_done(out)
        assert 2 <= kept < 8

        second = subprocess.run(command, env=_environment(), capture_output=True, text=True, timeout=120, check=False)
        assert second.returncode == 0, second.stderr
        report = json.loads(second.stdout)
        assert report["complete"] is True
        assert report["trials_run_now"] == 8 - kept
        overall = report["overall"]
        assert (overall["trials"], overall["successes"]) == (8, 5)
        assert overall["pass_hat_k"] == {"1": 0.625, "2": 0.5}
        assert report["llm_usage"]["total"]["cost_usd"] > 0

        sent = server.request_count
        third = subprocess.run(command, env=_environment(), capture_output=True, text=True, timeout=120, check=False)
        assert third.returncode == 0, third.stderr
        assert server.request_count == sent, "a complete evaluation re-run sent requests"
        assert json.loads(third.stdout)["overall"] == overall


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
