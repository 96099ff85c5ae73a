"""``envfactory docs prompts``: the committed prompt reference page is the rendering of the shipped templates."""

from __future__ import annotations

import json
from pathlib import Path

import click
from click.testing import CliRunner
from envfactory_docs import plugin as docs_plugin
from envfactory_docs.prompts import render_prompts_markdown

from envfactory_core.synthesis import shipped_templates, template_names

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "docs" / "reference" / "prompts.md"


def test_the_prompt_reference_page_is_up_to_date() -> None:
    assert PAGE.read_text(encoding="utf-8") == render_prompts_markdown(), (
        "docs/reference/prompts.md is stale: run `envfactory docs prompts` and commit it"
    )
    for template in shipped_templates():
        assert f"## {template.name}" in PAGE.read_text(encoding="utf-8")


def test_docs_prompts_check_fails_on_a_stale_page_and_writes_a_fresh_one(tmp_path: Path) -> None:
    cli = click.Group("envfactory")
    docs_plugin.register_commands(cli)
    runner = CliRunner()
    page = tmp_path / "prompts.md"
    page.write_text("# old\n")
    stale = runner.invoke(cli, ["docs", "prompts", "--out", str(page), "--check"])
    assert stale.exit_code == 1
    assert "is stale" in stale.output
    written = runner.invoke(cli, ["docs", "prompts", "--out", str(page), "--json"])
    assert written.exit_code == 0, written.output
    assert json.loads(written.stdout) == {"changed": True, "path": str(page), "templates": len(template_names())}
    assert page.read_text() == render_prompts_markdown()
    fresh = runner.invoke(cli, ["docs", "prompts", "--out", str(page), "--check"])
    assert fresh.exit_code == 0
