"""Shared, expensive fixtures of the envgen tests: the shared OpenAPI documents built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from envfactory_core.envgen.build import BuildSummary, run_build
from envfactory_core.registry import Registry
from envfactory_core.testing import fresh_plugin_manager
from envfactory_core.testing.shared_data import requires_shared, shared_external

OPENAPI = shared_external("openapi", anchor=__file__)
needs_openapi = requires_shared(OPENAPI)
DOCUMENTS = sorted(OPENAPI.glob("*.yaml"))


@pytest.fixture(scope="session")
def shared_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildSummary, Path]:
    """Every shared OpenAPI document built with core/crud and validated in the sandbox, once."""
    if not OPENAPI.is_dir():
        pytest.skip(f"the shared OpenAPI documents are not at {OPENAPI} (set ENVFACTORY_SHARED_DIR)")
    assert len(DOCUMENTS) == 7, f"expected the seven shared documents in {OPENAPI}"
    run_dir = tmp_path_factory.mktemp("envgen-shared") / "run"
    registry = Registry(fresh_plugin_manager())
    summary = run_build([str(path) for path in DOCUMENTS], registry=registry, run_dir=run_dir)
    return summary, run_dir
