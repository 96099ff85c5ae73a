"""``envfactory docs``: generated documentation pages (``docs domains`` renders ``docs/domains.md``)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..domains_doc import DEFAULT_LINKER, build_domains_catalog, render_domains_markdown, stale_diff
from ..errors import PluginError
from .app import App, echo_json, fail, handle_errors, pass_app, stderr_console

__all__ = ["add_docs_commands", "docs_group", "domains_command"]

DEFAULT_DOMAINS_PAGE = "docs/domains.md"


@click.group("docs")
def docs_group() -> None:
    """Generate documentation pages from the installed components."""


@click.command("domains")
@click.option(
    "--out",
    "out",
    default=DEFAULT_DOMAINS_PAGE,
    show_default=True,
    help="The Markdown file to write (or to check); '-' prints the page on stdout.",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when the file differs from the rendered page.")
@click.option(
    "--linker",
    default=DEFAULT_LINKER,
    show_default=True,
    help="Registered linker whose same-name edges define the linked environments.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the totals (and the check result) as JSON.")
@pass_app
@handle_errors
def domains_command(app: App, out: str, check: bool, linker: str, as_json: bool) -> None:
    """Render the catalogue of installed environments (docs/domains.md).

    Lists every installed environment by domain (description, the API it follows, tools with the
    read/write split, declared benchmark overlap, evaluation-only flag) and the pairs of
    environments the tool graph links by a shared parameter. The page is deterministic: the same
    installed packages give the same bytes.

    With --check, nothing is written and the command exits 1 when the file is missing or stale
    (run it again without --check to update it).
    """
    console = stderr_console()
    with console.status("collecting environments and linking their tools…"):
        catalog = build_domains_catalog(app.registry, linker=linker)
        page = render_domains_markdown(catalog)
    totals = catalog.summary()
    counts = (
        f"{totals['environments']} environments, {totals['domains']} domains, {totals['tools']} tools, "
        f"{totals['linked_pairs']} linked pairs"
    )
    if out == "-":
        if check or as_json:
            fail("--check and --json need a file: give --out PATH")
        sys.stdout.write(page)
        console.print(counts, soft_wrap=True)
        return
    path = Path(out)
    current = path.read_text(encoding="utf-8") if path.is_file() else None
    if check:
        difference = stale_diff(current, page, path=out)
        if as_json:
            echo_json({"path": out, "up_to_date": not difference, **totals})
        if difference:
            click.echo("\n".join(difference), err=True)
            click.echo(f"{out} is stale: run `envfactory docs domains --out {out}` and commit the result.", err=True)
            raise SystemExit(1)
        console.print(f"{out} is up to date ({counts}).", soft_wrap=True)
        return
    if not path.parent.is_dir():
        fail(f"the folder {path.parent} does not exist; run from the project root or pass --out PATH")
    changed = current != page
    if changed:
        path.write_text(page, encoding="utf-8")
    if as_json:
        echo_json({"path": out, "changed": changed, **totals})
    console.print(f"{'wrote' if changed else 'unchanged:'} {out} ({counts}).", soft_wrap=True)


docs_group.add_command(domains_command)


def add_docs_commands(cli: click.Group) -> None:
    """Add ``docs domains``: into a ``docs`` group another plugin made, or with our own group."""
    existing = cli.commands.get("docs")
    if existing is None:
        cli.add_command(docs_group)
    elif isinstance(existing, click.Group):
        existing.add_command(domains_command)
    else:
        raise PluginError("core.environments", "another plugin registered 'docs' as a command, not a group")
