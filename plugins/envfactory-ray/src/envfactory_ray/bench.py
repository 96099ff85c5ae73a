"""Throughput of the Ray executor beside the local executor, on the offline default pipeline.

:func:`measure` runs the built-in pipeline into fresh run directories with the same seed, taking
turns between ``core/local`` and the Ray executor (both with ``workers`` workers), and reports
tasks per second of the work-item stage (grounding through scoring, which is what an executor
runs), each executor's fixed costs, and whether every run made the same bytes.

Both executors are timed by thin subclasses: from ``start`` to the first result (for Ray: start
the instance, create the actors, build each worker's context, run one item; for the process pool:
fork the workers, build their contexts, run one item), then to ``close``, and ``close`` itself
(for Ray: stop the actors and shut the local instance down).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import attrs

from envfactory_core import hookimpl
from envfactory_core.pipeline import DEFAULT_PIPELINE, LocalExecutor, RunOptions, parse_pipeline, run_pipeline
from envfactory_core.plugins import make_plugin_manager
from envfactory_core.registry import Registry

from .executor import RayExecutor
from .testing import run_outputs

__all__ = ["measure"]

_TIMES: dict[str, dict[str, float]] = {}


def _timed(base: type[Any], label: str) -> type[Any]:
    """``base`` with its start, first result and close timed into ``_TIMES[label]``."""

    @attrs.define(kw_only=True)
    class Timed(base):  # type: ignore[misc]
        def start(self, **arguments: Any) -> None:
            _TIMES[label] = {"start": time.perf_counter()}
            super().start(**arguments)

        def map(self, function: Any, items: Any) -> Any:
            for number, result in enumerate(super().map(function, items)):
                if number == 0:
                    _TIMES[label]["first_result"] = time.perf_counter()
                yield result

        def close(self) -> None:
            _TIMES[label]["close"] = time.perf_counter()
            super().close()
            _TIMES[label]["closed"] = time.perf_counter()

    Timed.__name__ = Timed.__qualname__ = f"Timed{base.__name__}"
    return Timed


class _BenchPlugin:
    @hookimpl
    def register_executors(self, register: Any) -> None:
        register(_timed(LocalExecutor, "local")(), name="local")
        register(_timed(RayExecutor, "ray")(), name="ray")


def _run(out: Path, tasks: int, workers: int, label: str, seed: int) -> dict[str, Any]:
    registry = Registry(make_plugin_manager(plugins=[("bench", _BenchPlugin())]))
    pipeline = parse_pipeline(DEFAULT_PIPELINE, registry, source="<built-in pipeline>").with_settings(
        seed=seed, tasks=tasks
    )
    outcome = run_pipeline(
        pipeline,
        registry,
        RunOptions(out=out, workers=workers, executor=f"bench/{label}"),
        pipeline_text=DEFAULT_PIPELINE,
    )
    items = next(stage for stage in outcome.stages if stage["stage"] == "items")
    seconds = float(items["seconds"])
    times = _TIMES[label]
    steady = times["close"] - times["first_result"]
    return {
        "kept": outcome.kept,
        "processed": int(items["detail"]["processed"]),
        "items_seconds": round(seconds, 3),
        "tasks_per_s": round(outcome.kept / seconds, 2),
        "startup_seconds": round(times["first_result"] - times["start"], 3),
        "close_seconds": round(times["closed"] - times["close"], 3),
        "steady_tasks_per_s": round((outcome.kept - 1) / steady, 2) if steady > 0 else 0.0,
    }


def measure(
    tasks: int = 60, workers: int = 2, *, repeats: int = 2, seed: int = 0, root: Path | None = None
) -> dict[str, Any]:
    """Tasks per second of the work-item stage, local executor vs Ray, ``workers`` workers each.

    The two executors take turns (local, Ray, local, Ray, ...: ``repeats`` runs each, each into a
    fresh run directory) and each keeps its best run, so a burst of load from other processes or
    a cold cache does not decide the comparison. Returns ``{"tasks", "workers", "repeats",
    "local": {...}, "ray": {...}, "identical_outputs", "ray_vs_local", "ray_steady_vs_local"}``.
    Each executor's entry has ``tasks_per_s`` (kept tasks over the whole work-item stage),
    ``startup_seconds`` (``start`` to the first result), ``close_seconds`` and
    ``steady_tasks_per_s`` (between the first result and ``close``). ``identical_outputs`` is
    true when every run made the same bytes. A local Ray instance is started for each Ray run
    unless this process already initialized Ray.
    """
    runs: dict[str, list[dict[str, Any]]] = {"local": [], "ray": []}
    identical = True
    with tempfile.TemporaryDirectory(prefix="envfactory-ray-bench-", dir=root) as folder:
        base = Path(folder)
        reference: dict[str, Any] | None = None
        for attempt in range(max(1, repeats)):
            for label in ("local", "ray"):
                out = base / f"{label}-{attempt}"
                runs[label].append(_run(out, tasks, workers, label, seed))
                outputs = run_outputs(out)
                reference = outputs if reference is None else reference
                identical = identical and outputs == reference
                shutil.rmtree(out)
    local = max(runs["local"], key=lambda run: run["tasks_per_s"])
    ray = max(runs["ray"], key=lambda run: run["tasks_per_s"])
    return {
        "tasks": tasks,
        "workers": workers,
        "repeats": max(1, repeats),
        "local": local,
        "ray": ray,
        "identical_outputs": identical,
        "ray_vs_local": round(ray["tasks_per_s"] / local["tasks_per_s"], 3),
        "ray_steady_vs_local": round(ray["steady_tasks_per_s"] / local["steady_tasks_per_s"], 3),
    }
