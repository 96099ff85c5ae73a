"""Shared, expensive fixtures of the envgen tests: the shared OpenAPI documents built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from envfactory_core.envgen.build import BuildSummary, run_build
from envfactory_core.registry import Registry
from envfactory_core.testing import fresh_plugin_manager

OPENAPI = Path(__file__).resolve().parents[3] / "shared" / "external" / "openapi"
DOCUMENTS = sorted(OPENAPI.glob("*.yaml"))


@pytest.fixture(scope="session")
def shared_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildSummary, Path]:
    """Every shared OpenAPI document built with core/crud and validated in the sandbox, once."""
    assert len(DOCUMENTS) == 7, f"expected the seven shared documents in {OPENAPI}"
    run_dir = tmp_path_factory.mktemp("envgen-shared") / "run"
    registry = Registry(fresh_plugin_manager())
    summary = run_build([str(path) for path in DOCUMENTS], registry=registry, run_dir=run_dir)
    return summary, run_dir
