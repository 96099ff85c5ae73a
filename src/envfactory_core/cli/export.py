"""``envfactory export``: write a run's kept tasks and trajectories as training files."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..contracts import EXPORTER
from ..errors import ConfigError, Problem
from ..export import ExportItem, ExportResult
from ..export.items import ExportFilter, SplitRule, items_from_store, run_settings
from ..options import apply_options, parse_option_pairs
from ..store import RunStore
from .app import App, echo_json, handle_errors, pass_app, stderr_console, stdout_console

__all__ = ["export_command"]

DEFAULT_TRAIN_SHARE = 0.95


def _counted(items: Iterator[ExportItem], progress: Progress | None, total: int) -> Iterator[ExportItem]:
    if progress is None:
        yield from items
        return
    task = progress.add_task("exporting", total=total)
    for item in items:
        yield item
        progress.advance(task)


@click.command("export")
@click.argument("run_dir", metavar="RUN", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--format",
    "format_name",
    required=True,
    metavar="NAME",
    help="Registered exporter: core/jsonl, core/messages, core/openai_ft, core/llamafactory, or a plugin's "
    "(verl/verl with envfactory-verl); short names work; `envfactory components exporter` lists all.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory to write into [default: RUN/exports/<format>]. Must be empty or new (see --overwrite).",
)
@click.option(
    "--split",
    "train_share",
    type=click.FloatRange(0.0, 1.0, min_open=True),
    default=None,
    help="Share of tasks in the train split, by a seeded hash of the task id "
    f"[default: the run's own setting, else {DEFAULT_TRAIN_SHARE}]. 1 writes no validation split.",
)
@click.option("--seed", type=int, default=None, help="Seed of the split hash [default: the run's seed].")
@click.option(
    "--min-reward",
    type=click.FloatRange(0.0, 1.0),
    default=None,
    help="Keep tasks whose trajectory scored at least this.",
)
@click.option("--reward", default="core/envfactory", show_default=True, help="The reward --min-reward reads.")
@click.option(
    "--env",
    "environments",
    multiple=True,
    metavar="NAME",
    help="Keep tasks whose environments are all among these (repeatable).",
)
@click.option("--environment", "environments", multiple=True, hidden=True, help="Deprecated spelling of --env.")
@click.option(
    "--domain", "domains", multiple=True, metavar="NAME", help="Keep tasks whose environments are all of these domains."
)
@click.option(
    "--option",
    "options",
    multiple=True,
    metavar="KEY=VALUE",
    help="Exporter option, e.g. expand=step for core/messages or rows=task for verl/verl (repeatable).",
)
@click.option("--overwrite", is_flag=True, help="Replace the output directory if it is not empty.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout (progress on stderr).")
@pass_app
@handle_errors
def export_command(
    app: App,
    run_dir: Path,
    format_name: str,
    out: Path | None,
    train_share: float | None,
    seed: int | None,
    min_reward: float | None,
    reward: str,
    environments: tuple[str, ...],
    domains: tuple[str, ...],
    options: tuple[str, ...],
    overwrite: bool,
    as_json: bool,
) -> None:
    """Export the kept tasks of the run in RUN as training data in one format.

    Tasks stream from the run store in chain order, each with its trajectory, tools and world
    states; the exporter writes one file per split (train, validation) plus any side files its
    format needs. The same run, split and options always give byte-identical files.

    \b
    Examples:
      envfactory export runs/demo --format jsonl
      envfactory export runs/demo --format messages --option expand=step --min-reward 1
      envfactory export runs/demo --format verl --split 0.9 --out data/verl
    """
    entry = app.registry.entry(EXPORTER, format_name)
    exporter = apply_options(entry.component, parse_option_pairs(options), location="--option")
    store = RunStore(run_dir, create=False)
    try:
        settings = run_settings(store)
        if train_share is None:
            recorded = settings.get("validation_share")
            validation_share = float(recorded) if isinstance(recorded, (int, float)) else 1 - DEFAULT_TRAIN_SHARE
        else:
            validation_share = 1.0 - train_share
        split = SplitRule(
            validation_share=round(validation_share, 12),
            seed=seed if seed is not None else int(settings.get("seed", 0) or 0),
        )
        keep = ExportFilter(min_reward=min_reward, reward=reward, environments=environments, domains=domains)
        short = entry.name.split("/", 1)[-1]
        directory = out if out is not None else run_dir / "exports" / short
        _check_directory(directory, overwrite)
        from ..store.pipeline import PipelineStore

        total = PipelineStore(store).kept_count()
        filtered: dict[str, int] = {}
        items = items_from_store(store, split=split, filter=keep, skipped=filtered)
        temporary = directory.parent / f".tmp-{directory.name}"
        if temporary.exists():
            shutil.rmtree(temporary)
        temporary.mkdir(parents=True)
        try:
            with _progress(as_json) as progress:
                result: ExportResult = exporter.export(_counted(items, progress, total), temporary)
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise
        if directory.exists():
            shutil.rmtree(directory)
        os.replace(temporary, directory)
    finally:
        store.close()
    _report(entry.name, directory, result, filtered, split, total, as_json)


def _check_directory(directory: Path, overwrite: bool) -> None:
    if directory.exists() and not directory.is_dir():
        raise ConfigError("cannot write the export", [Problem(location=str(directory), message="is a file")])
    if directory.exists() and any(directory.iterdir()) and not overwrite:
        raise ConfigError(
            "cannot write the export",
            [
                Problem(
                    location=str(directory),
                    message="the directory is not empty",
                    fix="pass --overwrite to replace it, or choose another --out",
                )
            ],
        )


class _NoProgress:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _progress(quiet: bool) -> Any:
    if quiet:
        return _NoProgress()
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr_console(),
        transient=True,
    )


def _report(
    exporter: str,
    directory: Path,
    result: ExportResult,
    filtered: dict[str, int],
    split: SplitRule,
    total: int,
    as_json: bool,
) -> None:
    if as_json:
        echo_json(
            {
                "exporter": exporter,
                "directory": str(directory),
                "kept_tasks": total,
                "split": {"validation_share": split.validation_share, "seed": split.seed},
                "filtered_out": dict(sorted(filtered.items())),
                "skipped": result.skipped,
                "records": result.records,
                "files": [{"path": f.path, "records": f.records, "sha256": f.sha256} for f in result.files],
            }
        )
        return
    table = Table(title=f"{exporter} → {directory}")
    table.add_column("file")
    table.add_column("records", justify="right")
    table.add_column("sha256")
    for file in result.files:
        table.add_row(file.path, str(file.records) if file.records else "", file.sha256[:16])
    stdout_console().print(table)
    notes = [f"{total} kept tasks in the run"]
    notes.extend(f"{count} filtered out ({reason})" for reason, count in sorted(filtered.items()))
    notes.extend(f"{count} skipped by the format ({reason})" for reason, count in result.skipped.items())
    stdout_console().print("; ".join(notes))
    if not result.records:
        stderr_console().print("[yellow]No records were written: no kept task passed the filters.[/yellow]")
