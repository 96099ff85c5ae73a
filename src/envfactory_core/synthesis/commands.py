"""``envfactory docs prompts``: write (or check) the prompt reference page."""

from __future__ import annotations

import sys

import click

from ..cli.app import echo_json, fail, handle_errors, stderr_console
from ..cli.docs import add_docs_command, exit_if_stale, page_difference, write_page
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
    if check:
        difference = page_difference(page, out)
        if as_json:
            echo_json({"path": out, "up_to_date": not difference, "templates": count})
        exit_if_stale(difference, out, "docs prompts")
        if not as_json:
            stderr_console().print(f"{out} is up to date ({count} templates).")
        return
    changed = write_page(page, out)
    if as_json:
        echo_json({"path": out, "changed": changed, "templates": count})
    else:
        stderr_console().print(f"{'wrote' if changed else 'unchanged:'} {out} ({count} templates).")


def add_prompts_command(cli: click.Group) -> None:
    """Add ``docs prompts`` to the ``docs`` group (made here when no other plugin made it yet)."""
    add_docs_command(cli, prompts_command, plugin="core.llm")
