"""Running a pipeline into a run directory, resumably.

Run-level stages (environments, verify, graph, sample, export) record their outcome in
``stage_runs`` and are skipped when done. Work items (one per sampled chain) run on the executor
and are committed by this driver, one transaction per item, **in chain order**: a run killed at any
point resumes at the first uncommitted item and ends with exactly the outputs of an uninterrupted
run. Items stop being taken once the pipeline's ``tasks`` are kept.

The run directory holds ``run.sqlite`` (the run store) and ``exports/<exporter>/`` (the files).
Same pipeline, same seed, same installed environments → byte-identical export files.

Pipelines with LLM components get one :class:`~envfactory_core.llm.LLMClient` per process whose
cache, call log and budget live in the run store (``RunOptions.llm``). When a budget cap is
reached (:class:`~envfactory_core.llm.BudgetExceeded`) the run stops cleanly: the item in
progress is not committed, nothing is exported, and re-running with a larger cap resumes there
(answers already paid for are replayed from the cache).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import attrs

from ..contracts import EXECUTOR, Executor
from ..env import Environment
from ..errors import ConfigError, Problem, StoreError
from ..graph import ToolGraph, sample_chains
from ..ids import canonical_json
from ..llm.errors import BudgetExceeded
from ..models import ToolChain
from ..registry import Registry
from ..serialize import record_id
from ..store import RunStore
from ..store.pipeline import PipelineStore
from ..store.records import ItemResult
from .config import Pipeline
from .executors import LocalExecutor
from .stages import run_catalog
from .work import (
    LLMOptions,
    WorkerContext,
    WorkerSpec,
    llm_client,
    needs_llm,
    process_item,
    uses_llm,
    worker_init,
)

__all__ = ["RunOptions", "RunOutcome", "run_pipeline"]

Report = Callable[[str, int, int], None]
"""Progress callback: ``(stage, done, total)``."""


@attrs.frozen(kw_only=True)
class RunOptions:
    out: Path
    workers: int = 1
    executor: str = "core/local"
    plugins_dirs: tuple[str, ...] = ()
    executor_options: dict[str, Any] = attrs.field(factory=dict)
    llm: LLMOptions = attrs.field(factory=LLMOptions)
    retry_failed: bool = False
    """Process again the items dropped because an LLM call failed (``--retry-failed``); by default a
    re-run keeps those drops, so it never calls the same failing request again."""
    reverify: bool = False
    """Verify every environment again, ignoring results kept for unchanged ones."""


@attrs.define(kw_only=True)
class RunOutcome:
    """What a run did, for the summary: counts per stage, drop reasons, files, times."""

    out: Path
    fingerprint: str
    stages: list[dict[str, Any]]
    drop_reasons: dict[str, int]
    kept: int
    target: int
    exports: list[dict[str, Any]]
    did_work: bool
    rewards: dict[str, float]
    stopped: str = ""
    """Why the run stopped before finishing (a budget cap), or empty."""
    llm_usage: dict[str, Any] | None = None
    """LLM calls, tokens and cost by stage and model (``UsageTotals.as_json()``), when any were made."""
    llm_answers: dict[str, Any] | None = None
    """Answers, format rejections, lenient shapes and fallbacks by stage (:mod:`..synthesis.tally`)."""
    processed: int = 0
    chains: int = 0
    repaired_exports: dict[str, str] = attrs.field(factory=dict)
    """Export files found missing or changed and written again, with which of the two."""
    state: str = "complete"
    """``complete``; ``interrupted`` (stages left to do: run again to resume); ``exhausted`` (every
    sampled chain was processed and fewer tasks than asked for were kept); ``stopped`` (a cap)."""


def _check_fingerprint(store: RunStore, pipeline: Pipeline, text: str) -> None:
    recorded = store.get_meta("pipeline_fingerprint")
    if recorded is None:
        store.set_meta("pipeline_fingerprint", pipeline.fingerprint)
        store.set_meta("pipeline", canonical_json(pipeline.describe()))
        store.set_meta("pipeline_text", text)
        return
    if recorded != pipeline.fingerprint:
        raise StoreError(
            f"{store.path.parent} holds a run of a different pipeline or seed; "
            "resume it with the same pipeline file, --seed and --tasks, or choose another --out"
        )


def _environment_stage(pipeline: Pipeline, registry: Registry, store: PipelineStore) -> list[Environment]:
    stage = pipeline.stage("environments")
    assert stage is not None
    done = store.stage_done("environments")
    catalog = run_catalog(pipeline, registry) if done is not None else {}
    if done is not None:
        missing = [name for name in done["names"] if name not in catalog]
        if missing:
            raise StoreError(f"this run used environments that are no longer installed: {', '.join(missing)}")
        return [catalog[name] for name in done["names"]]
    started = time.perf_counter()
    chosen: list[Environment] = stage.components[0].select(registry)
    if not chosen:
        raise ConfigError(
            "no environments to use",
            [
                Problem(
                    location="stage environments",
                    message="no installed environment matches",
                    fix="pip install a domain package, e.g. -r requirements.txt",
                )
            ],
        )
    store.finish_stage("environments", {"names": [env.name for env in chosen]}, time.perf_counter() - started, 0)
    return chosen


def _verify_stage(
    pipeline: Pipeline, environments: list[Environment], store: PipelineStore, report: Report, *, reverify: bool
) -> list[Environment]:
    """Verify each environment, committing each outcome at once; reuse outcomes of unchanged ones.

    An outcome is reused when its check key (:mod:`.verification`) matches: from this run's store
    (a resumed run) or from the cross-run cache (a new run over unchanged environments), unless
    ``reverify``. The stage's detail counts how many were verified and how many were skipped.
    """
    stage = pipeline.stage("verify")
    done = store.stage_done("verify")
    if stage is None:
        for environment in environments:
            spec = environment.spec
            store.save_environment(spec.name, spec.domain, record_id(spec), spec, True, {"checks": []})
        return environments
    if done is not None:
        passed = set(done["passed"])
        return [environment for environment in environments if environment.name in passed]
    from ..models import VerificationReport
    from ..serialize import from_json, to_json
    from .verification import VerificationCache, check_key

    started = time.perf_counter()
    verifier = stage.components[0]
    committed = {} if reverify else store.environment_checks()
    cache = VerificationCache(None) if reverify else VerificationCache.default()
    kept: list[Environment] = []
    failed: dict[str, str] = {}
    counts = {"verified": 0, "resumed": 0, "skipped": 0}
    try:
        for index, environment in enumerate(environments):
            spec = environment.spec
            key = check_key(environment, stage.use[0], verifier)
            previous = committed.get(environment.name)
            cached = cache.get(key) if key is not None else None
            if key is not None and previous is not None and previous["check_key"] == key:
                counts["resumed"] += 1
                ok, detail = bool(previous["passed"]), str(previous["detail"])
            else:
                if cached is not None:
                    result = from_json(VerificationReport, json.loads(cached))
                    source = "cache"
                    counts["skipped"] += 1
                else:
                    result = verifier.verify_environment(environment)
                    source = "verified"
                    counts["verified"] += 1
                ok = result.passed
                detail = "; ".join(f"{check.name}: {check.detail}" for check in result.failures)[:500]
                store.save_environment_check(
                    spec.name,
                    spec.domain,
                    record_id(spec),
                    spec,
                    result,
                    check_key=key or "",
                    detail=detail,
                    source=source,
                )
                if key is not None and source == "verified":
                    cache.put(key, canonical_json(to_json(result)))
            if ok:
                kept.append(environment)
            else:
                failed[environment.name] = detail
            report("verify", index + 1, len(environments))
    finally:
        cache.close()
    store.finish_stage(
        "verify",
        {"passed": [env.name for env in kept], "failed": failed, **counts},
        time.perf_counter() - started,
        1,
    )
    return kept


def _graph_stage(
    pipeline: Pipeline,
    environments: list[Environment],
    registry: Registry,
    store: PipelineStore,
    llm: Callable[[], Any],
) -> ToolGraph:
    done = store.stage_done("graph")
    if done is not None:
        return ToolGraph.load_from_store(store.store, done["graph_id"])
    stage = pipeline.stage("graph")
    assert stage is not None
    started = time.perf_counter()
    from ..synthesis.runtime import using_llm

    # An LLM labeller or linker has no task context: it uses the run's client through this block.
    with using_llm(llm() if needs_llm(stage.components[0], registry) else None):
        graph: ToolGraph = stage.components[0].build(environments, registry)
    graph_id = graph.save_to_store(store.store)
    counts = graph.edge_counts()
    store.finish_stage(
        "graph",
        {
            "graph_id": graph_id,
            "tools": len(graph.tool_names),
            "edges": counts,
            "environments": len(graph.environments),
        },
        time.perf_counter() - started,
        2,
    )
    return graph


def _sample_stage(pipeline: Pipeline, graph: ToolGraph, store: PipelineStore) -> list[ToolChain]:
    if store.stage_done("sample") is not None:
        return store.chains()
    stage = pipeline.stage("sample")
    assert stage is not None
    started = time.perf_counter()
    settings = pipeline.settings
    count = math.ceil(settings.tasks * settings.chains_per_task)
    chains = sample_chains(graph, sampler=stage.components[0], n=count, seed=settings.seed)
    store.save_chains(chains)
    store.finish_stage(
        "sample",
        {"chains": len(chains), "valid": sum(chain.valid for chain in chains), "sampler": stage.use[0]},
        time.perf_counter() - started,
        3,
    )
    return chains


def _commit(result: ItemResult, kept: int, target: int, seen: set[str]) -> ItemResult:
    if result.status != "kept":
        return result
    if result.unique_key and result.unique_key in seen:
        return attrs.evolve(
            result,
            status="dropped",
            stage="gate",
            code="core/unique",
            reason="a duplicate of an earlier task",
            trajectory=None,
        )
    if kept >= target:
        return attrs.evolve(result, status="dropped", stage="select", code="surplus", reason="enough tasks were kept")
    return result


def _item_stages(
    pipeline: Pipeline,
    chains: list[ToolChain],
    environments: list[Environment],
    graph: ToolGraph,
    registry: Registry,
    store: PipelineStore,
    options: RunOptions,
    report: Report,
    pipeline_text: str,
    llm: Callable[[], Any],
) -> str:
    """Process work items until enough tasks are kept; returns why it stopped early ("" if it did not)."""
    target = pipeline.settings.tasks
    done = store.done_items()
    if options.retry_failed:
        for index in store.failed_llm_items():
            done.pop(index, None)
    kept = store.kept_count()
    seen = store.unique_keys()
    todo = [(index, chain) for index, chain in enumerate(chains) if index not in done]
    if kept >= target or not todo:
        return ""
    started = time.perf_counter()
    executor: Executor = registry.get(EXECUTOR, options.executor)
    if options.executor_options:
        from ..options import apply_options

        executor = apply_options(executor, options.executor_options, location="executor")
    if attrs.has(type(executor)):
        executor = attrs.evolve(cast(Any, executor))  # a fresh instance per run
    spec = WorkerSpec(
        pipeline_text=pipeline_text,
        pipeline_source=pipeline.source,
        plugins_dirs=options.plugins_dirs,
        graph_json=graph.dumps(),
        environments=tuple(environment.name for environment in environments),
        seed=pipeline.settings.seed,
        run_dir=str(options.out),
        llm=options.llm,
    )
    # The driver's own context: work items run here with one local worker, and forked workers
    # inherit it instead of rebuilding it.
    driver = WorkerContext(
        pipeline=pipeline,
        registry=registry,
        graph=graph,
        environments={environment.name: environment for environment in environments},
        seed=pipeline.settings.seed,
        llm=llm() if uses_llm(pipeline, registry) else None,
    )
    if isinstance(executor, LocalExecutor) and options.workers <= 1:
        executor.start(workers=1, initializer=lambda: driver, initargs=())
    elif isinstance(executor, LocalExecutor) and executor.forks:
        executor.start(workers=options.workers, initializer=worker_init, initargs=(spec, driver))
    else:
        executor.start(workers=options.workers, initializer=worker_init, initargs=(spec,))
    processed = len(done)
    dropped = processed - kept
    stopped = ""
    try:
        for result in executor.map(process_item, todo):
            result = _commit(result, kept, target, seen)
            store.save_item(result)
            processed += 1
            if result.status == "kept":
                kept += 1
                if result.unique_key:
                    seen.add(result.unique_key)
            else:
                dropped += 1
            report("chains", processed, len(chains))
            report("tasks", kept, target)
            _detail(report, "chains", f"chains (kept {kept}, dropped {dropped})")
            if kept >= target:
                break
    except BudgetExceeded as error:
        stopped = str(error)  # the item in progress is not committed: a re-run resumes at it
    finally:
        executor.close()
    previous = store.stage_done("items") or {"seconds": 0.0}
    store.finish_stage(
        "items",
        {"processed": processed, "kept": kept, "seconds": previous.get("seconds", 0.0) + time.perf_counter() - started},
        time.perf_counter() - started,
        4,
    )
    return stopped


def _detail(report: Report, stage: str, text: str) -> None:
    """A line of detail for a progress bar, when the reporter shows one (the CLI's does)."""
    detail = getattr(report, "detail", None)
    if detail is not None:
        detail(stage, text)


def _llm_progress(report: Report) -> Callable[[Any], None]:
    """A call listener that shows LLM calls, tokens and cost while the LLM stages run."""
    totals = {"calls": 0, "cached": 0, "errors": 0, "tokens": 0, "cost": 0.0}

    def listen(record: Any) -> None:
        totals["calls"] += 1
        totals["cached"] += int(record.cached)
        totals["errors"] += int(record.status != "ok")
        totals["tokens"] += record.usage.input_tokens + record.usage.output_tokens
        totals["cost"] += record.cost_usd
        report("llm calls", int(totals["calls"]), 0)
        _detail(
            report,
            "llm calls",
            f"llm calls ({totals['cached']} cached, {totals['errors']} failed, {int(totals['tokens']):,} tokens, "
            f"${totals['cost']:.4f})",
        )

    return listen


def _save_answers(store: RunStore, before: dict[str, Any]) -> None:
    """Add what this process counted (answers, rejections, fallbacks) to what the store holds."""
    import json

    from ..synthesis import tally

    now = tally.snapshot()
    added = {
        part: {
            key: value - before.get(part, {}).get(key, 0)
            for key, value in now[part].items()
            if value > before.get(part, {}).get(key, 0)  # only what this run counted
        }
        for part in now
    }
    stored = store.get_meta("llm_answers")
    merged = tally.merge(json.loads(stored) if stored else {}, added)
    store.set_meta("llm_answers", canonical_json(merged))


def _export_basis(store: PipelineStore) -> str:
    """What the exports are made from: the kept items (an exporter whose files match it is done)."""
    from ..ids import content_id

    rows = store.connection.execute(
        "SELECT chain_index, task_id, trajectory_id FROM items WHERE status = 'kept' ORDER BY chain_index"
    ).fetchall()
    return content_id([list(row) for row in rows])


def _export_stage(pipeline: Pipeline, out: Path, store: PipelineStore, run_store: RunStore) -> bool:
    """Write each exporter's files; each exporter is a checkpoint (its files and their sha256 are recorded).

    An exporter whose recorded files are all present and unchanged, and were made from the same
    kept items, is not run again; one with a missing or changed file is.
    """
    stage = pipeline.stage("export")
    if stage is None or store.stage_done("export") is not None:
        return False
    from ..export import split_of
    from ..export.items import items_from_store

    started = time.perf_counter()
    root = out / "exports"
    root.mkdir(parents=True, exist_ok=True)
    basis = _export_basis(store)
    damaged = store.damaged_exports(root)
    recorded: dict[str, list[str]] = {}
    for export in store.exports():
        recorded.setdefault(export["exporter"], []).append(export["path"])
    written: dict[str, int] = {}
    for name, exporter in zip(stage.use, stage.components, strict=True):
        short = name.split("/", 1)[-1]
        final = root / short
        paths = recorded.get(name, [])
        if paths and run_store.get_meta(f"export_basis:{name}") == basis and not any(path in damaged for path in paths):
            written[name] = sum(e["records"] for e in store.exports() if e["exporter"] == name)
            continue
        temporary = root / f".tmp-{short}"
        if temporary.exists():
            shutil.rmtree(temporary)
        temporary.mkdir()
        items = items_from_store(
            run_store,
            split=lambda task_id: split_of(
                task_id, validation_share=pipeline.settings.validation_share, seed=pipeline.settings.seed
            ),
        )
        result = exporter.export(items, temporary)
        if final.exists():
            shutil.rmtree(final)
        os.replace(temporary, final)
        with run_store.transaction():
            store.save_exports(name, [(f"{short}/{file.path}", file.records, file.sha256) for file in result.files])
            run_store.set_meta(f"export_basis:{name}", basis)
        written[name] = sum(file.records for file in result.files)
    store.finish_stage("export", {"exporters": written}, time.perf_counter() - started, 5)
    return True


def _check_exports(out: Path, store: PipelineStore) -> dict[str, str]:
    """Recorded export files that are missing or changed; their exporters' stage is marked to run again."""
    if store.stage_done("export") is None:
        return {}
    damaged = store.damaged_exports(out / "exports")
    if damaged:
        store.reset_stage("export")
    return damaged


def run_pipeline(
    pipeline: Pipeline,
    registry: Registry,
    options: RunOptions,
    *,
    pipeline_text: str,
    report: Report | None = None,
) -> RunOutcome:
    """Run (or resume) ``pipeline`` into ``options.out``; returns what it did."""
    progress: Report = report or (lambda stage, done, total: None)
    options.out.mkdir(parents=True, exist_ok=True)
    run_store = RunStore(options.out)
    clients: list[Any] = []

    def llm() -> Any:
        """The run's LLM client in this process, made on first use."""
        if not clients:
            client = llm_client(registry, str(options.out), options.llm)
            client.listeners.append(_llm_progress(progress))
            clients.append(client)
        return clients[0]

    from ..synthesis import tally

    counted = tally.snapshot()
    stopped = ""
    try:
        _check_fingerprint(run_store, pipeline, pipeline_text)
        store = PipelineStore(run_store)
        if options.retry_failed and store.failed_llm_items():
            store.reset_stage("export")  # the retried items may be kept: the files are written again
        repaired = _check_exports(options.out, store)
        already_done = store.stage_done("export") is not None or (
            pipeline.stage("export") is None
            and store.stage_done("items") is not None
            and store.kept_count() >= pipeline.settings.tasks
        )
        if not already_done:
            environments = _environment_stage(pipeline, registry, store)
            environments = _verify_stage(pipeline, environments, store, progress, reverify=options.reverify)
            if not environments:
                raise ConfigError(
                    "no environment passed verification",
                    [
                        Problem(
                            location="stage verify",
                            message="every environment failed its checks",
                            fix="see `envfactory envs verify`",
                        )
                    ],
                )
            try:
                if pipeline.stage("graph") is not None:
                    graph = _graph_stage(pipeline, environments, registry, store, llm)
                    if pipeline.stage("sample") is not None:
                        chains = _sample_stage(pipeline, graph, store)
                        stopped = _item_stages(
                            pipeline,
                            chains,
                            environments,
                            graph,
                            registry,
                            store,
                            options,
                            progress,
                            pipeline_text,
                            llm,
                        )
            except BudgetExceeded as error:  # in the graph stage: nothing of it was stored
                stopped = str(error)
            if not stopped:
                _export_stage(pipeline, options.out, store, run_store)
        _save_answers(run_store, counted)
        outcome = _outcome(options.out, pipeline, store, did_work=not already_done)
        outcome.stopped = stopped
        outcome.repaired_exports = repaired
        if stopped:
            outcome.state = "stopped"
        return outcome
    except sqlite3.DatabaseError as error:
        raise run_store.damaged(error) from error
    except BaseException:
        _save_answers(run_store, counted)
        raise
    finally:
        for client in clients:
            client.close()
        run_store.close()


def run_state(store: PipelineStore, stage_types: list[str], target: int) -> str:
    """``complete``, ``interrupted`` (a stage or some chains left to do) or ``exhausted`` (chains ran out)."""
    expected: list[str] = [name for name in ("environments", "verify", "graph", "sample") if name in stage_types]
    if "sample" in stage_types:
        expected.append("items")
    if "export" in stage_types:
        expected.append("export")
    done = {row["stage"] for row in store.stage_rows() if row["status"] == "done"}
    if "sample" in stage_types and store.kept_count() < target:
        chains = int(store.connection.execute("SELECT COUNT(*) FROM chains").fetchone()[0])
        processed = len(store.done_items())
        if "items" not in done or processed < chains:
            return "interrupted"
        return "exhausted" if all(name in done for name in expected) else "interrupted"
    return "complete" if all(name in done for name in expected) else "interrupted"


def _outcome(
    out: Path, pipeline: Pipeline, store: PipelineStore, did_work: bool, stage_types: list[str] | None = None
) -> RunOutcome:
    rewards: dict[str, list[float]] = {}
    for _, _, trajectory in store.kept():
        if trajectory is None:
            continue
        for result in trajectory.rewards:
            rewards.setdefault(result.reward, []).append(result.score)
    from ..llm.storage import usage_from_store

    usage = usage_from_store(store.store)
    answers = store.store.get_meta("llm_answers")
    parsed_answers = json.loads(answers) if answers else None
    if parsed_answers is not None and not any(parsed_answers.values()):
        parsed_answers = None
    return RunOutcome(
        out=out,
        fingerprint=pipeline.fingerprint,
        stages=store.stage_rows(),
        drop_reasons=store.drop_reasons(),
        kept=store.kept_count(),
        target=pipeline.settings.tasks,
        exports=store.exports(),
        did_work=did_work,
        rewards={name: round(sum(scores) / len(scores), 4) for name, scores in sorted(rewards.items())},
        llm_usage=usage.as_json() if usage.rows else None,
        llm_answers=parsed_answers,
        processed=len(store.done_items()),
        chains=int(store.connection.execute("SELECT COUNT(*) FROM chains").fetchone()[0]),
        state=run_state(
            store,
            stage_types if stage_types is not None else [stage.type for stage in pipeline.stages],
            pipeline.settings.tasks,
        ),
    )
