"""``envfactory --help`` and ``envfactory envs list`` import no plugin SDK and no heavy library.

Every command builds the plugin manager, which imports every installed plugin's entry-point module.
Those modules, the core's built-in plugins and the commands' listing must therefore stay light:
a plugin's code (and its SDK) is imported when one of its components or commands is used. Each
test runs the command in a fresh interpreter with the installed plugins and reads back the
modules it imported.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = (
    "anthropic",
    "datasets",
    "httpx",
    "mcp",
    "numpy",
    "openai",
    "pandas",
    "pyarrow",
    "pydantic",
    "ray",
    "sqlite_utils",
    "starlette",
    "torch",
    "transformers",
    "trl",
    "uvicorn",
    "verl",
)
"""Top-level packages neither command may import: the plugins' SDKs and what the LLM stack and the store pull in."""

RUN = """
import json, sys
out, argv = sys.argv[1], sys.argv[2:]
from envfactory_core.cli import main
try:
    main(argv)
except SystemExit as stop:
    code = stop.code
else:
    code = 0
with open(out, "w", encoding="utf-8") as handle:
    json.dump({"code": code, "modules": sorted(sys.modules)}, handle)
"""


def _imported(tmp_path: Path, *argv: str) -> tuple[str, set[str]]:
    """The command's stdout and the modules imported by the time it returned."""
    out = tmp_path / "modules.json"
    environment = {key: value for key, value in os.environ.items() if not key.startswith("ENVFACTORY_")}
    result = subprocess.run(
        [sys.executable, "-c", RUN, str(out), *argv],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["code"] in (0, None), result.stderr
    return result.stdout, set(report["modules"])


def _plugin_modules() -> dict[str, str]:
    """Installed entry points: name -> the module the entry point names."""
    return {
        entry_point.name: entry_point.value.split(":", 1)[0]
        for entry_point in importlib.metadata.entry_points(group="envfactory")
    }


def _heavy(modules: set[str]) -> list[str]:
    return sorted({name.split(".", 1)[0] for name in modules} & set(HEAVY))


@pytest.mark.parametrize("argv", [("--help",), ("envs", "list")], ids=["help", "envs-list"])
def test_listing_commands_import_no_heavy_module(tmp_path: Path, argv: tuple[str, ...]) -> None:
    stdout, modules = _imported(tmp_path, *argv)
    assert stdout.strip()
    plugins = _plugin_modules()
    assert not [name for name, module in plugins.items() if module not in modules], "every plugin is discovered"
    assert _heavy(modules) == []


def test_help_lists_plugin_commands_without_importing_them(tmp_path: Path) -> None:
    stdout, modules = _imported(tmp_path, "--help")
    plugins = _plugin_modules()
    if "mcp" in plugins:
        assert "serve" in stdout
        assert "envfactory_mcp.cli" not in modules
    for name in ("trl", "verl"):
        if name in plugins:
            assert f"envfactory_{name}.cli" not in modules
    assert "envfactory_core.cli.run" not in modules
    assert "envfactory_core.pipeline" not in modules


def test_a_command_imports_its_module_when_it_runs(tmp_path: Path) -> None:
    _, modules = _imported(tmp_path, "envs", "list")
    assert "envfactory_core.cli.envs" in modules
    assert "envfactory_core.cli.run" not in modules
