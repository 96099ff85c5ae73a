"""Shared, expensive fixtures of the envgen tests: the shared OpenAPI documents built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from envfactory_envgen import plugin as envgen_plugin
from envfactory_envgen.build import BuildSummary, run_build
from envfactory_testing import fresh_plugin_manager
from envfactory_testing.shared_data import requires_shared, shared_external

from envfactory_core.plugins import PluginManager
from envfactory_core.registry import Registry

OPENAPI = shared_external("openapi", anchor=__file__)
needs_openapi = requires_shared(OPENAPI)
DOCUMENTS = sorted(OPENAPI.glob("*.yaml"))


def envgen_plugin_manager() -> PluginManager:
    """The built-in plugins and this one (namespace ``envgen``), without other installed plugins."""
    return fresh_plugin_manager(plugins=[("envgen", envgen_plugin)])


@pytest.fixture
def plugin_manager() -> PluginManager:
    """The core pytest plugin's fixture, with the envgen plugin added."""
    return envgen_plugin_manager()


@pytest.fixture(scope="session")
def shared_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildSummary, Path]:
    """Every shared OpenAPI document built with envgen/crud and validated in the sandbox, once."""
    if not OPENAPI.is_dir():
        pytest.skip(f"the shared OpenAPI documents are not at {OPENAPI} (set ENVFACTORY_SHARED_DIR)")
    assert len(DOCUMENTS) == 7, f"expected the seven shared documents in {OPENAPI}"
    run_dir = tmp_path_factory.mktemp("envgen-shared") / "run"
    registry = Registry(envgen_plugin_manager())
    summary = run_build([str(path) for path in DOCUMENTS], registry=registry, run_dir=run_dir)
    return summary, run_dir
