"""``envfactory docs examples``: docs/examples/tasks.md is generated from the shipped domains and must not go stale."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from envfactory_docs import plugin as docs_plugin
from envfactory_docs.examples import render_examples
from envfactory_testing import fresh_plugin_manager

from envfactory_core import hookimpl, load_registry
from envfactory_core.cli import build_cli
from envfactory_core.cli.app import App
from envfactory_core.env.examples import bookshop, notes

DOMAINS = ("commerce", "finance", "travel", "office", "lifestyle", "academia", "utilities")
PAGE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "tasks.md"


@pytest.mark.slow
def test_the_example_tasks_page_is_up_to_date(tmp_path: Path) -> None:
    missing = [name for name in DOMAINS if importlib.util.find_spec(f"envfactory_{name}") is None]
    if missing:
        pytest.skip(f"the page is generated from all seven domain packages; not installed: {', '.join(missing)}")
    text = render_examples(load_registry(), count=20, seed=3, chains=300, out=tmp_path / "run")
    assert PAGE.read_text(encoding="utf-8") == text, "regenerate it with: envfactory docs examples"
    assert "`envfactory tasks make -n 300 --seed 3`" in text
    assert text.count("**Gold calls.**") == text.count("**Story.**") == text.count("**Final answer.**") == 20


class ExamplesPlugin:
    """Registers the SDK's example environments like an installed domain package."""

    @hookimpl
    def register_environments(self, register: Callable[..., None]) -> None:
        register(bookshop)
        register(notes)


def invoke(*args: str) -> Result:
    app = App(fresh_plugin_manager(plugins=[("examples", ExamplesPlugin()), ("docs", docs_plugin)]))
    return CliRunner().invoke(build_cli(app), list(args), catch_exceptions=False)


def test_examples_writes_a_page_and_check_tells_whether_it_is_stale(tmp_path: Path) -> None:
    page = tmp_path / "examples.md"
    result = invoke("docs", "examples", "--out", str(page), "--tasks", "2", "--chains", "12")
    assert result.exit_code == 0, result.output
    text = page.read_text(encoding="utf-8")
    assert text.startswith("# Example tasks\n")
    assert 1 <= text.count("**Gold calls.**") <= 2
    assert text.count("**Raw request.**") == text.count("**Refined request.**") >= 1
    fresh = invoke("docs", "examples", "--out", str(page), "--tasks", "2", "--chains", "12", "--check")
    assert fresh.exit_code == 0
    assert "up to date" in fresh.output
    page.write_text(text + "\nA hand edit.\n", encoding="utf-8")
    stale = invoke("docs", "examples", "--out", str(page), "--tasks", "2", "--chains", "12", "--check")
    assert stale.exit_code == 1
    assert "stale" in stale.output
    assert "envfactory docs examples" in stale.output
    assert page.read_text(encoding="utf-8").endswith("A hand edit.\n")  # --check never writes


def test_examples_prints_the_page_with_a_dash(tmp_path: Path) -> None:
    result = invoke("docs", "examples", "--out", "-", "--tasks", "1", "--chains", "6")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Example tasks\n")
