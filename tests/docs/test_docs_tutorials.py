"""The tutorials' code runs: every ```python block of a tutorial, in order, as one script."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def python_blocks(path: Path) -> list[str]:
    return BLOCK.findall(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", ["tutorial/write-an-environment.md"])
def test_tutorial_code_runs(page: str) -> None:
    blocks = python_blocks(DOCS / page)
    assert blocks, f"{page} has no python blocks"
    namespace: dict[str, object] = {"__name__": "tutorial"}
    for number, block in enumerate(blocks, start=1):
        try:
            exec(compile(block, f"{page}#block{number}", "exec", dont_inherit=True), namespace)
        except Exception as error:  # pragma: no cover - the message is the point
            raise AssertionError(f"{page}, python block {number} failed: {type(error).__name__}: {error}") from error


def test_the_compose_a_pipeline_custom_task_gate_works(tmp_path: Path) -> None:
    """The how-to's plugin file and gate stage, run as written, drop long requests."""
    import json
    import os
    import subprocess
    import sys

    text = (DOCS / "how-to" / "compose-a-pipeline.md").read_text(encoding="utf-8")
    plugin = python_blocks(DOCS / "how-to" / "compose-a-pipeline.md")[0]
    gate = re.findall(r"```toml\n(.*?)```", text, re.DOTALL)[1]
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "short_requests.py").write_text(plugin)
    (folder / "examples.py").write_text(
        "from envfactory_core import hookimpl\n"
        "from envfactory_core.env.examples import bookshop, notes\n"
        "@hookimpl\n"
        "def register_environments(register):\n"
        "    register(bookshop)\n"
        "    register(notes)\n"
    )
    pipeline = tmp_path / "pipeline.toml"
    pipeline.write_text(
        "[run]\nseed = 1\ntasks = 6\n\n"
        '[[stage]]\nstage = "environments"\noptions = { names = ["bookshop", "notes"] }\n\n'
        '[[stage]]\nstage = "graph"\n\n[[stage]]\nstage = "sample"\noptions = { max_tools = 3 }\n\n'
        '[[stage]]\nstage = "ground"\n\n[[stage]]\nstage = "write"\n\n[[stage]]\nstage = "refine"\n\n'
        + gate.replace("max_characters = 400", "max_characters = 80")
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("ENVFACTORY_")}
    env["ENVFACTORY_LOAD_PLUGINS"] = ""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from envfactory_core.cli import main; main()",
            "--plugins-dir",
            str(folder),
            "run",
            str(pipeline),
            "--out",
            str(tmp_path / "run"),
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["dropped_by_reason"].get("gate: local/short_requests", 0) > 0


def test_the_tutorial_environment_yields_tasks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tutorial says `envfactory run` samples tasks from the finished bike_rental: it does."""
    import json
    import types

    from click.testing import CliRunner

    from envfactory_core import hookimpl
    from envfactory_core.cli.app import App
    from envfactory_core.cli.run import run_command
    from envfactory_core.pipeline import DEFAULT_PIPELINE
    from envfactory_core.plugins import make_plugin_manager

    namespace: dict[str, object] = {"__name__": "tutorial"}
    for block in python_blocks(DOCS / "tutorial" / "write-an-environment.md")[:3]:  # declare, tools, seed
        exec(compile(block, "tutorial", "exec", dont_inherit=True), namespace)
    plugin = types.ModuleType("tutorial_plugin")

    @hookimpl
    def register_environments(register: object) -> None:
        register(namespace["bikes"])  # type: ignore[operator]

    plugin.register_environments = register_environments  # type: ignore[attr-defined]
    monkeypatch.setenv("ENVFACTORY_LOAD_PLUGINS", "")
    app = App(make_plugin_manager(plugins=(("tutorial", plugin),)))
    pipeline = tmp_path / "pipeline.toml"
    pipeline.write_text(
        DEFAULT_PIPELINE.replace("domains = [], include_evaluation = false", 'names = ["bike_rental"]').replace(
            "tasks = 40", "tasks = 5"
        )
    )
    result = CliRunner().invoke(run_command, [str(pipeline), "--out", str(tmp_path / "run"), "--json"], obj=app)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["kept"] == 5, summary["dropped_by_reason"]
