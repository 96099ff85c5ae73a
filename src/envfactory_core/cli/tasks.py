"""``envfactory tasks``: make grounded tasks offline and report on them.

``tasks make`` runs the pipeline's task stages (environments → verify → graph → sample → ground →
write → refine → gates) into a run directory, sampling exactly N chains; ``tasks stats`` reports
what became of them (``envfactory docs examples``, from envfactory-docs, renders sample tasks as a page).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from ..env import Environment
from ..pipeline import parse_pipeline, run_pipeline
from ..pipeline.config import component_problem
from ..pipeline.runner import RunOptions
from ..registry import Registry
from ..store import RunStore
from ..store.pipeline import PipelineStore
from ..tasks.requests import identifier_count, solvability_problems
from .app import App, echo_json, fail, handle_errors, pass_app, stdout_console

__all__ = ["tasks_group", "task_pipeline_text"]


def task_pipeline_text(
    *,
    chains: int,
    seed: int,
    domains: tuple[str, ...] = (),
    environments: tuple[str, ...] = (),
    sampler: str = "core/topology",
    max_tools: int = 3,
    writer: str = "core/template",
    refiner: str = "core/implicit",
    verify: bool = True,
) -> str:
    """The pipeline ``tasks make`` runs: the task stages only, exactly ``chains`` chains."""
    stages = [
        '[[stage]]\nstage = "environments"\nuse = "core/installed"\n'
        f"options = {{ domains = {json.dumps(list(domains))}, names = {json.dumps(list(environments))} }}",
        *(['[[stage]]\nstage = "verify"\nuse = "core/conformance"'] if verify else []),
        '[[stage]]\nstage = "graph"\nuse = "core/graph"',
        f'[[stage]]\nstage = "sample"\nuse = {json.dumps(sampler)}\noptions = {{ max_tools = {max_tools} }}',
        '[[stage]]\nstage = "ground"\nuse = "core/ground"',
        f'[[stage]]\nstage = "write"\nuse = {json.dumps(writer)}',
        f'[[stage]]\nstage = "refine"\nuse = {json.dumps(refiner)}',
        '[[stage]]\nstage = "gate"',
    ]
    header = f"[run]\nseed = {seed}\ntasks = {chains}\nchains_per_task = 1.0\n"
    return header + "\n" + "\n\n".join(stages) + "\n"


def task_stats(store: RunStore, environments: Mapping[str, Environment] | None = None) -> dict[str, Any]:
    """What became of the sampled chains: grounded, kept, dropped by reason, implicit share, solvability,
    and the quality figures (:func:`~envfactory_core.tasks.quality.quality_figures`).

    ``environments`` (the installed ones by name) give the tool descriptions the copy share is
    measured against and the clocks of the date checks; without them the figures use none.
    """
    pipeline_store = PipelineStore(store)
    sampled = int(store.connection.execute("SELECT COUNT(*) FROM chains").fetchone()[0])
    processed = int(store.connection.execute("SELECT COUNT(*) FROM items").fetchone()[0])
    dropped = pipeline_store.drop_reasons()
    not_grounded = sum(count for reason, count in dropped.items() if reason.startswith(("ground:", "sample:")))
    kept = pipeline_store.kept_count()
    multi = 0
    fewer = 0
    calls = 0
    raw_ids = 0
    refined_ids = 0
    kept_tasks = [task for _, task, _ in pipeline_store.kept()]
    unsolvable = sum(1 for task in kept_tasks if solvability_problems(task))
    for task in kept_tasks:
        calls += len(task.gold_calls)
        if len(task.gold_calls) >= 2:
            multi += 1
            raw = identifier_count(task, raw=True)
            refined = identifier_count(task, raw=False)
            raw_ids += raw
            refined_ids += refined
            if refined < raw:
                fewer += 1
    return {
        "sampled": sampled,
        "processed": processed,
        "grounded": processed - not_grounded,
        "kept": kept,
        "grounded_share": round((processed - not_grounded) / processed, 4) if processed else 0.0,
        "kept_share": round(kept / processed, 4) if processed else 0.0,
        "dropped_by_reason": dropped,
        "multi_tool_tasks": multi,
        "implicit_share": round(fewer / multi, 4) if multi else 0.0,
        "identifiers_stated": {"raw": raw_ids, "refined": refined_ids},
        "mean_gold_calls": round(calls / kept, 3) if kept else 0.0,
        "solvable_share": round((kept - unsolvable) / kept, 4) if kept else 0.0,
        "quality": _quality(kept_tasks, environments or {}),
    }


def _quality(tasks: list[Any], environments: Mapping[str, Environment]) -> dict[str, Any]:
    from ..tasks.context import TaskContext
    from ..tasks.quality import quality_figures
    from ..tasks.states import MemoryStates

    used = {name for task in tasks for name in task.environments}
    chosen = {name: environment for name, environment in environments.items() if name in used}
    context = TaskContext(environments=chosen, states=MemoryStates())
    return quality_figures(tasks, context.descriptions, context)


def _environments(app: App) -> dict[str, Environment]:
    from ..env.catalog import environment_catalog

    return dict(environment_catalog(app.registry))


@click.group("tasks")
def tasks_group() -> None:
    """Make grounded tasks offline and inspect them."""


@tasks_group.command("make")
@click.option("--domain", "domains", multiple=True, help="Only environments of this domain (repeatable; default all).")
@click.option("--domains", "domains", multiple=True, hidden=True, help="Deprecated spelling of --domain.")
@click.option("--env", "environments", multiple=True, help="Only this environment (repeatable).")
@click.option(
    "--chains", "chains", type=click.IntRange(min=1), default=100, show_default=True, help="Chains to sample."
)
@click.option(
    "-n", "chains", type=click.IntRange(min=1), default=100, hidden=True, help="Deprecated spelling of --chains."
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--sampler", default="core/topology", show_default=True, help="The registered sampler.")
@click.option("--max-tools", type=click.IntRange(min=1), default=3, show_default=True, help="Tools per chain at most.")
@click.option("--writer", default="core/template", show_default=True, help="The registered query writer.")
@click.option("--refiner", default="core/implicit", show_default=True, help="The registered refiner.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="The run directory.")
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
@pass_app
@handle_errors
def make_command(
    app: App,
    domains: tuple[str, ...],
    environments: tuple[str, ...],
    chains: int,
    seed: int,
    sampler: str,
    max_tools: int,
    writer: str,
    refiner: str,
    workers: int,
    out: Path,
    as_json: bool,
) -> None:
    """Sample N chains, ground them, write and refine requests, apply the gates (no agent, no export)."""
    _check_component(app.registry, "--sampler", "sample", sampler)
    _check_component(app.registry, "--writer", "write", writer)
    _check_component(app.registry, "--refiner", "refine", refiner)
    text = task_pipeline_text(
        chains=chains,
        seed=seed,
        domains=domains,
        environments=environments,
        sampler=sampler,
        max_tools=max_tools,
        writer=writer,
        refiner=refiner,
    )
    pipeline = parse_pipeline(text, app.registry, source="<tasks make>")
    run_pipeline(
        pipeline, app.registry, RunOptions(out=out, workers=workers, plugins_dirs=app.plugins_dirs), pipeline_text=text
    )
    store = RunStore(out, create=False)
    try:
        _print_stats(task_stats(store, _environments(app)), as_json)
    finally:
        store.close()


def _check_component(registry: Registry, option: str, stage: str, name: str) -> None:
    """Fail, naming ``option``, unless ``name`` can serve the pipeline's ``stage`` stage."""
    problem = component_problem(registry, stage, name)
    if problem:
        fail(f"{option}: {problem}")


def _print_stats(stats: dict[str, Any], as_json: bool) -> None:
    if as_json:
        echo_json(stats)
        return
    console = stdout_console()
    console.print(
        f"{stats['sampled']} chains sampled, {stats['processed']} processed, {stats['grounded']} grounded "
        f"({stats['grounded_share']:.0%}), {stats['kept']} kept after the gates ({stats['kept_share']:.0%})"
    )
    for reason, count in stats["dropped_by_reason"].items():
        console.print(f"  dropped {count:>4} × {reason}")
    console.print(
        f"{stats['multi_tool_tasks']} tasks with two or more tools; the refined request states fewer identifiers "
        f"than the raw one in {stats['implicit_share']:.0%} of them "
        f"({stats['identifiers_stated']['raw']} → {stats['identifiers_stated']['refined']} identifiers); "
        f"{stats['solvable_share']:.0%} of the kept tasks solvable from their requests"
    )
    quality = stats["quality"]
    console.print(
        f"quality over {quality['user_turns']} user turns: description copy {quality['description_copy_share']:.1%}, "
        f"parenthesis {quality['parenthesis_share']:.1%}, distinct 4-grams {quality['distinct_4gram_ratio']:.2f}, "
        f"repeated references {quality['repeated_reference_share']:.1%}"
    )
    console.print(
        f"coherence over {stats['kept']} kept tasks: undo pairs {quality['undo_pair_share']:.1%}, "
        f"value-range violations {quality['value_range_violations']}, cross-environment tasks without a shared "
        f"entity {quality['cross_environment_unshared']} of {quality['cross_environment_tasks']}, "
        f"with a story {quality['stories']:.0%}"
    )


@tasks_group.command("stats")
@click.argument("run_dir", metavar="RUN", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
@handle_errors
def stats_command(app: App, run_dir: Path, as_json: bool) -> None:
    """Sampled, grounded and kept chains, drops by reason, the implicit-intent share and quality figures of RUN.

    `envfactory docs tasks RUN` (from envfactory-docs) writes the same figures into the docs.
    """
    store = RunStore(run_dir, create=False)
    try:
        stats = task_stats(store, _environments(app))
    finally:
        store.close()
    _print_stats(stats, as_json)
