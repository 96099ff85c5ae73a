"""One work item: a sampled chain through ground → write → refine → gates → collect → score.

Work items run wherever the executor puts them (this process, a process pool, a Ray worker). A
worker builds a :class:`WorkerContext` once from a picklable :class:`WorkerSpec` (the pipeline
text, the plugin folders, the graph and the chosen environments) with :func:`worker_init`; the
executor keeps it and hands it to :func:`process_item` with every item. A work item returns an
:class:`~envfactory_core.store.records.ItemResult` with every state it made; only the driver
writes to the run store.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ..contracts import LABELLER, LINKER, Kind
from ..env import Environment
from ..graph import ToolGraph
from ..llm.errors import LLMError, failure_code
from ..models import Task, ToolChain, VerificationReport
from ..plugins import make_plugin_manager
from ..registry import Registry
from ..store.records import ItemResult
from ..tasks.context import DropTask, TaskContext
from ..tasks.gates import UniqueGate
from ..tasks.scoring import score_trajectory
from ..tasks.states import MemoryStates
from .config import Pipeline, parse_pipeline

__all__ = [
    "LLMOptions",
    "WorkerContext",
    "WorkerSpec",
    "item_seed",
    "llm_client",
    "needs_llm",
    "process_item",
    "uses_llm",
    "worker_init",
]


def item_seed(run_seed: int, index: int) -> int:
    """The seed of work item ``index``: independent of workers, order and resumption."""
    digest = hashlib.sha256(f"item:{run_seed}:{index}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


@attrs.frozen(kw_only=True)
class LLMOptions:
    """How workers reach an LLM backend (only used by pipelines with LLM components)."""

    config: str | None = None
    concurrency: int | None = None
    max_calls: int | None = None
    max_cost: float | None = None
    no_cache: bool = False


@attrs.frozen(kw_only=True)
class WorkerSpec:
    """What a worker needs to rebuild the run's context: picklable and small."""

    pipeline_text: str
    pipeline_source: str
    plugins_dirs: tuple[str, ...]
    graph_json: str
    environments: tuple[str, ...]
    seed: int
    run_dir: str = ""
    llm: LLMOptions = attrs.field(factory=LLMOptions)


@attrs.define(kw_only=True)
class WorkerContext:
    """The run's context inside a worker."""

    pipeline: Pipeline
    registry: Registry
    graph: ToolGraph
    environments: Mapping[str, Environment]
    seed: int
    llm: Any = None


def build_context(spec: WorkerSpec) -> WorkerContext:
    from .stages import run_catalog

    registry = Registry(make_plugin_manager(plugins_dirs=spec.plugins_dirs))
    pipeline = parse_pipeline(spec.pipeline_text, registry, source=spec.pipeline_source)
    catalog = run_catalog(pipeline, registry)
    return WorkerContext(
        pipeline=pipeline.with_settings(seed=spec.seed),
        registry=registry,
        graph=ToolGraph.from_json(json.loads(spec.graph_json)),
        environments={name: catalog[name] for name in spec.environments},
        seed=spec.seed,
        llm=llm_client(registry, spec.run_dir, spec.llm) if uses_llm(pipeline, registry) else None,
    )


def uses_llm(pipeline: Pipeline, registry: Registry | None = None) -> bool:
    """Whether any component of the pipeline needs an LLM client (says so with ``needs_llm``).

    With a registry, components a stage names by option (the graph stage's ``linker`` and
    ``labeller``) count too.
    """
    return any(needs_llm(component, registry) for stage in pipeline.stages for component in stage.components)


def needs_llm(component: Any, registry: Registry | None = None) -> bool:
    """Whether ``component``, or a linker or labeller it names, calls a language model."""
    if getattr(component, "needs_llm", False):
        return True
    if registry is None:
        return False
    kinds: tuple[Kind[Any], ...] = (LINKER, LABELLER)
    for kind in kinds:
        name = getattr(component, kind.name, None)
        if isinstance(name, str) and name:
            try:
                if getattr(registry.get(kind, name), "needs_llm", False):
                    return True
            except KeyError:
                continue
    return False


def llm_client(registry: Registry, run_dir: str, options: LLMOptions) -> Any:
    """An LLM client whose cache, call log and budget live in the run's store."""
    from pathlib import Path

    from ..llm import Budget, LLMClient
    from ..llm.config import load_settings
    from ..store import RunStore

    store = RunStore(run_dir) if run_dir else None
    return LLMClient(
        registry=registry,
        settings=load_settings(Path(options.config) if options.config else None),
        store=store,
        concurrency=options.concurrency,
        cache=not options.no_cache,
        budget=Budget(max_cost=options.max_cost, max_calls=options.max_calls),
    )


def worker_init(spec: WorkerSpec, inherited: WorkerContext | None = None) -> WorkerContext:
    """Executor initializer: this worker's context, built once; the executor passes it to every item.

    A worker forked from the driver is given the driver's context (``inherited``) for the same run,
    and keeps it instead of rebuilding it (loading plugins, reading the graph) in every process.
    """
    if inherited is not None:
        if inherited.llm is None:
            return inherited
        # A client's database connection and event-loop thread do not survive a fork: open our own.
        return attrs.evolve(inherited, llm=llm_client(inherited.registry, spec.run_dir, spec.llm))
    return build_context(spec)


def _dropped(index: int, chain_id: str, stage: str, code: str, reason: str, **extra: Any) -> ItemResult:
    return ItemResult(index=index, chain_id=chain_id, status="dropped", stage=stage, code=code, reason=reason, **extra)


def process_item(context: WorkerContext, item: tuple[int, ToolChain]) -> ItemResult:
    """Run one chain through the item stages of the run's pipeline, in this worker's ``context``.

    A component may raise :class:`~envfactory_core.tasks.context.DropTask` to drop the item; the
    result then says at which stage and why.
    """
    from ..serialize import record_id

    index, chain = item
    chain_id = record_id(chain)
    if not chain.valid:
        return _dropped(
            index, chain_id, "sample", "invalid_chain", "; ".join(chain.problems) or "the chain validator rejected it"
        )
    states = MemoryStates()
    task_context = TaskContext(
        environments=context.environments,
        states=states,
        graph=context.graph,
        llm=context.llm,
        seed=item_seed(context.seed, index),
        registry=context.registry,
    )
    from ..synthesis.runtime import using_llm

    try:
        # Components without a task context (an LLM judge in the score stage) use the run's client.
        with using_llm(context.llm):
            return _run_stages(index, chain, chain_id, context.pipeline, task_context)
    except DropTask as drop:
        return _dropped(index, chain_id, getattr(drop, "stage", "unknown"), drop.code, drop.reason)
    except LLMError as error:
        # A call this item needs failed for good (a refusal, a server that cannot answer it, an
        # overflow that shortening did not cure): the item is dropped with the reason and the run
        # goes on. The drop is committed, so a re-run does not call it again (``--retry-failed``).
        return _dropped(index, chain_id, getattr(error, "stage", "unknown"), failure_code(error), str(error)[:500])


def _run_stages(
    index: int,
    chain: ToolChain,
    chain_id: str,
    pipeline: Pipeline,
    context: TaskContext,
) -> ItemResult:
    states = context.states
    assert isinstance(states, MemoryStates)
    story = pipeline.stage("story")
    if story is not None:
        context.story = _in_stage("story", story.components[0].tell, chain, context)
    world = pipeline.stage("world")
    initial_states = None
    if world is not None:
        component = world.components[0]

        def initial_states(restart: int) -> Any:
            return _in_stage("world", component.initial_state, chain, context, attempt=restart)

    ground = pipeline.stage("ground")
    if ground is None:
        return _dropped(index, chain_id, "ground", "no_ground_stage", "the pipeline has no ground stage")
    grounded = ground.components[0].ground(
        chain,
        environments=context.environments,
        states=states,
        seed=context.seed,
        graph=context.graph,
        initial_states=initial_states,
    )
    if grounded.task is None:
        return _dropped(index, chain_id, "ground", grounded.code or "failed", grounded.reason)
    task: Task = grounded.task
    if context.story:
        task = task.with_changes(story=context.story)
    # Gates that judge only the calls and states run before any request is written (so an LLM
    # writer is never paid for a task the gates would drop); gates that read requests run after.
    reports: list[VerificationReport] = []
    unique_key = ""
    gate = pipeline.stage("gate")
    gates = list(gate.components) if gate is not None else []
    early = [component for component in gates if not getattr(component, "reads_requests", True)]
    late = [component for component in gates if getattr(component, "reads_requests", True)]
    for batch in (early, late):
        if batch is late:
            for stage_name, method in (("write", "write"), ("refine", "refine")):
                stage = pipeline.stage(stage_name)
                if stage is not None:
                    task = _in_stage(stage_name, getattr(stage.components[0], method), task, context)
        for component in batch:
            if isinstance(component, UniqueGate):
                unique_key = unique_key_of(task)
                continue
            reports.append(_in_stage("gate", component.verify_task, task, context))
        # Early reports were made before the requests were written, which changed the task's id.
        reports = [attrs.evolve(report, subject=task.id) for report in reports]
        failed = [report for report in reports if not report.passed]
        if failed:
            reason = "; ".join(
                f"{report.verifier}: {check.name}: {check.detail}" for report in failed for check in report.failures
            )
            return _dropped(index, chain_id, "gate", failed[0].verifier, reason, task=task, reports=tuple(reports))
    trajectory = None
    collect = pipeline.stage("collect")
    if collect is not None:
        trajectory = _in_stage("collect", collect.components[0].solve, task, context)
        score = pipeline.stage("score")
        if score is not None:
            trajectory = _in_stage("score", score_trajectory, task, trajectory, score.components, context)
    return ItemResult(
        index=index,
        chain_id=chain_id,
        status="kept",
        task=task,
        trajectory=trajectory,
        reports=tuple(reports),
        states=dict(states.states),
        unique_key=unique_key,
    )


def _in_stage(stage: str, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``function``, tagging a ``DropTask`` or ``LLMError`` it raises with the stage it came from."""
    try:
        return function(*args, **kwargs)
    except (DropTask, LLMError) as drop:
        if not getattr(drop, "stage", ""):
            drop.stage = stage  # type: ignore[union-attr]
        raise


def unique_key_of(task: Task) -> str:
    from ..ids import content_id

    return content_id(
        {
            "environments": list(task.environments),
            "calls": [[gold.call.qualified_name, gold.call.arguments] for gold in task.gold_calls],
            "request": task.request,
        }
    )
