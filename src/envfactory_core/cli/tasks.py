"""``envfactory tasks``: make grounded tasks offline, report on them, render examples.

``tasks make`` runs the pipeline's task stages (environments → verify → graph → sample → ground →
write → refine → gates) into a run directory, sampling exactly N chains; ``tasks stats`` reports
what became of them; ``tasks examples`` renders sample tasks as markdown for the docs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..contracts import ENVIRONMENT
from ..pipeline import parse_pipeline, run_pipeline
from ..pipeline.config import component_problem
from ..pipeline.runner import RunOptions
from ..registry import Registry
from ..store import RunStore
from ..store.pipeline import PipelineStore
from ..tasks.phrasing import render_value
from ..tasks.requests import identifier_count
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


def task_stats(store: RunStore) -> dict[str, Any]:
    """What became of the sampled chains: grounded, kept, dropped by reason, implicit share."""
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
    for _, task, _ in pipeline_store.kept():
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
    }


@click.group("tasks")
def tasks_group() -> None:
    """Make grounded tasks offline and inspect them."""


@tasks_group.command("make")
@click.option("--domains", "domains", multiple=True, help="Only environments of this domain (repeatable; default all).")
@click.option("--env", "environments", multiple=True, help="Only this environment (repeatable).")
@click.option("-n", "chains", type=click.IntRange(min=1), default=100, show_default=True, help="Chains to sample.")
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
        _print_stats(task_stats(store), as_json)
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
        f"({stats['identifiers_stated']['raw']} → {stats['identifiers_stated']['refined']} identifiers)"
    )


@tasks_group.command("stats")
@click.argument("run_dir", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handle_errors
def stats_command(run_dir: Path, as_json: bool) -> None:
    """Sampled, grounded and kept chains, drops by reason, and the implicit-intent share of RUN_DIR.

    `envfactory docs tasks RUN_DIR` (from envfactory-docs) writes the same figures into the docs.
    """
    store = RunStore(run_dir, create=False)
    try:
        stats = task_stats(store)
    finally:
        store.close()
    _print_stats(stats, as_json)


def render_examples(registry: Registry, *, count: int = 10, seed: int = 0, out: Path) -> str:
    """Markdown of ``count`` tasks from the installed domains, one per domain before repeating."""
    text = task_pipeline_text(chains=count * 6, seed=seed, verify=False)
    pipeline = parse_pipeline(text, registry, source="<tasks examples>")
    run_pipeline(pipeline, registry, RunOptions(out=out), pipeline_text=text)
    store = RunStore(out, create=False)
    try:
        kept = [task for _, task, _ in PipelineStore(store).kept()]
    finally:
        store.close()
    domains: dict[str, str] = {}
    for entry in registry.components(ENVIRONMENT):
        domains[entry.component.name] = entry.component.domain
    chosen: list[Any] = []
    seen_domains: set[str] = set()
    for task in kept:
        domain = domains.get(task.environments[0], "")
        if len(task.gold_calls) >= 2 and domain not in seen_domains and len(chosen) < count:
            chosen.append(task)
            seen_domains.add(domain)
    for task in kept:
        if len(chosen) >= count:
            break
        if task not in chosen and len(task.gold_calls) >= 2:
            chosen.append(task)
    lines = [
        "# Example tasks",
        "",
        "Generated by `envfactory tasks examples --out docs/examples/tasks.md` from the shipped domains, offline "
        f"(seed {seed}): the template writer's raw request, the implicit refiner's request, and the gold calls the "
        "grounder executed. Values the agent can read from an earlier tool output are no longer stated in the "
        "refined request.",
        "",
    ]
    for number, task in enumerate(chosen, start=1):
        names = ", ".join(task.environments)
        lines += [f"## {number}. {names}", ""]
        for index, turn in enumerate(task.turns):
            label = f"Turn {index + 1}: " if len(task.turns) > 1 else ""
            lines += [
                f"**{label}Raw request.** {turn.raw_request}",
                "",
                f"**{label}Refined request.** {turn.request}",
                "",
            ]
        lines.append("**Gold calls.**")
        lines.append("")
        for gold in task.gold_calls:
            arguments = ", ".join(f"{name}={render_value(value)}" for name, value in gold.call.arguments.items())
            sources = ", ".join(f"{name}: {source}" for name, source in sorted(gold.sources.items()))
            lines.append(f"- `{gold.call.qualified_name}({arguments})` — {gold.effect}; sources: {sources or 'none'}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


@tasks_group.command("examples")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The markdown file.")
@click.option("--count", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--check", is_flag=True, help="Exit 1 when OUT differs from what would be written (stale docs).")
@pass_app
@handle_errors
def examples_command(app: App, out: Path, count: int, seed: int, check: bool) -> None:
    """Render COUNT example tasks (raw request, refined request, gold calls) as markdown."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        text = render_examples(app.registry, count=count, seed=seed, out=Path(scratch) / "run")
    if check:
        current = out.read_text(encoding="utf-8") if out.exists() else ""
        if current != text:
            click.echo(f"{out} is stale; regenerate it with: envfactory tasks examples --out {out}", err=True)
            raise SystemExit(1)
        click.echo(f"{out} is up to date")
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {out} ({count} tasks)")
