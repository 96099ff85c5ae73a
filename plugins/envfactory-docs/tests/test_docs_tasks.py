"""``envfactory docs tasks RUN``: the task-yield section written into a page, in place, and checked."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from envfactory_docs import plugin as docs_plugin
from envfactory_testing import fresh_plugin_manager

from envfactory_core import hookimpl
from envfactory_core.cli import build_cli
from envfactory_core.cli.app import App
from envfactory_core.env.examples import bookshop, notes

START, END = "<!-- task-yield:start -->", "<!-- task-yield:end -->"


class ExamplesPlugin:
    """Registers the SDK's example environments like an installed domain package."""

    @hookimpl
    def register_environments(self, register: Callable[..., None]) -> None:
        register(bookshop)
        register(notes)


def invoke(*args: str) -> Result:
    app = App(fresh_plugin_manager(plugins=[("examples", ExamplesPlugin()), ("docs", docs_plugin)]))
    return CliRunner().invoke(build_cli(app), list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("tasks") / "run"
    result = invoke("tasks", "make", "--chains", "12", "--seed", "5", "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    return out, json.loads(result.stdout)


def section_of(text: str) -> str:
    assert text.count(START) == 1, text
    assert text.count(END) == 1, text
    return text.split(START, 1)[1].split(END, 1)[0]


def test_docs_tasks_starts_a_missing_page_with_the_section(made: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    out, stats = made
    page = tmp_path / "tasks.md"
    result = invoke("docs", "tasks", str(out), "--out", str(page), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"path": str(page), "changed": True, "stats": stats}
    text = page.read_text(encoding="utf-8")
    assert text.startswith("# Tasks\n")
    section = section_of(text)
    assert "tasks make --chains 12 --seed 5 --out RUN" in section
    assert "`envfactory docs tasks RUN --out PAGE`" in section
    assert f"| Chains sampled along the tool graph | {stats['sampled']} |" in section
    assert f"| Kept: grounded and passing every quality gate | {stats['kept']} (" in section
    for reason, count in stats["dropped_by_reason"].items():
        assert f"| `{reason}` | {count} |" in section


def test_docs_tasks_replaces_the_section_in_place_and_keeps_the_page_around_it(
    made: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    out, _ = made
    page = tmp_path / "tasks.md"
    intro = "# Grounded tasks\n\nHow tasks are made, in prose.\n\n"
    outro = "## Further reading\n\nThe gates, one by one.\n"
    page.write_text(f"{intro}{START}\nfigures from an old run\n{END}\n\n{outro}", encoding="utf-8")
    assert invoke("docs", "tasks", str(out), "--out", str(page), "--check").exit_code == 1
    assert invoke("docs", "tasks", str(out), "--out", str(page)).exit_code == 0
    first = page.read_text(encoding="utf-8")
    assert first.startswith(intro + START)
    assert first.endswith(END + "\n\n" + outro)
    assert "old run" not in first
    assert "Chains sampled along the tool graph" in section_of(first)
    assert invoke("docs", "tasks", str(out), "--out", str(page)).exit_code == 0
    assert page.read_text(encoding="utf-8") == first
    assert invoke("docs", "tasks", str(out), "--out", str(page), "--check").exit_code == 0
