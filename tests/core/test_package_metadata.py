"""Every distribution in the repository follows the same packaging habits.

One name for the test extra (so ``pip install "./plugins/X[test]"`` works for any X), one statement
of each version (so a release bumps one line per package), and a ``py.typed`` marker (so users'
type checkers read the annotations we check with ``mypy --strict``).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
GROUPS = ("plugins", "domains")
PROJECTS = [ROOT, *sorted(path.parent for group in GROUPS for path in (ROOT / group).glob("*/pyproject.toml"))]
VERSION_LITERAL = re.compile(r"^__version__\s*=\s*['\"]", re.MULTILINE)


def _project(folder: Path) -> dict[str, Any]:
    with (folder / "pyproject.toml").open("rb") as handle:
        data: dict[str, Any] = tomllib.load(handle)
    return data


def _packages(folder: Path) -> list[Path]:
    wheel = _project(folder).get("tool", {}).get("hatch", {}).get("build", {}).get("targets", {}).get("wheel", {})
    return [folder / package for package in wheel.get("packages", [])]


def _label(folder: Path) -> str:
    return folder.relative_to(ROOT).as_posix() or "."


@pytest.mark.parametrize("folder", PROJECTS, ids=_label)
def test_the_test_extra_is_called_test(folder: Path) -> None:
    extras = _project(folder)["project"].get("optional-dependencies", {})
    assert "test" in extras, f"{_label(folder)} has no `test` extra"
    assert "testing" not in extras, f"{_label(folder)} still has a `testing` extra"


@pytest.mark.parametrize("folder", PROJECTS, ids=_label)
def test_the_version_is_stated_once(folder: Path) -> None:
    project = _project(folder)
    literals = [
        path
        for package in _packages(folder)
        for path in package.rglob("*.py")
        if VERSION_LITERAL.search(path.read_text())
    ]
    if "version" in project["project"].get("dynamic", []):
        source = folder / project["tool"]["hatch"]["version"]["path"]
        assert literals == [source], f"{_label(folder)}: the version is read from {source}, so only it may state it"
    else:
        assert "version" in project["project"]
        assert not literals, f"{_label(folder)} states its version in pyproject.toml and again in {literals}"


@pytest.mark.parametrize("folder", PROJECTS, ids=_label)
def test_every_package_is_marked_typed(folder: Path) -> None:
    packages = _packages(folder)
    assert packages, f"{_label(folder)} names no wheel package"
    for package in packages:
        assert (package / "py.typed").is_file(), f"{package.relative_to(ROOT)} has no py.typed"


def test_the_requirement_files_and_sessions_ask_for_the_test_extra() -> None:
    for name in ["requirements-test.txt", "noxfile.py"]:
        text = (ROOT / name).read_text()
        assert "testing]" not in text, name
        assert "testing," not in text, name
