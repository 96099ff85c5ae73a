"""Subclassing EnvironmentPackageTests runs the standard checks once per environment, and only those kept."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

EXAMPLES_PACKAGE = """\
from envfactory_core.env import environments_plugin
from envfactory_core.env.examples import bookshop, notes
from envfactory_testing import EnvironmentPackageTests


class TestExamples(EnvironmentPackageTests):
    environments = (bookshop, notes)
    plugin = environments_plugin({plugin_environments})
    domain = "examples"
    hash_seeds = (0, 3)
{extra}
"""


def _run(tmp_path: Path, source: str) -> tuple[str, dict[str, int]]:
    (tmp_path / "test_examples_package.py").write_text(source, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", "test_examples_package.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    counts = {
        outcome: int(number) for number, outcome in re.findall(r"(\d+) (passed|failed|error|skipped)", result.stdout)
    }
    return result.stdout + result.stderr, counts


def test_every_check_runs_once_per_environment_and_names_what_failed(tmp_path: Path) -> None:
    output, counts = _run(tmp_path, EXAMPLES_PACKAGE.format(extra="", plugin_environments="(bookshop, notes)"))
    # Six checks on two environments and one on the plugin; the examples are not shipped domain
    # environments, so their shape fails.
    assert counts == {"passed": 11, "failed": 2}, output
    assert "TestExamples::test_shape_of_a_domain_environment[bookshop]" in output
    assert "bookshop: provenance url '' is not https" in output
    assert "notes: the policy is blank" in output


def test_a_package_removes_a_check_by_name(tmp_path: Path) -> None:
    removed = ("test_environment_conforms", "test_shape_of_a_domain_environment", "test_size_scales_the_state")
    extra = "".join(f"    {name} = None\n" for name in removed)
    output, counts = _run(tmp_path, EXAMPLES_PACKAGE.format(extra=extra, plugin_environments="(bookshop, notes)"))
    assert counts == {"passed": 7}, output
    assert "skipped" not in output


def test_a_plugin_that_misses_an_environment_fails(tmp_path: Path) -> None:
    output, counts = _run(tmp_path, EXAMPLES_PACKAGE.format(extra="", plugin_environments="(notes,)"))
    assert counts == {"passed": 10, "failed": 3}, output
    assert "TestExamples::test_plugin_registers_the_environments" in output
    assert "examples/bookshop" in output


def test_a_class_without_environments_is_a_usage_error(tmp_path: Path) -> None:
    source = (
        "from envfactory_testing import EnvironmentPackageTests\n\n\n"
        "class TestNothing(EnvironmentPackageTests):\n"
        "    pass\n"
    )
    output, counts = _run(tmp_path, source)
    assert "TestNothing: set `environments` and `domain` on the class" in output
    assert "passed" not in counts
