"""``envfactory eval``: a model as the agent on a task set; success rates, pass^k, per environment."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from ..evaluation import EvalOptions, EvalOutcome, Rate, load_task_set, run_eval
from ..pipeline.work import LLMOptions
from .app import App, echo_json, handle_errors, pass_app, stderr_console, stdout_console
from .llm import llm_client_options, usage_table

__all__ = ["eval_command"]

DEFAULT_OUT = "envfactory-eval"


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%"


def _row(name: str, rate: Rate, ks: list[int]) -> list[str]:
    return [
        name,
        str(rate.tasks),
        str(rate.trials),
        f"{_percent(rate.rate)} [{_percent(rate.low)}, {_percent(rate.high)}]",
        *(f"{rate.pass_hat[k]:.3f}" if k in rate.pass_hat else "-" for k in ks),
        f"{rate.mean_score:.3f}",
    ]


def print_outcome(outcome: EvalOutcome) -> None:
    """The per-environment table, the usage table, and how complete the evaluation is."""
    console = stdout_console()
    ks = list(range(1, outcome.trials + 1))
    table = Table(title=f"envfactory eval {outcome.model} → {outcome.out} (reward {outcome.reward})")
    for column in ("environment", "tasks", "trials", "success [95% CI]", *(f"pass^{k}" for k in ks), "mean score"):
        table.add_column(column, justify="left" if column == "environment" else "right")
    for name, rate in outcome.environments.items():
        table.add_row(*_row(name, rate, ks))
    if len(outcome.environments) != 1:
        table.add_row(*_row("all", outcome.overall, ks), style="bold")
    console.print(table)
    if outcome.llm_usage:
        from ..llm import UsageTotals
        from ..llm.usage import UsageRow

        rows = tuple(UsageRow(**row) for row in outcome.llm_usage["rows"])
        console.print(usage_table(UsageTotals(rows=rows), title="LLM usage of this evaluation (cached calls are free)"))
    if outcome.stopped:
        stderr_console().print(
            f"[yellow]Stopped: {outcome.stopped}. {outcome.overall.trials} of {outcome.total} trials are done; "
            "run the same command again (with a larger cap) to resume.[/yellow]"
        )
    elif outcome.done_now == 0:
        stderr_console().print(f"Nothing to do: every trial is in {outcome.out}.")


@click.command("eval")
@click.argument("source", metavar="TASKS")
@click.option("--model", required=True, help="The agent's model, BACKEND/MODEL (e.g. openai/gpt-4.1-mini).")
@click.option(
    "--user-model",
    default="",
    help="The simulated user's model (default: the agent's, for tasks played with a user such as tau-bench's).",
)
@click.option("--trials", type=click.IntRange(min=1), default=1, show_default=True, help="Trials per task (pass^k).")
@click.option("-n", "--tasks", "count", type=click.IntRange(min=1), default=None, help="Only the first N tasks.")
@click.option("--env", "env", multiple=True, help="Only the tasks of this environment (repeatable).")
@click.option("--reward", default="", help="The reward that scores trials (default: the task set's).")
@click.option(
    "--pass-score", type=click.FloatRange(0, 1), default=1.0, show_default=True, help="The score a trial must reach."
)
@click.option(
    "--tool-format",
    type=click.Choice(["native", "hermes"]),
    default="native",
    show_default=True,
    help="Native tool calls, or Hermes <tool_call> blocks in text (servers without a tool parser).",
)
@click.option("--max-steps", type=click.IntRange(min=1), default=12, show_default=True, help="Model calls per turn.")
@click.option("--temperature", type=float, default=None, help="Sampling temperature (default: the backend's).")
@click.option(
    "--workers", type=click.IntRange(min=1), default=4, show_default=True, help="Trials that run at the same time."
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the sampled model calls.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="The evaluation's run directory (results, trajectories, LLM cache).",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@llm_client_options
@pass_app
@handle_errors
def eval_command(
    app: App,
    source: str,
    model: str,
    user_model: str,
    trials: int,
    count: int | None,
    env: tuple[str, ...],
    reward: str,
    pass_score: float,
    tool_format: Any,
    max_steps: int,
    temperature: float | None,
    workers: int,
    seed: int,
    out: Path,
    quiet: bool,
    as_json: bool,
    llm_config: Path | None,
    llm_concurrency: int | None,
    max_calls: int | None,
    max_cost: float | None,
    no_cache: bool,
) -> None:
    """Evaluate a model as the agent on TASKS, each task --trials times.

    TASKS is a run directory (its kept tasks), a core/jsonl export folder, or a resource loader
    that yields tasks, LOADER[:PATH] (the tau-bench airline tasks, played with the simulated user:
    `taubench/airline:DATA_DIR`). Every trial runs on its own episode and is scored by replaying
    its calls: state and trace (`core/envfactory`), or the benchmark's own reward for its tasks.

    Prints the success rate with a 95% interval, tau-bench's pass^k for k up to --trials, and one
    row per environment. Trials and their trajectories are kept in OUT's run store: re-running
    resumes a stopped evaluation and costs no calls once it is complete.
    """
    task_set = load_task_set(source, app.registry)
    options = EvalOptions(
        out=out,
        model=model,
        user_model=user_model,
        trials=trials,
        tasks=count,
        env=env,
        reward=reward,
        pass_score=pass_score,
        tool_format=tool_format,
        max_steps=max_steps,
        temperature=temperature,
        workers=workers,
        seed=seed,
        llm=LLMOptions(
            config=str(llm_config) if llm_config is not None else None,
            concurrency=llm_concurrency,
            max_calls=max_calls,
            max_cost=max_cost,
            no_cache=no_cache,
        ),
    )
    progress = None
    if not quiet and sys.stderr.isatty():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        progress = Progress(
            TextColumn("trials"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=stderr_console()
        )
    if progress is not None:
        with progress:
            bar = progress.add_task("trials", total=None)
            outcome = run_eval(
                task_set,
                app.registry,
                options,
                report=lambda done, total: progress.update(bar, completed=done, total=total),
            )
    else:
        outcome = run_eval(task_set, app.registry, options)
    if as_json:
        echo_json(outcome.as_json())
    else:
        print_outcome(outcome)
