"""``envfactory envgen package``: verified environments as an installable domain distribution.

The distribution has the generated modules (marked trusted: installing is the point where the code
is accepted and then runs in-process), their scenarios as JSON package data, a build report (what
each source gave, what was left out and why), a plugin module registering the environments under
the entry-point group ``envfactory``, and tests that run the conformance kit and the scenarios.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from envfactory_core.errors import ConfigError, Problem
from envfactory_core.store import RunStore

from .naming import identifier
from .records import GeneratedEnvironment
from .validate.checkpoints import BuildRow, Checkpoints

__all__ = ["build_rows", "latest_verified", "trusted_code", "write_package"]

_DIST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")


def _stores(run_dir: str | Path) -> list[Path]:
    """The run stores of a build: ``RUN`` itself, and one per document of a batch (``RUN/documents/*``)."""
    root = Path(run_dir)
    found = [root] if (root / "run.sqlite").exists() else []
    documents = root / "documents"
    if documents.is_dir():
        found.extend(sorted(path for path in documents.iterdir() if (path / "run.sqlite").exists()))
    return found


def _builds(run_dir: str | Path) -> list[BuildRow]:
    """Every build recorded in the run stores at ``run_dir`` (a single build's or a batch's)."""
    rows: list[BuildRow] = []
    stores = _stores(run_dir)
    if not stores:
        RunStore(run_dir, create=False).close()  # the store's own clear error for a folder without one
    for path in stores:
        store = RunStore(path, create=False)
        try:
            rows.extend(Checkpoints(store).builds())
        finally:
            store.close()
    return rows


def latest_verified(run_dir: str | Path) -> list[GeneratedEnvironment]:
    """The last verified build of each environment in the run at ``run_dir``."""
    return _latest_verified(_builds(run_dir))


def build_rows(run_dir: str | Path) -> list[dict[str, Any]]:
    """One row per build in the run: document, environment, operations, tools, skipped, tables, scenarios, status."""
    rows = []
    for build in _builds(run_dir):
        generated = build.generated
        tools = len(generated.spec.tools) if generated else 0
        skipped = len(generated.skipped) if generated else 0
        rows.append(
            {
                "document": Path(build.source).name,
                "environment": build.name,
                "operations": tools + skipped,
                "tools": tools,
                "skipped": skipped,
                "tables": len(generated.spec.state_schema.tables) if generated else 0,
                "scenarios": len(generated.scenarios) if generated else 0,
                "status": build.status,
                "iterations": build.iterations,
                "reason": build.reason,
            }
        )
    return rows


def trusted_code(code: str) -> str:
    """The module with ``trusted=False`` in its ``Environment(...)`` turned to ``trusted=True``."""
    return re.sub(r"(\btrusted\s*=\s*)False\b", r"\1True", code, count=1)


def _latest_verified(builds: list[BuildRow]) -> list[GeneratedEnvironment]:
    chosen: dict[str, GeneratedEnvironment] = {}
    for build in builds:
        if build.status == "verified" and build.generated is not None:
            chosen[build.name] = build.generated
    return list(chosen.values())


_PYPROJECT = """\
[build-system]
requires = ["hatchling>=1.25"]
build-backend = "hatchling.build"

[project]
name = "{dist}"
version = "0.1.0"
description = "Stateful tool environments generated and verified by envfactory envgen: {names}."
readme = "README.md"
requires-python = ">=3.11"
# Generated modules import the shared CRUD rules of envfactory-envgen at run time.
dependencies = ["envfactory-core>=0.1", "envfactory-envgen>=0.1"]

[project.optional-dependencies]
test = ["envfactory-testing>=0.1", "pytest>=8", "hypothesis>=6.100"]

[project.entry-points.envfactory]
{entry} = "{package}.plugin"

[tool.hatch.build.targets.wheel]
packages = ["src/{package}"]
"""

_PLUGIN = '''\
"""The envfactory plugin of {dist}: registers its generated environments."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from envfactory_core import hookimpl

MODULES = {modules!r}
"""The environment modules of this package, one environment each."""


def environments() -> list[Any]:
    return [import_module(f"{{__package__}}.{{name}}").environment for name in MODULES]


@hookimpl
def register_environments(register: Any) -> None:
    for environment in environments():
        register(environment, name=environment.name)
'''

_TESTS = '''\
"""The package's own checks: every environment passes the conformance kit and its scenarios."""

from __future__ import annotations

import json
from importlib import import_module, resources

import pytest

from envfactory_core.contracts import ENVIRONMENT
from envfactory_core.plugins import make_plugin_manager
from envfactory_core.registry import Registry
from envfactory_envgen.validate.scenarios import run_scenarios
from envfactory_testing import assert_environment_conforms
from {package}.plugin import MODULES


def _environment(name: str):
    return import_module(f"{package}.{{name}}").environment


@pytest.mark.parametrize("name", MODULES)
def test_{package}_environment_conforms(name: str) -> None:
    assert_environment_conforms(_environment(name), sequences=4, calls_per_sequence=10, max_examples=4)


@pytest.mark.parametrize("name", MODULES)
def test_{package}_scenarios_pass(name: str) -> None:
    text = resources.files("{package}").joinpath("scenarios", f"{{name}}.json").read_text(encoding="utf-8")
    scenarios = json.loads(text)
    assert scenarios, "every environment ships scenarios"
    failed = [result.summary() for result in run_scenarios(_environment(name), scenarios) if not result.passed]
    assert not failed, "\\n".join(failed)


def test_{package}_plugin_registers_every_environment() -> None:
    plugin = import_module("{package}.plugin")
    registry = Registry(make_plugin_manager(load_entrypoints=False, plugins=[("{entry}", plugin)]))
    names = {{entry.component.name for entry in registry.components(ENVIRONMENT) if entry.namespace == "{entry}"}}
    assert names == set(MODULES)
'''


def _readme(dist: str, entry: str, generated: list[GeneratedEnvironment]) -> str:
    lines = [
        f"# {dist}",
        "",
        "Stateful tool environments generated by `envfactory envgen build` and verified by running their checks",
        "(the conformance kit and scenario tests), packaged with `envfactory envgen package`.",
        "",
        f"Install with `pip install .`; the environments then appear in `envfactory envs list` as `{entry}/NAME`.",
        "Installed code is trusted and runs in-process: read the modules under `src/` before installing.",
        "",
        "| environment | source | tools | tables | scenarios | operations left out |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for item in generated:
        source = item.resources[0].uri if item.resources else item.spec.provenance.source
        lines.append(
            f"| {item.name} | {Path(source).name} | {len(item.spec.tools)} | {len(item.spec.state_schema.tables)} | "
            f"{len(item.scenarios)} | {len(item.skipped)} |"
        )
    lines += ["", "## Provenance", ""]
    for item in generated:
        provenance = item.spec.provenance
        bits = [provenance.source, provenance.url, f"licence: {provenance.license}" if provenance.license else ""]
        lines.append(f"- **{item.name}**: {', '.join(bit for bit in bits if bit)}; built by {item.builder}.")
    lines += ["", "`build_report.json` in the package lists every operation left out and why.", ""]
    return "\n".join(lines)


def write_package(run_dir: str | Path, out: str | Path, dist: str, *, force: bool = False) -> dict[str, Any]:
    """Write the distribution; return what was written."""
    out_dir = Path(out)
    if not _DIST.match(dist):
        raise ConfigError(
            "bad distribution name",
            [
                Problem(
                    location="--name",
                    message=f"{dist!r} is not a valid distribution name",
                    fix="use letters, digits, '-', '_' or '.', e.g. envfactory-petstore",
                )
            ],
        )
    if out_dir.exists() and any(out_dir.iterdir()) and not force:
        raise ConfigError(
            "the output folder is not empty",
            [
                Problem(
                    location=str(out_dir), message="holds files already", fix="choose an empty folder or pass --force"
                )
            ],
        )
    builds = _builds(run_dir)
    generated = _latest_verified(builds)
    if not generated:
        failed = [f"{build.name}: {build.status}" for build in builds] or ["no builds"]
        raise ConfigError(
            f"{run_dir} has no verified environment to package",
            [Problem(location=str(run_dir), message="; ".join(failed)[:500], fix="fix the failures and build again")],
        )
    package = identifier(dist.replace("-", "_").replace(".", "_"), fallback="envs")
    entry = identifier(dist.removeprefix("envfactory-").replace("-", "_"), fallback="envs")
    source_dir = out_dir / "src" / package
    (source_dir / "scenarios").mkdir(parents=True, exist_ok=True)
    (out_dir / "tests").mkdir(parents=True, exist_ok=True)
    modules = []
    report: dict[str, Any] = {"distribution": dist, "entry_point": entry, "package": package, "environments": {}}
    for item in generated:
        modules.append(item.name)
        (source_dir / f"{item.name}.py").write_text(trusted_code(item.code), encoding="utf-8")
        (source_dir / "scenarios" / f"{item.name}.json").write_text(
            json.dumps(list(item.scenarios), indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
        )
        report["environments"][item.name] = {
            "source": item.resources[0].uri if item.resources else "",
            "builder": item.builder,
            "tools": [tool.name for tool in item.spec.tools],
            "scenarios": len(item.scenarios),
            "skipped_operations": [{"operation": s.operation, "reason": s.reason} for s in item.skipped],
            "skipped_parameters": [
                {"operation": s.operation, "parameter": s.parameter, "reason": s.reason}
                for s in item.skipped_parameters
            ],
            "code_id": item.code_id,
        }
    modules.sort()
    (source_dir / "__init__.py").write_text(
        f'"""{dist}: environments generated and verified by envfactory envgen ({", ".join(modules)})."""\n',
        encoding="utf-8",
    )
    (source_dir / "plugin.py").write_text(_PLUGIN.format(dist=dist, modules=tuple(modules)), encoding="utf-8")
    (source_dir / "build_report.json").write_text(json.dumps(report, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    (out_dir / "pyproject.toml").write_text(
        _PYPROJECT.format(dist=dist, names=", ".join(modules), entry=entry, package=package), encoding="utf-8"
    )
    (out_dir / "README.md").write_text(_readme(dist, entry, generated), encoding="utf-8")
    (out_dir / "tests" / f"test_{package}_environments.py").write_text(
        _TESTS.format(package=package, entry=entry), encoding="utf-8"
    )
    return {
        "distribution": dist,
        "package": package,
        "entry_point": entry,
        "out": str(out_dir),
        "environments": modules,
    }
