"""A real plugin distribution, installed with pip, is discovered through its entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

DIST = "envfactory-test-discovery-plugin"
ENTRY = "discoveryplug"

PYPROJECT = f"""
[build-system]
requires = ["setuptools>=70.1"]
build-backend = "setuptools.build_meta"

[project]
name = "{DIST}"
version = "1.2.3"
dependencies = []

[project.entry-points.envfactory]
{ENTRY} = "envfactory_test_discovery_plugin"

[tool.setuptools]
py-modules = ["envfactory_test_discovery_plugin"]
"""

MODULE = """
from types import SimpleNamespace
from envfactory_core import hookimpl

@hookimpl
def register_environment_checks(register):
    register(SimpleNamespace(name="installed_check", description="Registered by an installed plugin."))
"""


def _envfactory(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("ENVFACTORY_")}
    environment.update(env)
    command = [sys.executable, "-c", "from envfactory_core.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, env=environment, check=False)


def _pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args], check=True, capture_output=True, text=True)


def _names(result: subprocess.CompletedProcess[str]) -> set[str]:
    assert result.returncode == 0, result.stderr
    return {plugin["name"] for plugin in json.loads(result.stdout)}


def test_installed_plugin_is_discovered_and_controlled_by_environment_variables(tmp_path: Path) -> None:
    try:
        import setuptools  # noqa: F401
    except ImportError:
        pytest.fail("setuptools is needed to build the test plugin; it is in the test requirements")
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent(PYPROJECT))
    (tmp_path / "envfactory_test_discovery_plugin.py").write_text(textwrap.dedent(MODULE))
    _pip("install", "--no-build-isolation", "--no-deps", "--no-index", "--quiet", str(tmp_path))
    try:
        listed = _envfactory("plugins", "--json")
        plugins = {plugin["name"]: plugin for plugin in json.loads(listed.stdout)}
        assert ENTRY in plugins, listed.stderr
        mine = plugins[ENTRY]
        assert mine["distribution"] == DIST
        assert mine["version"] == "1.2.3"
        assert mine["hooks"] == ["register_environment_checks"]
        assert mine["components"] == {"environment_check": [f"{ENTRY}/installed_check"]}
        assert "core.commands" in plugins

        assert ENTRY not in _names(_envfactory("plugins", "--json", ENVFACTORY_DISABLE_PLUGINS=ENTRY))
        assert ENTRY not in _names(_envfactory("plugins", "--json", ENVFACTORY_DISABLE_PLUGINS=DIST))
        only_builtins = _names(_envfactory("plugins", "--json", ENVFACTORY_LOAD_PLUGINS=""))
        assert only_builtins
        assert all(name.startswith("core.") for name in only_builtins)
        assert ENTRY in _names(_envfactory("plugins", "--json", ENVFACTORY_LOAD_PLUGINS=ENTRY))
    finally:
        _pip("uninstall", "--yes", "--quiet", DIST)
    assert ENTRY not in _names(_envfactory("plugins", "--json"))
