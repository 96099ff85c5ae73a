"""The plugin guides' examples work as written: the files they show are written out and run."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"
PLUGINS = DOCS / "plugins"


def blocks(page: Path, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", page.read_text(encoding="utf-8"), re.DOTALL)


def clean_environment(**extra: str) -> dict[str, str]:
    """The test's environment without the operator's plugin settings, and no installed plugin loaded."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("ENVFACTORY_")}
    environment["ENVFACTORY_LOAD_PLUGINS"] = ""
    environment.update(extra)
    return environment


def envfactory(*arguments: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from envfactory_core.cli import main; main()", *arguments],
        capture_output=True,
        text=True,
        env=clean_environment(**extra),
        check=False,
    )


def test_the_one_file_plugin_registers_the_reward_the_page_shows(tmp_path: Path) -> None:
    page = PLUGINS / "writing-a-plugin.md"
    folder = tmp_path / "my-plugins"
    folder.mkdir()
    (folder / "brevity.py").write_text(blocks(page, "python")[0])
    done = envfactory("--plugins-dir", str(folder), "components", "reward", "--json")
    assert done.returncode == 0, done.stderr
    shown = json.loads(blocks(page, "json")[0])
    assert shown in json.loads(done.stdout)


def test_the_packaged_plugin_declares_what_the_page_says() -> None:
    project = tomllib.loads(blocks(PLUGINS / "writing-a-plugin.md", "toml")[0])
    assert project["project"]["entry-points"]["envfactory"] == {"brevity": "envfactory_brevity.plugin"}
    assert "test" in project["project"]["optional-dependencies"]


def test_the_testing_page_tests_pass_against_the_packaged_plugin(tmp_path: Path) -> None:
    package = tmp_path / "src" / "envfactory_brevity"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "plugin.py").write_text(blocks(PLUGINS / "writing-a-plugin.md", "python")[0])
    tests = tmp_path / "tests"
    tests.mkdir()
    for number, block in enumerate(blocks(PLUGINS / "testing.md", "python"), start=1):
        (tests / f"test_page_block_{number}.py").write_text(block)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path), str(tests)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_environment(PYTHONPATH=str(tmp_path / "src")),
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "3 passed" in done.stdout


def test_the_domain_package_passes_its_standard_tests(tmp_path: Path) -> None:
    page = PLUGINS / "writing-a-domain.md"
    package = tmp_path / "src" / "envfactory_mobility"
    package.mkdir(parents=True)
    # The environment is the tutorial's (its first three blocks: state, tools, seed factory).
    tutorial = blocks(DOCS / "tutorial" / "write-an-environment.md", "python")
    (package / "bike_rental.py").write_text("\n\n".join(tutorial[:3]))
    init, test_module = blocks(page, "python")
    (package / "__init__.py").write_text(init)
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_mobility_conformance.py").write_text(test_module)
    project = tomllib.loads(blocks(page, "toml")[0])
    assert project["project"]["entry-points"]["envfactory"] == {"mobility": "envfactory_mobility:plugin"}
    assert "test" in project["project"]["optional-dependencies"]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path), str(tests)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_environment(PYTHONPATH=str(tmp_path / "src"), HYPOTHESIS_PROFILE="ci"),
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert " passed" in done.stdout
    assert "failed" not in done.stdout
