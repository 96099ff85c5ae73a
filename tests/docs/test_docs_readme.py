"""The README's sample summary is what `envfactory run` prints today (every cell but the times).

When the pipeline changes what a run gives, this test fails and prints the table to paste.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from envfactory_core.cli import App
from envfactory_core.cli.run import run_command
from envfactory_core.plugins import make_plugin_manager

README = Path(__file__).resolve().parents[2] / "README.md"


def _rows(table: str) -> list[tuple[str, str]]:
    """``(stage, result)`` of each body row of a rich table (the time column left out)."""
    rows: list[tuple[str, str]] = []
    for line in table.splitlines():
        if line.startswith("│"):
            cells = [cell.strip() for cell in line.strip("│").split("│")]
            if not cells[0] and rows:  # a result folded onto the next line, at any table width
                rows[-1] = (rows[-1][0], f"{rows[-1][1]} {cells[1]}")
            else:
                rows.append((cells[0], cells[1]))
    return rows


def _readme_table() -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"```\n( *envfactory run → envfactory-out\n.*?)```", text, re.DOTALL)
    assert match, "README.md has no sample summary of `envfactory run`"
    return match.group(1)


@pytest.mark.slow
def test_the_readme_summary_is_what_a_run_prints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("ENVFACTORY_CACHE_DIR", str(tmp_path / "cache"))  # a first run, as a new user makes
    result = CliRunner().invoke(run_command, ["--quiet"], obj=App(make_plugin_manager()))
    assert result.exit_code == 0, result.output
    actual = _rows(result.stdout)
    assert actual, result.stdout
    assert _rows(_readme_table()) == actual, "README.md's sample summary is stale; a run prints:\n" + result.stdout
