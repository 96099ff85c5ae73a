"""``envfactory docs prompts``: write (or check) the prompt reference page."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli.app import echo_json, fail, handle_errors, stderr_console
from ..domains_doc import stale_diff
from ..errors import PluginError
from .prompt_docs import DEFAULT_PROMPTS_PAGE, render_prompts_markdown
from .templates import template_names

__all__ = ["add_prompts_command", "prompts_command"]


@click.command("prompts")
@click.option(
    "--out",
    "out",
    default=DEFAULT_PROMPTS_PAGE,
    show_default=True,
    help="The Markdown file to write (or to check); '-' prints the page on stdout.",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when the file differs from the rendered page.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@handle_errors
def prompts_command(out: str, check: bool, as_json: bool) -> None:
    """Render the prompt template reference (docs/reference/prompts.md).

    Lists every prompt template the LLM components use, with its component, what it is for, each
    variable it takes and its full text, straight from the template files. With --check nothing is
    written and the command exits 1 when the file is missing or stale.
    """
    page = render_prompts_markdown()
    count = len(template_names())
    if out == "-":
        if check or as_json:
            fail("--check and --json need a file: give --out PATH")
        sys.stdout.write(page)
        return
    path = Path(out)
    current = path.read_text(encoding="utf-8") if path.is_file() else None
    if check:
        difference = stale_diff(current, page, path=out)
        if as_json:
            echo_json({"path": out, "up_to_date": not difference, "templates": count})
        if difference:
            click.echo("\n".join(difference), err=True)
            click.echo(f"{out} is stale: run `envfactory docs prompts --out {out}` and commit the result.", err=True)
            raise SystemExit(1)
        if not as_json:
            stderr_console().print(f"{out} is up to date ({count} templates).")
        return
    if not path.parent.is_dir():
        fail(f"the folder {path.parent} does not exist; run from the project root or pass --out PATH")
    changed = current != page
    if changed:
        path.write_text(page, encoding="utf-8")
    if as_json:
        echo_json({"path": out, "changed": changed, "templates": count})
    else:
        stderr_console().print(f"{'wrote' if changed else 'unchanged:'} {out} ({count} templates).")


def add_prompts_command(cli: click.Group) -> None:
    """Add ``docs prompts`` to the ``docs`` group (made here when no other plugin made it yet)."""
    from ..cli.docs import docs_group

    existing = cli.commands.get("docs")
    if existing is None:
        cli.add_command(docs_group)
        existing = docs_group
    if not isinstance(existing, click.Group):
        raise PluginError("core.llm", "another plugin registered 'docs' as a command, not a group")
    existing.add_command(prompts_command)
