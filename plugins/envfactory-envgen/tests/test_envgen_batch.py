"""`envfactory envgen build FOLDER --workers N`: a batch that never stops for one document, shows
progress, resumes after a kill, ends with a summary by outcome and reason; and a pipeline file whose
environments are the build's verified ones (`envgen/built`)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from envfactory_envgen.batch import LEDGER, ledger, run_batch

from envfactory_core.cli import build_cli
from envfactory_core.cli.app import App

from .conftest import envgen_plugin_manager


def _api(name: str, resources: int) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for index in range(resources):
        entity = {
            "type": "object",
            "required": ["title"],
            "properties": {"id": {"type": "string", "readOnly": True}, "title": {"type": "string"}},
        }
        ok = {"200": {"description": "ok", "content": {"application/json": {"schema": entity}}}}
        many = {"type": "array", "items": entity}
        paths[f"/{name}{index}"] = {
            "get": {
                "operationId": f"list{index}",
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": many}}}},
            },
            "post": {
                "operationId": f"create{index}",
                "requestBody": {"content": {"application/json": {"schema": entity}}},
                "responses": ok,
            },
        }
        paths[f"/{name}{index}/{{id}}"] = {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {"operationId": f"get{index}", "responses": ok},
            "delete": {"operationId": f"delete{index}", "responses": {"204": {"description": "gone"}}},
        }
    return {"openapi": "3.0.3", "info": {"title": name, "version": "1"}, "paths": paths}


def _folder(tmp_path: Path, good: int = 3) -> Path:
    folder = tmp_path / "docs"
    (folder / "nested").mkdir(parents=True)
    for index in range(good):
        (folder / "nested" / f"api{index}.json").write_text(json.dumps(_api(f"things{index}_", 2)), "utf-8")
    (folder / "nan.json").write_text('{"openapi":"3.0.3","info":{"title":"x","version":"1"},"paths":{},"r":NaN}')
    (folder / "notes.json").write_text('{"just": "data"}')
    (folder / "empty.yaml").write_text("openapi: 3.0.3\ninfo: {title: e, version: '1'}\npaths: {}\n")
    return folder


def test_a_folder_batch_never_stops_for_one_document_and_summarises_by_reason(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    result = CliRunner().invoke(
        build_cli(App(envgen_plugin_manager())),
        ["envgen", "build", str(folder), "--workers", "2", "--trusted", "--out", str(tmp_path / "run"), "--json"],
    )
    assert result.exit_code == 1, result.output  # some documents are not buildable: not all verified
    data = json.loads(result.stdout)
    assert data["documents"] == 6
    assert data["by_outcome"] == {"verified": 3, "error": 2, "skipped": 1}, data
    assert data["by_reason"] == {
        "invalid JSON": 1,
        "not an API description": 1,
        "nothing buildable: every operation left out": 1,
    }, data
    assert "[6/6]" in result.stderr
    report = CliRunner().invoke(
        build_cli(App(envgen_plugin_manager())), ["envgen", "report", str(tmp_path / "run"), "--json"]
    )
    assert report.exit_code == 0, report.output
    assert sorted(row["status"] for row in json.loads(report.stdout)) == ["verified"] * 3


def test_a_killed_batch_resumes_where_it_stopped(tmp_path: Path) -> None:
    folder = _folder(tmp_path, good=6)
    run = tmp_path / "run"
    command = [
        sys.executable,
        "-c",
        "from envfactory_core.cli import main; main()",
        "envgen",
        "build",
        str(folder),
        "--workers",
        "1",
        "--trusted",
        "--out",
        str(run),
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and len(ledger(run)) < 2 and process.poll() is None:
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    finished = ledger(run)
    assert 2 <= len(finished) < 9
    with (run / LEDGER).open("a", encoding="utf-8") as handle:
        handle.write('{"source": "torn')  # a line the kill cut short
    summary = run_batch([str(folder)], run_dir=run, workers=2, trusted=True)
    assert summary.resumed == len(finished)
    assert len(summary.results) == 9
    assert summary.by_outcome()["verified"] == 6


def test_a_pipeline_file_takes_the_verified_environments_of_a_build(tmp_path: Path) -> None:
    folder = _folder(tmp_path, good=2)
    run_batch([str(folder)], run_dir=tmp_path / "build", workers=1, trusted=True)
    pipeline = tmp_path / "pipeline.toml"
    pipeline.write_text(
        "\n".join(
            [
                "[run]",
                "seed = 0",
                "tasks = 2",
                "chains_per_task = 6.0",
                "",
                "[[stage]]",
                'stage = "environments"',
                'use = "envgen/built"',
                f"options = {{ run = {json.dumps(str(tmp_path / 'build'))}, trusted = true }}",
                "",
                "[[stage]]",
                'stage = "graph"',
                'use = "core/graph"',
                "",
                "[[stage]]",
                'stage = "sample"',
                'use = "core/topology"',
                "options = { max_tools = 2 }",
                "",
                *(f'[[stage]]\nstage = "{stage}"\nuse = "{use}"\n' for stage, use in _STAGES),
            ]
        ),
        encoding="utf-8",
    )
    cli = build_cli(App(envgen_plugin_manager()))
    result = CliRunner().invoke(cli, ["run", str(pipeline), "--out", str(tmp_path / "out"), "--json", "--quiet"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["kept"] >= 1, summary
    again = CliRunner().invoke(cli, ["run", str(pipeline), "--out", str(tmp_path / "out"), "--json", "--quiet"])
    assert again.exit_code == 0, again.output  # the resumed run finds the same environments by name
    bad = tmp_path / "bad.toml"
    bad.write_text(pipeline.read_text().replace(str(tmp_path / "build"), str(tmp_path / "nowhere")))
    refused = CliRunner().invoke(cli, ["run", str(bad), "--out", str(tmp_path / "out2")])
    assert refused.exit_code == 2
    assert "options.run" in refused.output


_STAGES = (
    ("ground", "core/ground"),
    ("write", "core/template"),
    ("refine", "core/implicit"),
    ("gate", "core/gold_replay"),
    ("collect", "core/oracle"),
    ("score", "core/state_diff"),
)
