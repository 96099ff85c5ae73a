"""``envfactory envgen``: build verified environments from API descriptions, and package them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.table import Table

from envfactory_core.cli.app import App, echo_json, fail, handle_errors, pass_app, stderr_console, stdout_console

from .sandbox.limits import SandboxLimits

__all__ = ["envgen_group"]


@click.group("envgen")
def envgen_group() -> None:
    """Build executable, verified environments from OpenAPI documents, metadata JSON, sketches and MCP listings.

    `build` loads the sources, has a builder write each environment (envgen/crud offline, or
    envgen/llm_builder with --model), and passes it only when its checks run green: the conformance kit and
    its scenario tests, in a sandbox. `package` writes the verified ones as an installable distribution.
    """


@envgen_group.command("build")
@click.argument("sources", nargs=-1, required=True, type=click.Path())
@click.option(
    "--builder",
    default="envgen/crud",
    show_default=True,
    help="The environment builder (envgen/crud, envgen/llm_builder).",
)
@click.option(
    "--model",
    default=None,
    help="An LLM model id (backend/model): writes code with envgen/llm_builder, revises failures.",
)
@click.option(
    "--out",
    "run_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Run directory for the run store; re-running into it resumes. Without it nothing is kept.",
)
@click.option(
    "--max-revisions",
    type=click.IntRange(0, 20),
    default=3,
    show_default=True,
    help="How many times a reviser may fix a failing environment.",
)
@click.option(
    "--trusted",
    is_flag=True,
    help="Run the generated code in this process instead of the sandbox (reviewed code only).",
)
@click.option(
    "--call-seconds", type=float, default=10.0, show_default=True, help="Wall-clock limit per sandboxed tool call."
)
@click.option(
    "--memory-mb", type=int, default=1024, show_default=True, help="Address-space limit per sandboxed worker."
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Build documents in this many worker processes, each document on its own (a batch: folders and "
    "thousands of documents; one document's failure never stops it). Folders imply a batch.",
)
@click.option(
    "--timeout",
    "timeout_seconds",
    type=click.FloatRange(1.0),
    default=600.0,
    show_default=True,
    help="In a batch, stop a document that takes longer than this many seconds (recorded as timeout).",
)
@click.option("--json", "as_json", is_flag=True, help="Print only the JSON summary on stdout.")
@pass_app
@handle_errors
def build_command(
    app: App,
    sources: tuple[str, ...],
    builder: str,
    model: str | None,
    run_dir: Path | None,
    max_revisions: int,
    trusted: bool,
    call_seconds: float,
    memory_mb: int,
    workers: int | None,
    timeout_seconds: float,
    as_json: bool,
) -> None:
    """Build an environment for every stateful API in SOURCES and verify it.

    SOURCES are files or folders (every .json/.yaml/.yml file below a folder). With folders or
    --workers the build is a batch: documents run in parallel, each on its own; a re-run into the
    same --out resumes after the last finished document; it ends with a summary by outcome and reason.
    Exits 0 when every environment is verified, 1 when one failed, 2 for bad input.
    """
    from .build import run_build

    console = stderr_console()
    limits = SandboxLimits(
        wall_seconds_per_call=call_seconds, cpu_seconds_per_call=max(1.0, call_seconds / 2), memory_mb=memory_mb
    )
    if workers is not None or any(Path(source).is_dir() for source in sources):
        if model:
            fail("--model builds one document at a time; give files without --workers")
        _batch(sources, run_dir, workers or 1, builder, trusted, limits, timeout_seconds, as_json)
        return
    with console.status("loading sources…") as status:

        def progress(event: str, **info: Any) -> None:
            words = {
                "build": f"building {info.get('name')} with {info.get('builder')}…",
                "scenarios": f"writing scenarios for {info.get('name')}…",
                "validate": f"validating {info.get('name')} (iteration {info.get('iteration')})…",
                "revise": f"revising {info.get('name')} (after iteration {info.get('iteration')})…",
                "resumed": f"{info.get('name')}: already {info.get('status')} in the run store",
                "done": f"{info.get('name')}: {info.get('status')}",
            }
            if event in ("done", "resumed"):
                console.print(words[event])
            else:
                status.update(words.get(event, event))

        summary = run_build(
            list(sources),
            registry=app.registry,
            builder=builder,
            model=model,
            run_dir=run_dir,
            trusted=trusted,
            max_revisions=max_revisions,
            limits=limits,
            progress=progress,
        )
    data = summary.to_json()
    if as_json:
        echo_json(data)
    else:
        table = Table(title=f"envgen build: {summary.verified} of {len(summary.outcomes)} verified")
        for column in ("environment", "source", "status", "tools", "scenarios", "skipped ops", "revisions", "reason"):
            table.add_column(column, overflow="fold")
        for outcome in summary.outcomes:
            table.add_row(
                outcome.name,
                Path(outcome.source).name,
                outcome.status + (" (resumed)" if outcome.resumed else ""),
                str(outcome.tools),
                str(outcome.scenarios),
                str(len(outcome.skipped)),
                str(outcome.iterations),
                outcome.reason[:300],
            )
        stdout_console().print(table)
        console.print(
            f"built {summary.built}, verified {summary.verified}, failed {len(summary.failed)}, "
            f"{len(summary.skipped)} operations left out (listed with --json)"
            + (f"; run store in {run_dir}" if run_dir else "")
        )
    if summary.failed:
        raise SystemExit(1)


def _batch(
    sources: tuple[str, ...],
    run_dir: Path | None,
    workers: int,
    builder: str,
    trusted: bool,
    limits: SandboxLimits,
    timeout_seconds: float,
    as_json: bool,
) -> None:
    """A batch build: progress per document on stderr, a summary by outcome and reason at the end."""
    from .batch import DocumentResult, expand_sources, run_batch

    missing = [source for source in sources if not Path(source).exists()]
    if missing:
        fail(f"no such file or folder: {', '.join(missing)}")
    if not expand_sources(sources):
        fail("no .json, .yaml or .yml documents in " + ", ".join(sources))
    console = stderr_console()

    def progress(done: int, total: int, result: DocumentResult) -> None:
        tools = sum(int(item.get("tools", 0)) for item in result.environments)
        detail = f"{tools} tools" if result.outcome == "verified" else result.reason_class
        console.print(
            f"[{done}/{total}] {Path(result.source).name}: {result.outcome} ({detail}, {result.seconds:.1f} s)"
        )

    summary = run_batch(
        sources,
        run_dir=run_dir,
        workers=workers,
        builder=builder,
        trusted=trusted,
        limits=limits,
        timeout_seconds=timeout_seconds,
        progress=progress,
    )
    data = summary.to_json()
    if as_json:
        echo_json(data)
    else:
        table = Table(title=f"envgen build: {len(summary.results)} documents")
        table.add_column("outcome")
        table.add_column("reason")
        table.add_column("documents", justify="right")
        for outcome, count in summary.by_outcome().items():
            table.add_row(outcome, "", str(count))
        for reason, count in summary.by_reason().items():
            table.add_row("", reason, str(count))
        stdout_console().print(table)
        console.print(
            f"{data['by_outcome'].get('verified', 0)} of {len(summary.results)} documents verified in "
            f"{summary.seconds:.0f} s ({summary.resumed} resumed)" + (f"; run store in {run_dir}" if run_dir else "")
        )
    if any(result.outcome in ("failed", "error") for result in summary.results):
        raise SystemExit(1)


@envgen_group.command("report")
@click.argument("run_dir", metavar="RUN", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--markdown", is_flag=True, help="Print a Markdown table (for the docs).")
@pass_app
@handle_errors
def report_command(app: App, run_dir: Path, as_json: bool, markdown: bool) -> None:
    """Per document of a build: operations, tools built, operations skipped, tables, scenarios, status."""
    from .package import build_rows

    rows = build_rows(run_dir)
    if as_json:
        echo_json(rows)
        return
    if markdown:
        click.echo(
            "| document | environment | operations | tools built | operations skipped | tables | scenarios | status |"
        )
        click.echo("|---|---|---:|---:|---:|---:|---:|---|")
        for row in rows:
            click.echo(
                f"| {row['document']} | {row['environment']} | {row['operations']} | {row['tools']} | "
                f"{row['skipped']} | "
                f"{row['tables']} | {row['scenarios']} | {row['status']} |"
            )
        return
    table = Table(title=f"builds in {run_dir}")
    for column in ("document", "environment", "operations", "tools", "skipped", "tables", "scenarios", "status"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            *(
                str(row[key])
                for key in (
                    "document",
                    "environment",
                    "operations",
                    "tools",
                    "skipped",
                    "tables",
                    "scenarios",
                    "status",
                )
            )
        )
    stdout_console().print(table)


@envgen_group.command("package")
@click.argument("run_dir", metavar="RUN", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the distribution.",
)
@click.option("--name", "dist_name", required=True, help="The distribution name, e.g. envfactory-petstore.")
@click.option("--force", is_flag=True, help="Overwrite files in a non-empty --out folder.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
@handle_errors
def package_command(app: App, run_dir: Path, out_dir: Path, dist_name: str, force: bool, as_json: bool) -> None:
    """Write the verified environments of RUN as an installable domain distribution.

    `pip install OUT` then makes them appear in `envfactory envs list`. The package's tests run the
    conformance kit and the scenarios. Installing it marks the code trusted (it runs in-process):
    read it first.
    """
    from .package import _stores, write_package

    if not _stores(run_dir):
        fail(f"{run_dir}: no run store here; run `envfactory envgen build SOURCE... --out {run_dir}` first")
    report = write_package(run_dir, out_dir, dist_name, force=force)
    if as_json:
        echo_json(report)
        return
    console = stderr_console()
    console.print(f"wrote {report['distribution']} ({len(report['environments'])} environments) to {out_dir}")
    for name in report["environments"]:
        console.print(f"  {name}")
    console.print(f"install it with: pip install {out_dir}")
