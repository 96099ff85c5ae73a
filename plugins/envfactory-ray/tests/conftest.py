"""One local Ray instance (2 CPUs) for the whole test session, and a helper to run the CLI.

The executor reuses a Ray this process already initialized and leaves it running, so every test
shares this instance instead of paying Ray's start-up for each run.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from envfactory_core.cli import build_cli
from envfactory_core.cli.app import App
from envfactory_core.plugins import make_plugin_manager


@pytest.fixture(scope="session")
def ray_session() -> Iterator[Any]:
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    import ray

    ray.init(address="local", num_cpus=2, include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False)
    try:
        yield ray
    finally:
        ray.shutdown()


@pytest.fixture(scope="session")
def envfactory() -> Callable[..., Result]:
    """``envfactory ARGS...`` in this process (so runs share the session's Ray)."""

    def invoke(*args: str | Path, plugins_dir: Path | None = None) -> Result:
        directories = (str(plugins_dir),) if plugins_dir else ()
        app = App(make_plugin_manager(plugins_dirs=directories), plugins_dirs=directories)
        return CliRunner().invoke(build_cli(app), [str(arg) for arg in args], catch_exceptions=False)

    return invoke
