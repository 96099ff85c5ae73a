"""``envfactory report``: one self-contained file, and clear errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from envfactory_testing.export_items import example_export, write_run_store

from envfactory_core.cli import App, build_cli
from envfactory_core.plugins import make_plugin_manager


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_run_store(example_export(tasks=6), tmp_path_factory.mktemp("report") / "run")


def _invoke(*arguments: str) -> object:
    cli = build_cli(App(make_plugin_manager()))
    return CliRunner().invoke(cli, list(arguments))


def test_report_is_one_file_with_charts_and_samples(run: Path, tmp_path: Path) -> None:
    html = tmp_path / "out" / "report.html"
    result = _invoke("report", str(run), "--html", str(html), "--sample", "2")
    assert result.exit_code == 0, result.output
    text = html.read_text(encoding="utf-8")
    assert text.count('<svg class="ef-chart"') >= 4
    assert text.count('class="ef-sample"') == 2
    assert 'class="ef-transcript"' in text
    # Nothing is loaded from elsewhere: no external script, style sheet, image or font.
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=", text)
    assert "@import" not in text
    style = text[text.index("<style>") : text.index("</style>")]
    assert "&#34;" not in style, "the inline style sheet is HTML-escaped, so the browser drops rules"
    assert "url(" not in text


def test_report_is_the_same_bytes_twice(run: Path, tmp_path: Path) -> None:
    for name in ("a.html", "b.html"):
        assert _invoke("report", str(run), "--html", str(tmp_path / name)).exit_code == 0
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


def test_report_without_a_run_store_says_what_to_do(tmp_path: Path) -> None:
    result = _invoke("report", str(tmp_path), "--html", str(tmp_path / "r.html"))
    assert result.exit_code == 2
    assert "no run store" in result.output
    assert "Traceback" not in result.output


def test_report_json(run: Path, tmp_path: Path) -> None:
    result = _invoke("report", str(run), "--html", str(tmp_path / "r.html"), "--json")
    assert result.exit_code == 0
    assert '"html"' in result.output
