"""`envfactory envgen`: build (JSON summary, exit codes, a killed run that resumes), report, package."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from envfactory_core.cli import build_cli
from envfactory_core.cli.app import App

from .conftest import OPENAPI, envgen_plugin_manager, needs_openapi

DATA = Path(__file__).parent / "data"


def _cli() -> object:
    return build_cli(App(envgen_plugin_manager()))


@needs_openapi
def test_build_prints_the_json_summary_the_issue_asks_for(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        _cli(), ["envgen", "build", str(OPENAPI / "swagger-petstore-v3.yaml"), "--out", str(tmp_path / "run"), "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"built", "verified", "failed", "skipped_operations"} <= set(data)
    assert data["built"] == data["verified"] == 1
    assert data["failed"] == []
    operations = {item["operation"]: item["reason"] for item in data["skipped_operations"]}
    assert set(operations) == {
        "POST /pet/{petId}/uploadImage (uploadFile)",
        "GET /store/inventory (getInventory)",
        "POST /user/createWithList (createUsersWithListInput)",
        "GET /user/login (loginUser)",
        "GET /user/logout (logoutUser)",
    }
    assert all(isinstance(reason, str) and reason for reason in operations.values())


def test_a_failing_environment_exits_1_with_its_reason(tmp_path: Path) -> None:
    sketch = tmp_path / "notes_sketch.py"
    sketch.write_text(
        '# Server name: NoteKeeper\n"""Notes."""\n\n'
        'def create_note(title: str, body: str = "") -> dict:\n    """Create a note.\n\n    Args:\n'
        "        title: Title.\n"
        '        body: Text.\n    """\n\n\ndef get_note(note_id: str) -> dict:\n    """Get a note.\n\n    Args:\n'
        '        note_id: The id.\n    """\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    ok = runner.invoke(_cli(), ["envgen", "build", str(sketch), "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["verified"] == 1
    # a tiny wall-clock limit makes every sandboxed call time out: the environment fails, the command exits 1
    failing = runner.invoke(_cli(), ["envgen", "build", str(sketch), "--json", "--call-seconds", "0.0001"])
    assert failing.exit_code == 1, failing.output
    failed = json.loads(failing.stdout)["failed"]
    assert failed[0]["name"] == "note_keeper"
    assert "checks failed" in failed[0]["reason"]


def test_llm_builder_without_a_model_is_bad_usage(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        _cli(), ["envgen", "build", str(DATA / "taskboard_metadata.json"), "--builder", "envgen/llm_builder"]
    )
    assert result.exit_code == 2
    assert "needs a model" in result.output
    assert "--model" in result.output


@needs_openapi
def test_package_refuses_a_missing_run_a_bad_name_and_a_full_folder(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(
        _cli(), ["envgen", "package", str(tmp_path / "nope"), "--out", str(tmp_path / "o"), "--name", "envfactory-x"]
    )
    assert missing.exit_code == 2
    assert "no run store" in missing.output
    run = tmp_path / "run"
    built = runner.invoke(_cli(), ["envgen", "build", str(OPENAPI / "oai-petstore-expanded.yaml"), "--out", str(run)])
    assert built.exit_code == 0, built.output
    bad = runner.invoke(_cli(), ["envgen", "package", str(run), "--out", str(tmp_path / "o"), "--name", "bad name!"])
    assert bad.exit_code == 2
    assert "not a valid distribution name" in bad.output
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("mine")
    refused = runner.invoke(_cli(), ["envgen", "package", str(run), "--out", str(full), "--name", "envfactory-pets"])
    assert refused.exit_code == 2
    assert "--force" in refused.output
    assert (full / "keep.txt").read_text() == "mine"


def _verified(store: Path) -> int:
    if not store.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=1) as connection:
            return int(connection.execute("SELECT COUNT(*) FROM envgen_builds WHERE status = 'verified'").fetchone()[0])
    except sqlite3.Error:
        return 0


@pytest.mark.slow
@needs_openapi
def test_a_killed_build_resumes_where_it_stopped(tmp_path: Path) -> None:
    run = tmp_path / "run"
    sources = [str(OPENAPI / "oai-petstore-expanded.yaml"), str(OPENAPI / "twilio-sync-v1.yaml")]
    command = [
        sys.executable,
        "-c",
        "from envfactory_core.cli import main; main()",
        "envgen",
        "build",
        *sources,
        "--out",
        str(run),
        "--json",
    ]
    environment = {key: value for key, value in os.environ.items() if not key.startswith("ENVFACTORY_")}
    environment["ENVFACTORY_LOAD_PLUGINS"] = "envgen"
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment, start_new_session=True
    )
    deadline = time.monotonic() + 300
    while _verified(run / "run.sqlite") < 1 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.poll() is None, "the build ended before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert _verified(run / "run.sqlite") == 1  # the petstore was finished, twilio was not
    again = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
    assert again.returncode == 0, again.stderr[-2000:]
    environments = {item["name"]: item for item in json.loads(again.stdout)["environments"]}
    assert environments["oai_petstore_expanded"]["resumed"] is True
    assert environments["twilio_sync_v1"]["status"] == "verified"
    assert "already verified in the run store" in again.stderr
