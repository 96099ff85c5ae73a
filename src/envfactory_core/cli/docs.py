"""``envfactory docs``: generated documentation pages (``docs domains`` renders ``docs/domains.md``)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..domains_doc import DEFAULT_LINKER, build_domains_catalog, render_domains_markdown, stale_diff
from ..errors import PluginError
from .app import App, echo_json, fail, handle_errors, pass_app, stderr_console

__all__ = [
    "add_docs_command",
    "add_docs_commands",
    "docs_group",
    "domains_command",
    "exit_if_stale",
    "page_difference",
    "write_page",
]

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
    if check:
        difference = page_difference(page, out)
        if as_json:
            echo_json({"path": out, "up_to_date": not difference, **totals})
        exit_if_stale(difference, out, "docs domains")
        console.print(f"{out} is up to date ({counts}).", soft_wrap=True)
        return
    changed = write_page(page, out)
    if as_json:
        echo_json({"path": out, "changed": changed, **totals})
    console.print(f"{'wrote' if changed else 'unchanged:'} {out} ({counts}).", soft_wrap=True)


def page_difference(page: str, out: str) -> list[str]:
    """How the file ``out`` differs from ``page`` (the start of a diff); empty when it is up to date."""
    path = Path(out)
    return stale_diff(path.read_text(encoding="utf-8") if path.is_file() else None, page, path=out)


def exit_if_stale(difference: list[str], out: str, command: str) -> None:
    """Print ``difference`` and exit 1 when there is one, naming the command that updates ``out``."""
    if difference:
        click.echo("\n".join(difference), err=True)
        click.echo(f"{out} is stale: run `envfactory {command} --out {out}` and commit the result.", err=True)
        raise SystemExit(1)


def write_page(page: str, out: str) -> bool:
    """Write ``page`` to ``out`` unless the file already holds it; whether the file changed."""
    path = Path(out)
    if not path.parent.is_dir():
        fail(f"the folder {path.parent} does not exist; run from the project root or pass --out PATH")
    changed = not path.is_file() or path.read_text(encoding="utf-8") != page
    if changed:
        path.write_text(page, encoding="utf-8")
    return changed


docs_group.add_command(domains_command)


def add_docs_command(cli: click.Group, command: click.Command, *, plugin: str) -> None:
    """Add ``command`` to the ``docs`` group: the one another plugin made, or ours."""
    existing = cli.commands.get("docs")
    if existing is None:
        cli.add_command(docs_group)
        existing = docs_group
    if not isinstance(existing, click.Group):
        raise PluginError(plugin, "another plugin registered 'docs' as a command, not a group")
    existing.add_command(command)


def add_docs_commands(cli: click.Group) -> None:
    """Add ``docs domains``: into a ``docs`` group another plugin made, or with our own group."""
    add_docs_command(cli, domains_command, plugin="core.environments")
