"""``envfactory run``, ``envfactory runs``, ``envfactory init``, ``envfactory browse``."""

from __future__ import annotations

import importlib.util
import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..contracts import EXECUTOR
from ..errors import ConfigError, Problem, StoreError
from ..pipeline import DEFAULT_PIPELINE, RunOptions, RunOutcome, parse_pipeline, run_pipeline
from ..pipeline.config import read_pipeline_file
from ..pipeline.work import LLMOptions
from ..store import STORE_FILENAME, RunStore
from ..store.health import StoreDamagedError, discard_run, restore_backup
from .app import App, echo_json, fail, handle_errors, pass_app, stderr_console, stdout_console
from .llm import llm_client_options, usage_table

__all__ = ["browse_command", "init_command", "run_command", "runs_group"]

DEFAULT_OUT = "envfactory-out"

DATASETTE_SETTINGS = ("--setting", "suggest_facets", "off", "--setting", "facet_time_limit_ms", "500")
"""Facets are declared for every list (by the viewer plugin), so datasette need not try every column
for suggestions, which costs two thirds of a list page's time on 10,000 tasks; a busy machine still
gets its facets."""


def _outcome_json(outcome: RunOutcome) -> dict[str, Any]:
    return {
        "out": str(outcome.out),
        "fingerprint": outcome.fingerprint,
        "did_work": outcome.did_work,
        "kept": outcome.kept,
        "target": outcome.target,
        "stages": outcome.stages,
        "dropped_by_reason": outcome.drop_reasons,
        "rewards": outcome.rewards,
        "exports": outcome.exports,
        "complete": outcome.state in ("complete", "exhausted"),
        "state": outcome.state,
        "stopped": outcome.stopped,
        "repaired_exports": outcome.repaired_exports,
        "llm_usage": outcome.llm_usage,
        "llm_answers": outcome.llm_answers,
        "chains": outcome.chains,
        "processed": outcome.processed,
    }


def _stage_line(stage: dict[str, Any]) -> str:
    detail = stage["detail"]
    name = stage["stage"]
    if name == "environments":
        return f"{len(detail['names'])} environments selected"
    if name == "verify":
        failed = detail.get("failed", {})
        text = f"{len(detail['passed'])} of {len(detail['passed']) + len(failed)} environments verified"
        text += f" (failed: {', '.join(sorted(failed))})" if failed else ""
        reused = [
            f"{detail[key]} {label}"
            for key, label in (("skipped", "skipped: unchanged since verified"), ("resumed", "resumed"))
            if detail.get(key)
        ]
        return text + (f"; {', '.join(reused)}" if reused else "")
    if name == "graph":
        edges = sum(detail.get("edges", {}).values())
        return f"{detail['tools']} tools, {edges} edges, {detail['environments']} environments"
    if name == "sample":
        return f"{detail['chains']} chains sampled with {detail.get('sampler', '?')} ({detail['valid']} valid)"
    if name == "items":
        return f"{detail['processed']} chains processed, {detail['kept']} tasks kept"
    if name == "export":
        return ", ".join(f"{exporter}: {count} records" for exporter, count in detail.get("exporters", {}).items())
    return json.dumps(detail)


def print_summary(outcome: RunOutcome, quality: dict[str, Any] | None = None) -> None:
    console = stdout_console()
    table = Table(title=f"envfactory run → {outcome.out}", show_header=True)
    table.add_column("stage")
    table.add_column("result", overflow="fold")
    table.add_column("time", justify="right")
    for stage in outcome.stages:
        table.add_row(stage["stage"], _stage_line(stage), f"{stage['seconds']:.1f}s")
    for reason, count in outcome.drop_reasons.items():
        table.add_row("dropped", f"{count} × {reason}", "")
    for reward, mean in outcome.rewards.items():
        table.add_row("reward", f"{reward}: mean {mean:.3f}", "")
    if quality and quality.get("user_turns"):
        table.add_row(
            "quality",
            f"description copy {quality['description_copy_share']:.1%}, "
            f"parenthesis {quality['parenthesis_share']:.1%}, "
            f"distinct 4-grams {quality['distinct_4gram_ratio']:.2f}, repeated references "
            f"{quality['repeated_reference_share']:.1%}, implicit {quality['implicit_share']:.0%}, solvable "
            f"{quality['solvable_share']:.0%}",
            "",
        )
        table.add_row(
            "coherence",
            f"undo pairs {quality['undo_pair_share']:.1%}, value-range violations {quality['value_range_violations']}, "
            f"unshared environments {quality['cross_environment_unshared']} of {quality['cross_environment_tasks']}",
            "",
        )
    answers = outcome.llm_answers or {}
    for stage, count in answers.get("answers", {}).items():
        rejected = answers.get("rejected", {}).get(stage, 0)
        invalid = answers.get("invalid", {}).get(stage, 0)
        exhausted = answers.get("exhausted", {}).get(stage, 0)
        text = f"{stage}: {count} answers, {rejected} unreadable (format), {invalid} failed the checks (content)"
        table.add_row("llm answers", text + (f", {exhausted} questions gave up" if exhausted else ""), "")
    for shape, count in answers.get("shapes", {}).items():
        table.add_row("llm format", f"{count} × {shape} (read leniently)", "")
    for what, count in answers.get("fallbacks", {}).items():
        table.add_row("fallback", f"{count} × {what}", "")
    for export in outcome.exports:
        noun = "record" if export["records"] == 1 else "records"
        table.add_row("file", f"{export['path']} ({export['records']} {noun})", "")
    console.print(table)
    if outcome.llm_usage:
        from ..llm import UsageTotals
        from ..llm.usage import UsageRow

        rows = tuple(UsageRow(**row) for row in outcome.llm_usage["rows"])
        console.print(usage_table(UsageTotals(rows=rows), title="LLM usage of this run (cached calls cost nothing)"))
    err = stderr_console()
    if outcome.repaired_exports:
        listed = ", ".join(f"{path} ({why})" for path, why in sorted(outcome.repaired_exports.items()))
        err.print(
            f"[yellow]Found {len(outcome.repaired_exports)} export file(s) missing or changed and wrote them again: "
            f"{listed}.[/yellow]",
            highlight=False,
        )
    if outcome.stopped:
        err.print(
            f"[yellow]Stopped before finishing: {escape(outcome.stopped)}. Kept {outcome.kept} of {outcome.target} "
            "tasks so far; nothing was exported yet.[/yellow]"
        )
        return
    if outcome.state == "interrupted":
        done = ", ".join(stage["stage"] for stage in outcome.stages) or "none"
        err.print(
            f"[yellow]The run was interrupted before it finished (stages done: {done}; kept {outcome.kept} of "
            f"{outcome.target} tasks so far). Run the same `envfactory run` command again to resume it.[/yellow]",
            highlight=False,
        )
        return
    if outcome.state == "exhausted":
        err.print(f"[yellow]{escape(shortfall(outcome))}[/yellow]", highlight=False)
    if not outcome.did_work:
        err.print(f"Nothing to do: the run in {outcome.out} is complete.")


def shortfall(outcome: RunOutcome) -> str:
    """Why a finished run kept fewer tasks than asked, by reason; the advice fits the cause."""
    kept, target = outcome.kept, outcome.target
    reasons = sorted(outcome.drop_reasons.items(), key=lambda item: (-item[1], item[0]))
    listed = ", ".join(f"{count} × {reason}" for reason, count in reasons[:5]) or "none"
    head = f"Kept {kept} of the {target} tasks asked for; {outcome.processed} of {outcome.chains} chains processed"
    failed = sum(count for reason, count in reasons if reason.split(": ", 1)[-1].startswith("llm_"))
    advice = []
    if failed:
        advice.append(
            f"{failed} chains were dropped because an LLM call failed: fix it, then re-run with --retry-failed"
        )
    if kept == 0 and reasons:
        top_reason, top_count = reasons[0]
        advice.append(
            f"no chain got through; {top_count} were dropped at {top_reason}: fix that stage, "
            "since more chains would be dropped there too"
        )
    elif outcome.processed >= outcome.chains:
        advice.append("the sampled chains ran out: raise chains_per_task in the pipeline file to sample more")
    return f"{head}; dropped: {listed}. " + "; ".join(advice) + "."


def resolve_executor(app: App, name: str) -> str:
    """The full name of an executor given as ``namespace/name``, a short name, or a plugin's name (``ray``)."""
    try:
        return app.registry.entry(EXECUTOR, name).name
    except KeyError as error:
        by_plugin = [entry.name for entry in app.registry.components(EXECUTOR) if entry.namespace == name]
        if len(by_plugin) == 1:
            return by_plugin[0]
        raise ConfigError("bad --executor", [Problem(location="--executor", message=str(error))]) from error


class _ProgressReporter:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.progress: Progress | None = None
        self.bars: dict[str, Any] = {}

    def __enter__(self) -> _ProgressReporter:
        if self.enabled:
            self.progress = Progress(
                TextColumn("{task.description:<12}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=stderr_console(),
                transient=False,
            )
            self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.__exit__(None, None, None)

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.progress is None:
            return
        if stage not in self.bars:
            self.bars[stage] = self.progress.add_task(stage, total=total or None)
        self.progress.update(self.bars[stage], completed=done, total=total or None)

    def detail(self, stage: str, text: str) -> None:
        """Replace the label of ``stage``'s bar (kept and dropped chains; LLM calls, tokens and cost)."""
        if self.progress is not None and stage in self.bars:
            self.progress.update(self.bars[stage], description=text)


@click.command("run")
@click.argument("pipeline_file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="The run directory.",
)
@click.option("--seed", type=int, default=None, help="Override the pipeline's seed.")
@click.option("-n", "--tasks", type=click.IntRange(min=1), default=None, help="Override how many tasks to keep.")
@click.option(
    "--workers", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes for work items."
)
@click.option(
    "--executor", default="core/local", show_default=True, help="The registered executor that runs work items."
)
@click.option(
    "--reverify",
    is_flag=True,
    help="Verify every environment again, even those unchanged since an earlier verification.",
)
@click.option(
    "--restart",
    is_flag=True,
    help="Start the run in OUT over: discard its store and exports (a damaged store is kept as run.sqlite.damaged).",
)
@click.option("--quiet", is_flag=True, help="No progress bars.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--retry-failed",
    is_flag=True,
    help="Process again the chains dropped because an LLM call failed, while tasks are still missing "
    "(by default a re-run keeps those drops and never repeats the failing call).",
)
@llm_client_options
@pass_app
@handle_errors
def run_command(
    app: App,
    pipeline_file: Path | None,
    out: Path,
    seed: int | None,
    tasks: int | None,
    workers: int,
    executor: str,
    reverify: bool,
    restart: bool,
    quiet: bool,
    as_json: bool,
    retry_failed: bool,
    llm_config: Path | None,
    llm_concurrency: int | None,
    max_calls: int | None,
    max_cost: float | None,
    no_cache: bool,
) -> None:
    """Run a pipeline (the built-in offline one by default) into a run directory.

    Verifies the installed environments, builds the tool graph, samples chains, grounds them into
    tasks, writes and refines requests, applies the quality gates, collects trajectories, scores
    them and exports training files to OUT/exports. Re-running on the same directory resumes
    where it stopped and does nothing when the run is complete. PIPELINE_FILE is a TOML file
    (`envfactory init` writes one to edit; `envfactory init --llm MODEL` one with LLM components).

    Pipelines with LLM components cache every answer in the run store, so a re-run costs no
    calls. --max-cost and --max-calls stop the run cleanly at the cap (the task in progress is
    not kept, nothing is exported); run again with a larger cap to resume. A chain whose LLM call
    fails for good (a refusal, a context overflow) is dropped with the reason and the run goes
    on; a re-run does not call it again unless --retry-failed. The summary shows LLM calls,
    tokens and cost by stage and model, answers rejected for their format, and every fallback.
    """
    if pipeline_file is not None:
        text = read_pipeline_file(pipeline_file)
        source = str(pipeline_file)
    else:
        text, source = DEFAULT_PIPELINE, "<built-in pipeline>"
    pipeline = parse_pipeline(text, app.registry, source=source).with_settings(seed=seed, tasks=tasks)
    executor = resolve_executor(app, executor)
    llm = LLMOptions(
        config=str(llm_config) if llm_config is not None else None,
        concurrency=llm_concurrency,
        max_calls=max_calls,
        max_cost=max_cost,
        no_cache=no_cache,
    )
    options = RunOptions(
        out=out,
        workers=workers,
        executor=executor,
        plugins_dirs=tuple(app.plugins_dirs),
        llm=llm,
        retry_failed=retry_failed,
        reverify=reverify,
    )
    if restart:
        discard_run(out)
    enabled = not quiet and sys.stderr.isatty()
    with _ProgressReporter(enabled) as reporter:
        outcome = run_pipeline(pipeline, app.registry, options, pipeline_text=text, report=reporter)
    quality = run_quality(app, out)
    if as_json:
        echo_json({**_outcome_json(outcome), "quality": quality})
    else:
        print_summary(outcome, quality)


def run_quality(app: App, out: Path) -> dict[str, Any]:
    """The quality figures of the run's kept tasks (those ``envfactory tasks stats`` reports)."""
    from ..env.catalog import environment_catalog
    from .tasks import task_stats

    with RunStore(out, create=False) as store:
        stats = task_stats(store, environment_catalog(app.registry))
    return {**stats["quality"], "implicit_share": stats["implicit_share"], "solvable_share": stats["solvable_share"]}


@click.group("runs")
def runs_group() -> None:
    """Inspect run directories."""


def _outcome_of(directory: Path) -> RunOutcome:
    from ..pipeline.runner import _outcome
    from ..store.pipeline import PipelineStore

    store = RunStore(directory, create=False)
    try:
        recorded = store.get_meta("pipeline")
        if recorded is None:
            raise StoreError(f"{directory} is not a pipeline run")
        from ..pipeline.config import Pipeline, RunSettings

        described = json.loads(recorded)
        pipeline = Pipeline(settings=RunSettings(**described["settings"]), stages=())
        stage_types = [stage["stage"] for stage in described.get("stages", [])]
        outcome = _outcome(directory, pipeline, PipelineStore(store), did_work=True, stage_types=stage_types)
        outcome.fingerprint = store.get_meta("pipeline_fingerprint") or ""
        return outcome
    except sqlite3.DatabaseError as error:
        raise store.damaged(error) from error
    finally:
        store.close()


@runs_group.command("list")
@click.argument("root", required=False, type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handle_errors
def runs_list(root: Path, as_json: bool) -> None:
    """Run directories under ROOT (default: here), with their kept tasks and finished stages."""
    found = sorted(
        {path.parent for path in root.glob(f"*/{STORE_FILENAME}")}
        | ({root} if (root / STORE_FILENAME).exists() else set())
    )
    rows: list[dict[str, Any]] = []
    for directory in found:
        try:
            outcome = _outcome_of(directory)
        except StoreDamagedError:
            damaged = {"run": str(directory), "kept": 0, "target": 0, "stages": [], "complete": False}
            rows.append({**damaged, "state": "damaged"})
            continue
        except StoreError:
            continue
        rows.append(
            {
                "run": str(directory),
                "kept": outcome.kept,
                "target": outcome.target,
                "stages": [stage["stage"] for stage in outcome.stages],
                "complete": outcome.state in ("complete", "exhausted"),
                "state": outcome.state,
            }
        )
    if as_json:
        echo_json(rows)
        return
    table = Table(title=f"runs under {root}")
    for column in ("run", "tasks", "stages done", "state"):
        table.add_column(column)
    for row in rows:
        table.add_row(row["run"], f"{row['kept']}/{row['target']}", ", ".join(row["stages"]), row["state"])
    stdout_console().print(table)


@runs_group.command("show")
@click.argument("directory", metavar="RUN", type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handle_errors
def runs_show(directory: Path, as_json: bool) -> None:
    """The summary of the run in RUN."""
    outcome = _outcome_of(directory)
    if as_json:
        echo_json(_outcome_json(outcome))
    else:
        print_summary(outcome)


@runs_group.command("restore")
@click.argument("directory", metavar="RUN", type=click.Path(file_okay=False, path_type=Path))
@handle_errors
def runs_restore(directory: Path) -> None:
    """Put back the backup of the run store in RUN (taken at the end of its last finished stage).

    The current store is kept as run.sqlite.damaged. Run the same `envfactory run` command
    again afterwards: it resumes from the stage after the backup's.
    """
    stage = restore_backup(directory / STORE_FILENAME)
    click.echo(
        f"Restored {directory / STORE_FILENAME} from the backup taken at the end of stage {stage!r} "
        f"(the previous store is kept as {STORE_FILENAME}.damaged). Run the same `envfactory run` command to resume."
    )


@click.command("init")
@click.argument(
    "path", required=False, type=click.Path(dir_okay=False, path_type=Path), default=Path("envfactory.toml")
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option(
    "--llm",
    "model",
    default=None,
    metavar="MODEL",
    help="Write the LLM preset instead: story, seed states, requests, refinement, agent and graph helpers "
    "all use MODEL (BACKEND/MODEL, e.g. openai/gpt-4.1-mini).",
)
@handle_errors
def init_command(path: Path, force: bool, model: str | None) -> None:
    """Write a commented pipeline file (default: envfactory.toml) to edit and pass to `envfactory run`.

    Without --llm the pipeline runs offline (template requests, rule-based refinement, the gold
    oracle). With --llm MODEL every stage that benefits from a language model uses one.
    """
    if path.exists() and not force:
        fail(f"{path} exists; pass --force to overwrite it")
    text = DEFAULT_PIPELINE
    if model is not None:
        from ..synthesis.preset import llm_pipeline

        try:
            text = llm_pipeline(model)
        except ValueError as error:
            fail(f"--llm: {error}")
    path.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {path}. Edit it, then: envfactory run {path}" + (" --max-cost 5" if model else ""))


@click.command("browse")
@click.argument("directory", metavar="RUN", type=click.Path(file_okay=False, path_type=Path), default=Path(DEFAULT_OUT))
@click.option("--port", type=int, default=8001, show_default=True, help="Port for datasette.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--open/--no-open", "open_browser", default=True, show_default=True, help="Open a web browser.")
@handle_errors
def browse_command(directory: Path, port: int, host: str, open_browser: bool) -> None:
    """Open the run store of RUN in datasette (needs the `browse` extra).

    The run summary is at /-/envfactory/run; tasks, trajectories and environments link to their pages.
    """
    database = directory / STORE_FILENAME
    if not database.exists():
        fail(f"no run store at {database}")
    if importlib.util.find_spec("datasette") is None:
        fail("datasette is not installed; install it with: pip install 'envfactory-core[browse]'")
    from ..store.pipeline import PipelineStore

    with RunStore(database, create=False) as store:  # a store from before the views gains them now
        PipelineStore(store)
    command = [
        sys.executable,
        "-m",
        "datasette",
        str(database),
        "--host",
        host,
        "--port",
        str(port),
        *DATASETTE_SETTINGS,
    ]
    # datasette takes this process's place, so stopping `envfactory browse` stops the server.
    os.execv(sys.executable, [*command, *(["--open"] if open_browser else [])])
