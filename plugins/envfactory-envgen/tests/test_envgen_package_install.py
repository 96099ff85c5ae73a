"""Must-show 2: the verified environments of the shared documents, packaged, install with pip and
their own tests pass; installed, they appear in `envfactory envs list`."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from envfactory_envgen.build import BuildSummary

from envfactory_core.cli import build_cli
from envfactory_core.cli.app import App

from .conftest import envgen_plugin_manager

pytestmark = pytest.mark.slow

DIST = "envfactory-openapi-samples"


def _environment(**extra: str) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("ENVFACTORY_", "PYTEST_"))}
    environment.update(extra)
    return environment


@pytest.fixture(scope="session")
def installed(shared_build: tuple[BuildSummary, Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The package written from the shared build and installed with pip into a target folder, once."""
    if importlib.util.find_spec("hatchling") is None:
        pytest.fail("hatchling is needed to build the generated package offline; it is in the test requirements")
    _, run_dir = shared_build
    out = tmp_path_factory.mktemp("envgen-package") / "dist"
    runner = CliRunner()
    result = runner.invoke(
        build_cli(App(envgen_plugin_manager())),
        ["envgen", "package", str(run_dir), "--out", str(out), "--name", DIST, "--json"],
    )
    assert result.exit_code == 0, result.output
    target = tmp_path_factory.mktemp("envgen-site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-build-isolation",
            "--no-deps",
            "--no-index",
            "--target",
            str(target),
            str(out),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return out, target


def test_the_package_has_pyproject_modules_scenarios_and_tests(installed: tuple[Path, Path]) -> None:
    out, target = installed
    pyproject = (out / "pyproject.toml").read_text(encoding="utf-8")
    assert f'name = "{DIST}"' in pyproject
    assert "[project.entry-points.envfactory]" in pyproject
    assert 'openapi_samples = "envfactory_openapi_samples.plugin"' in pyproject
    package = out / "src" / "envfactory_openapi_samples"
    modules = sorted(path.stem for path in package.glob("*.py") if path.stem not in ("__init__", "plugin"))
    assert len(modules) == 7
    assert all((package / "scenarios" / f"{name}.json").is_file() for name in modules)
    assert "trusted=True" in (package / "swagger_petstore_v3.py").read_text(encoding="utf-8")
    report = json.loads((package / "build_report.json").read_text(encoding="utf-8"))
    assert report["environments"]["swagger_petstore_v3"]["skipped_operations"]
    assert (target / "envfactory_openapi_samples" / "scenarios" / "twilio_sync_v1.json").is_file()
    assert list(target.glob("envfactory_openapi_samples-0.1.0.dist-info"))


def test_the_installed_environments_appear_in_envs_list(installed: tuple[Path, Path]) -> None:
    _, target = installed
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from envfactory_core.cli import main; main()",
            "envs",
            "list",
            "--domain",
            "generated",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=_environment(PYTHONPATH=str(target)),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    names = {row["name"] for row in json.loads(result.stdout)}
    assert {"swagger_petstore_v3", "twilio_sync_v1", "harbor_v2_0_swagger", "typespec_todoapp"} <= names
    assert len(names) == 7


def test_the_packages_own_tests_pass(installed: tuple[Path, Path]) -> None:
    out, target = installed
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(out / "tests")],
        capture_output=True,
        text=True,
        env=_environment(PYTHONPATH=str(target)),
        cwd=str(out),
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "15 passed" in result.stdout  # 7 conformance + 7 scenario tests + the plugin test
