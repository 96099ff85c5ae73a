"""``envfactory taubench airline ...``: replay the gold actions, judge recorded trajectories.

Every command takes ``--data DIR`` (default: ``$ENVFACTORY_TAUBENCH_DATA``) and ``--json``; with
``--json`` only JSON is printed on stdout, and progress and the summary go to stderr. Exit codes:
0 everything agrees with the benchmark's recorded hashes and verdicts, 1 something does not,
2 bad usage or input (a missing or malformed file: the message lists what is needed).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from envfactory_core.cli.app import echo_json, handle_errors, stderr_console, stdout_console
from envfactory_core.errors import Problem

from .data import AirlineData, DataError, read_airline_data
from .environment import build_environment
from .judge import Verdict, judge_records, summarize
from .replay import Replayer
from .tasks import read_tasks
from .trajectories import read_trajectories
from .upstream import COMMIT, DATA_ENV_VAR, INITIAL_STATE_HASH, REPOSITORY

__all__ = ["taubench_group"]

T = TypeVar("T")

data_option = click.option(
    "--data",
    "data_dir",
    envvar=DATA_ENV_VAR,
    show_envvar=True,
    type=click.Path(file_okay=False, path_type=Path),
    help=(
        "The tau-bench airline data folder (data/flights.json, data/reservations.json, data/users.json, "
        f"wiki.md) from {REPOSITORY} at commit {COMMIT[:7]}."
    ),
)
json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print only JSON on stdout (progress and summary on stderr)."
)


def _tracked(items: Iterable[T], label: str, total: int) -> Iterator[T]:
    """Yield ``items`` with a progress bar on stderr (gone once done)."""
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr_console(),
        transient=True,
    )
    with progress:
        task = progress.add_task(label, total=total)
        for item in items:
            yield item
            progress.advance(task)


def _open(data_dir: Path | None) -> tuple[AirlineData, Replayer]:
    with stderr_console().status("Loading the airline data…"):
        data = read_airline_data(data_dir)
        replayer = Replayer(build_environment(data))
        initial = replayer.initial_hash()
    if initial != INITIAL_STATE_HASH:
        stderr_console().print(
            f"[yellow]warning:[/] the initial state hashes to {initial}, not {INITIAL_STATE_HASH}: "
            f"these are not the data files of {REPOSITORY} at {COMMIT[:7]}, so recorded hashes will not match.",
            soft_wrap=True,
        )
    return data, replayer


@click.group("taubench")
def taubench_group() -> None:
    """The tau-bench benchmark hosted on the EnvFactory runtime (evaluation only)."""


@taubench_group.group("airline")
def airline_group() -> None:
    """tau-bench airline: replay gold actions and judge recorded trajectories with our runtime.

    The data is not shipped: point --data (or $ENVFACTORY_TAUBENCH_DATA) at a folder holding the
    benchmark's data files. See docs/how-to/taubench.md.
    """


@airline_group.command("check-data")
@data_option
@json_option
@handle_errors
def check_data_command(data_dir: Path | None, as_json: bool) -> None:
    """Check a data folder: record counts, the clock, and the initial state's benchmark hash."""
    data, replayer = _open(data_dir)
    try:
        initial = replayer.initial_hash()
        canonical = replayer.replay(()).canonical_hash
    finally:
        replayer.close()
    report = {
        "folder": str(data.folder),
        "flights": len(data.view["flights"]),
        "reservations": len(data.view["reservations"]),
        "users": len(data.view["users"]),
        "now": data.now,
        "tasks_file": str(data.tasks_path) if data.tasks_path else None,
        "initial_state_hash": initial,
        "expected_initial_state_hash": INITIAL_STATE_HASH,
        "matches": initial == INITIAL_STATE_HASH,
        "canonical_state_hash": canonical,
    }
    if as_json:
        echo_json(report)
    else:
        table = Table(title="tau-bench airline data", show_header=False)
        table.add_column("field")
        table.add_column("value", overflow="fold")
        for key, value in report.items():
            table.add_row(key, str(value))
        stdout_console().print(table)
    if not report["matches"]:
        raise SystemExit(1)


@airline_group.command("replay-gold")
@data_option
@click.option(
    "--tasks-file",
    "tasks_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Tasks to replay: tasks.json, or a trajectories file (each record's info.task). Default: DATA/tasks.json.",
)
@click.option(
    "--tasks",
    "tasks_file",
    type=click.Path(dir_okay=False, path_type=Path),
    hidden=True,
    help="Deprecated: --tasks-file.",
)
@json_option
@handle_errors
def replay_gold_command(data_dir: Path | None, tasks_file: Path | None, as_json: bool) -> None:
    """Replay each task's gold actions on a fresh episode and print the benchmark's state hash.

    One object per task: task_id, state_hash, errors (tool errors met on the way), and, where the
    task file gives one, expected_state_hash and matches. Exits 1 when any hash differs from the
    expected one.
    """
    data, replayer = _open(data_dir)
    try:
        path = tasks_file or data.tasks_path
        if path is None:
            raise DataError(
                "no tasks to replay",
                [
                    Problem(
                        location=f"{data.folder}/tasks.json",
                        message="missing",
                        fix="pass --tasks FILE (tasks.json or a trajectories file)",
                    )
                ],
            )
        tasks = read_tasks(path)
        rows: list[dict[str, Any]] = []
        for task in _tracked(tasks, "Replaying gold actions", len(tasks)):
            replay = replayer.replay_gold(task)
            rows.append(
                {
                    "task_id": task.task_id,
                    "state_hash": replay.state_hash,
                    "errors": replay.errors,
                    "expected_state_hash": task.gold_state_hash,
                    "matches": None if task.gold_state_hash is None else replay.state_hash == task.gold_state_hash,
                }
            )
    finally:
        replayer.close()
    checked = [row for row in rows if row["matches"] is not None]
    agreed = sum(bool(row["matches"]) for row in checked)
    if as_json:
        echo_json(rows)
    else:
        table = Table(title=f"Gold replays ({path.name})")
        for column in ("task", "state hash", "errors", "expected"):
            table.add_column(column)
        for row in rows:
            verdict = "—" if row["matches"] is None else ("[green]match[/]" if row["matches"] else "[red]differs[/]")
            table.add_row(str(row["task_id"]), row["state_hash"][:16] + "…", str(len(row["errors"])), verdict)
        stdout_console().print(table)
    stderr_console().print(
        f"{len(rows)} tasks replayed; {agreed} of {len(checked)} expected gold state hashes reproduced.", soft_wrap=True
    )
    if agreed != len(checked):
        raise SystemExit(1)


def _verdict_row(verdict: Verdict) -> list[str]:
    recorded = "—" if verdict.recorded_r_actions is None else f"{verdict.recorded_r_actions:g}"
    return [
        str(verdict.task_id),
        "—" if verdict.trial is None else str(verdict.trial),
        "[green]yes[/]" if verdict.gold_agrees else "[red]no[/]",
        "yes" if verdict.match else "no",
        recorded,
        "[green]yes[/]" if verdict.verdict_agrees else "[red]no[/]",
        f"{verdict.outputs_equal}/{verdict.outputs_compared}",
    ]


@airline_group.command("judge")
@data_option
@click.option(
    "--trajectories",
    "trajectories_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="A trajectories file in the benchmark's format (historical_trajectories/gpt-4o-airline.json or a subset).",
)
@json_option
@handle_errors
def judge_command(data_dir: Path | None, trajectories_file: Path, as_json: bool) -> None:
    """Judge recorded trajectories with our runtime and compare with the benchmark's verdicts.

    For each record that carries gt_data_hash: replay the task's gold actions and the agent's
    recorded tool calls, each on a fresh episode. One object per record: task_id, trial,
    gold_state_hash, agent_state_hash, match (the two are equal), outputs_compared and
    outputs_equal (recorded tool outputs our tools reproduce), and the benchmark's recorded
    gt_data_hash and r_actions beside ours. Exits 1 unless every gold hash is the recorded
    gt_data_hash and every match is the recorded r_actions.
    """
    records = read_trajectories(trajectories_file)
    _, replayer = _open(data_dir)
    judged = [record for record in records if record.gt_data_hash is not None]
    try:
        verdicts = list(_tracked(judge_records(judged, replayer), "Judging trajectories", len(judged)))
    finally:
        replayer.close()
    summary = summarize(len(records), verdicts)
    if as_json:
        echo_json([verdict.to_json() for verdict in verdicts])
    else:
        table = Table(title=f"Judged trajectories ({trajectories_file.name})")
        for column in ("task", "trial", "gold = gt_data_hash", "match", "r_actions", "agrees", "outputs"):
            table.add_column(column)
        for verdict in verdicts:
            table.add_row(*_verdict_row(verdict))
        stdout_console().print(table)
    stderr_console().print(
        f"{summary.judged} of {summary.records} records judged by state; gold hash agrees on {summary.gold_agree}, "
        f"verdict agrees on {summary.verdicts_agree}; outputs equal {summary.outputs_equal}/{summary.outputs_compared}"
        f" ({summary.output_agreement:.1%}).",
        soft_wrap=True,
    )
    if not summary.all_agree:
        raise SystemExit(1)
