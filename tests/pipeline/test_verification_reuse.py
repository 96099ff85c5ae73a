"""Verification results are kept by content id: unchanged environments are not verified twice."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from envfactory_core.pipeline.verification import VerificationCache, check_key, environment_content_id
from envfactory_core.plugins import load_module_from_path

from .conftest import envfactory_command

pytestmark = pytest.mark.slow

ENVIRONMENT = '''
from envfactory_core.env import Context, Environment, table

environment = Environment(
    name="counter{suffix}",
    domain="tests",
    description="One counter.",
    tables=[table("counters", primary_key="name", name=str, value=int)],
)


@environment.tool(effect="read")
def read_counter(ctx: Context, name: str) -> dict[str, int]:
    """Read a counter.

    Args:
        name: The counter.
    """
    return {{"value": {value}}}
'''


def _content_id(folder: Path, value: int) -> str | None:
    """The content id of the same environment, its tool returning ``value``, defined in ``folder``."""
    folder.mkdir()
    path = folder / "counter.py"
    path.write_text(ENVIRONMENT.format(suffix="", value=value))
    return environment_content_id(load_module_from_path(path).environment)


def test_the_content_id_changes_with_the_code_and_only_with_it(tmp_path: Path) -> None:
    first = _content_id(tmp_path / "a", 1)
    second = _content_id(tmp_path / "b", 1)
    changed = _content_id(tmp_path / "c", 2)
    assert first is not None
    assert first == second
    assert changed != first


def test_the_cache_keeps_results_by_check_key_and_survives_damage(tmp_path: Path) -> None:
    from envfactory_core.default_plugins.checks import ConformanceCheck
    from envfactory_core.env.examples import notes

    key = check_key(notes, "core/conformance", ConformanceCheck())
    assert key is not None
    cache = VerificationCache(tmp_path / "cache.sqlite")
    cache.put(key, '{"ok": true}')
    cache.close()
    assert VerificationCache(tmp_path / "cache.sqlite").get(key) == '{"ok": true}'
    (tmp_path / "cache.sqlite").write_bytes(b"not a database" * 100)
    damaged = VerificationCache(tmp_path / "cache.sqlite")
    assert damaged.get(key) is None  # a damaged cache is set aside, never an error
    damaged.close()


def _run(pipeline_file: Path, out: Path, plugins_dir: Path, cache: Path, *extra: str) -> dict[str, object]:
    command, env = envfactory_command(
        "run", str(pipeline_file), "--out", str(out), "--json", *extra, plugins_dir=plugins_dir
    )
    env["ENVFACTORY_CACHE_DIR"] = str(cache)
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    summary = json.loads(done.stdout)
    verify = next(stage for stage in summary["stages"] if stage["stage"] == "verify")
    detail: dict[str, object] = verify["detail"]
    return detail


def test_a_new_run_over_unchanged_environments_skips_verification(
    tmp_path: Path, plugins_dir: Path, pipeline_file: Path
) -> None:
    cache = tmp_path / "cache"
    first = _run(pipeline_file, tmp_path / "one", plugins_dir, cache)
    assert (first["verified"], first["skipped"]) == (2, 0)
    second = _run(pipeline_file, tmp_path / "two", plugins_dir, cache)
    assert (second["verified"], second["skipped"]) == (0, 2)
    assert second["passed"] == first["passed"]
    forced = _run(pipeline_file, tmp_path / "three", plugins_dir, cache, "--reverify")
    assert (forced["verified"], forced["skipped"]) == (2, 0)
    root = tmp_path / "one" / "exports"
    for path in root.rglob("*.jsonl"):
        assert path.read_bytes() == (tmp_path / "two" / "exports" / path.relative_to(root)).read_bytes()
