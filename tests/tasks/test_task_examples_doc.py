"""docs/examples/tasks.md is generated from the shipped domains; it must not go stale."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from envfactory_core import load_registry
from envfactory_core.cli.tasks import render_examples

DOMAINS = ("commerce", "finance", "travel", "office", "lifestyle", "academia", "utilities")
PAGE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "tasks.md"


@pytest.mark.slow
def test_the_example_tasks_page_is_up_to_date(tmp_path: Path) -> None:
    missing = [name for name in DOMAINS if importlib.util.find_spec(f"envfactory_{name}") is None]
    if missing:
        pytest.skip(f"the page is generated from all seven domain packages; not installed: {', '.join(missing)}")
    text = render_examples(load_registry(), count=10, seed=0, out=tmp_path / "run")
    assert PAGE.read_text(encoding="utf-8") == text, (
        "regenerate it with: envfactory tasks examples --out docs/examples/tasks.md"
    )
    assert text.count("**Gold calls.**") == 10
