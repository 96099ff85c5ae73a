"""``envfactory docs``: pages generated from the installed components, written or checked.

``docs domains`` renders ``docs/domains.md`` (the installed environments and how they link),
``docs prompts`` renders ``docs/reference/prompts.md`` (every shipped prompt template), and
``docs tasks RUN`` writes the task-yield figures of a run into ``docs/explanation/tasks.md``, and
``docs examples`` renders ``docs/examples/tasks.md`` (example tasks made offline).
Each builds its page deterministically; ``--check`` writes nothing and exits 1 when the file on
disk differs, naming the command that updates it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from envfactory_core.cli.app import App, echo_json, fail, handle_errors, pass_app, stderr_console
from envfactory_core.cli.tasks import task_stats
from envfactory_core.env.catalog import environment_catalog
from envfactory_core.store import RunStore
from envfactory_core.synthesis.templates import template_names

from .domains import DEFAULT_LINKER, build_domains_catalog, render_domains_markdown
from .examples import DEFAULT_EXAMPLES_PAGE, render_examples
from .pages import exit_if_stale, page_difference, publish_page, write_page
from .prompts import DEFAULT_PROMPTS_PAGE, render_prompts_markdown
from .sections import replace_section
from .tasks import DEFAULT_TASKS_PAGE, SECTION, stats_markdown

__all__ = [
    "domains_command",
    "examples_command",
    "prompts_command",
    "tasks_command",
]

DEFAULT_DOMAINS_PAGE = "docs/domains.md"


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
    publish_page(
        page,
        out,
        check=check,
        as_json=as_json,
        command="docs prompts",
        figures={"templates": count},
        summary=f"{count} templates",
    )


@click.command("tasks")
@click.argument("run_dir", metavar="RUN", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option(
    "--out",
    "out",
    default=DEFAULT_TASKS_PAGE,
    show_default=True,
    help="The page whose task-yield section to write (or to check); a missing page is started.",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when the page's section differs from the run's.")
@click.option("--json", "as_json", is_flag=True, help="Print the run's figures and the result as JSON.")
@pass_app
@handle_errors
def tasks_command(app: App, run_dir: Path, out: str, check: bool, as_json: bool) -> None:
    """Write the task-yield figures of RUN (an `envfactory tasks make` run) into a page.

    The section between the page's `<!-- task-yield:start -->` and `<!-- task-yield:end -->`
    markers is replaced where it stands (or appended), and the rest of the page is kept; a
    missing page starts with `# Tasks`. The figures are those `envfactory tasks stats RUN` prints.
    """
    store = RunStore(run_dir, create=False)
    try:
        stats = task_stats(store, environment_catalog(app.registry))
        settings = json.loads(store.get_meta("pipeline") or "{}").get("settings", {})
    finally:
        store.close()
    path = Path(out)
    current = path.read_text(encoding="utf-8") if path.is_file() else "# Tasks\n\n"
    page = replace_section(current, SECTION, stats_markdown(stats, settings))
    if check:
        difference = page_difference(page, out)
        if as_json:
            echo_json({"path": out, "up_to_date": not difference, "stats": stats})
        exit_if_stale(difference, out, f"docs tasks {run_dir}")
        if not as_json:
            stderr_console().print(f"{out} is up to date.")
        return
    changed = write_page(page, out)
    if as_json:
        echo_json({"path": out, "changed": changed, "stats": stats})
    else:
        stderr_console().print(f"{'wrote' if changed else 'unchanged:'} the {SECTION} section of {out}.")


@click.command("examples")
@click.option(
    "--out",
    "out",
    default=DEFAULT_EXAMPLES_PAGE,
    show_default=True,
    help="The Markdown file to write (or to check); '-' prints the page on stdout.",
)
@click.option(
    "-n", "--tasks", "count", type=click.IntRange(min=1), default=20, show_default=True, help="How many example tasks."
)
@click.option("--count", "count", type=click.IntRange(min=1), default=20, hidden=True, help="Deprecated: -n/--tasks.")
@click.option("--seed", type=int, default=3, show_default=True, help="The seed of the chains the tasks come from.")
@click.option("--chains", type=click.IntRange(min=1), default=300, show_default=True, help="Chains the run samples.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when the file differs from the rendered page.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
@handle_errors
def examples_command(app: App, out: str, count: int, seed: int, chains: int, check: bool, as_json: bool) -> None:
    """Render kept tasks (story, requests, gold calls, final answer) as a page (docs/examples/tasks.md).

    The tasks are made offline from the installed domains, in a scratch run that is thrown away;
    the same packages, count and seed give the same bytes. With --check nothing is written and the
    command exits 1 when the file is missing or stale.
    """
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        page = render_examples(app.registry, count=count, seed=seed, chains=chains, out=Path(scratch) / "run")
    publish_page(
        page,
        out,
        check=check,
        as_json=as_json,
        command="docs examples",
        figures={"tasks": count},
        summary=f"{count} tasks",
    )
