"""Batch builds at corpus scale: folders and thousands of documents, in parallel, resumable.

Each document is built on its own, in a worker process, into its own run store under
``RUN/documents/<slug>/`` (so one document's failure, hang or memory blow-up never stops the
batch, and the stores never share a writer). The parent appends one JSON line per finished document
to ``RUN/batch.jsonl``; a batch started again into the same ``RUN`` skips every document whose
content is already recorded there (resume after a kill). A document that takes longer than the
deadline is stopped and recorded with the reason ``timeout``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import re
import resource
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

import attrs

from envfactory_core.errors import Problem, ProblemsError

__all__ = [
    "BatchSummary",
    "WorkerStartError",
    "DocumentResult",
    "build_document",
    "expand_sources",
    "ledger",
    "reason_class",
    "run_batch",
]

_SUFFIXES = (".json", ".yaml", ".yml")


class WorkerStartError(ProblemsError, RuntimeError):
    """A worker process failed before building anything (an installation problem): the batch stops."""


LEDGER = "batch.jsonl"
DOCUMENTS = "documents"


def expand_sources(sources: Iterable[str]) -> list[str]:
    """Files as given; a folder gives every ``.json``/``.yaml``/``.yml`` file below it, sorted."""
    found: list[str] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            found.extend(
                str(item) for item in sorted(path.rglob("*")) if item.is_file() and item.suffix.lower() in _SUFFIXES
            )
        else:
            found.append(source)
    return list(dict.fromkeys(found))


def _digest(source: str) -> str:
    try:
        return hashlib.sha256(Path(source).read_bytes()).hexdigest()
    except OSError:
        return ""


def slug(source: str) -> str:
    """A folder name for a document's run store: readable and unique (a hash of the path)."""
    stem = re.sub(r"[^A-Za-z0-9]+", "_", Path(source).stem).strip("_")[:40] or "document"
    return f"{stem}-{hashlib.sha256(source.encode()).hexdigest()[:10]}"


_CLASSES: tuple[tuple[str, str], ...] = (
    ("no loader recognises it", "not an API description"),
    ("no such file", "missing file"),
    ("not valid JSON", "invalid JSON"),
    ("not valid YAML", "invalid YAML"),
    ("NaN", "invalid JSON"),
    ("is not UTF-8", "not UTF-8"),
    ("nothing stateful", "nothing buildable: every operation left out"),
    ("two sources make the same environment", "duplicate environment"),
    ("the builder failed", "builder failed"),
    ("timeout", "timeout"),
    ("memory", "out of memory"),
    ("worker died", "worker died"),
    ("uncaught", "uncaught exception"),
)


def reason_class(reason: str) -> str:
    """A short class for a failure reason (what the summary counts by)."""
    if not reason:
        return ""
    for needle, name in _CLASSES:
        if needle in reason:
            return name
    match = re.search(r"failed checks?: ([A-Za-z_/ -]+)", reason)
    if match:
        return f"verification failed: {match.group(1).strip()}"
    if "scenario" in reason:
        return "verification failed: scenario"
    if "conformance" in reason or "check" in reason:
        return "verification failed"
    if "invalid" in reason or "must" in reason:
        return "invalid document"
    return "other"


@attrs.frozen(kw_only=True)
class DocumentResult:
    """What became of one document of a batch (one line of ``batch.jsonl``)."""

    source: str
    digest: str = ""
    outcome: str  # verified | failed | skipped | error
    reason: str = ""
    reason_class: str = ""
    environments: tuple[dict[str, Any], ...] = ()
    operations: int = 0
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    store: str = ""

    def to_json(self) -> dict[str, Any]:
        return attrs.asdict(self, recurse=False) | {"environments": list(self.environments)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DocumentResult:
        fields = {field.name for field in attrs.fields(cls)}
        values = {key: value for key, value in data.items() if key in fields}
        values["environments"] = tuple(values.get("environments", ()))
        return cls(**values)


def _peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024.0, 1)


def _operations(source: str) -> int:
    """How many operations the document describes (0 when it cannot be read as an API)."""
    try:
        from .loaders.openapi import load_api

        _, api = load_api(source)
    except Exception:
        return 0
    return len(api.operations)


def build_document(
    source: str,
    *,
    store: str | None,
    registry: Any = None,
    builder: str = "envgen/crud",
    trusted: bool = False,
    limits: Any = None,
) -> DocumentResult:
    """Build one document; never raises: every failure is a result with a reason."""
    from envfactory_core import load_registry
    from envfactory_core.errors import EnvFactoryError

    from .build import run_build

    started = time.perf_counter()
    digest = _digest(source)
    try:
        summary = run_build(
            [source],
            registry=registry if registry is not None else load_registry(),
            builder=builder,
            run_dir=store,
            trusted=trusted,
            max_revisions=0,
            limits=limits,
        )
    except EnvFactoryError as error:
        problems = getattr(error, "problems", ())
        detail = "; ".join(f"{problem.message}" for problem in problems) or str(error)
        reason = f"{error}: {detail}" if detail != str(error) else detail
        outcome = "skipped" if "nothing stateful" in reason else "error"
        return DocumentResult(
            source=source,
            digest=digest,
            outcome=outcome,
            reason=reason[:2000],
            reason_class=reason_class(reason),
            operations=_operations(source),
            seconds=round(time.perf_counter() - started, 3),
            peak_rss_mb=_peak_rss_mb(),
        )
    except MemoryError:
        reason = "out of memory while building"
        return DocumentResult(
            source=source, digest=digest, outcome="error", reason=reason, reason_class="out of memory"
        )
    except RecursionError:
        reason = "the document nests too deeply (recursion limit)"
        return DocumentResult(source=source, digest=digest, outcome="error", reason=reason, reason_class="too deep")
    except Exception as error:  # the batch records it; the test suite asserts there are none in the corpus
        reason = f"uncaught {type(error).__name__}: {error}"
        return DocumentResult(
            source=source, digest=digest, outcome="error", reason=reason[:2000], reason_class="uncaught exception"
        )
    environments = tuple(
        {
            "name": outcome.name,
            "status": outcome.status,
            "tools": outcome.tools,
            "write_tools": outcome.write_tools,
            "skipped_operations": len(outcome.skipped),
            "scenarios": outcome.scenarios,
            "reason": outcome.reason[:2000],
        }
        for outcome in summary.outcomes
    )
    verified = any(item["status"] == "verified" for item in environments)
    reason = "" if verified else "; ".join(str(item["reason"]) for item in environments if item["reason"])
    return DocumentResult(
        source=source,
        digest=digest,
        outcome="verified" if verified else "failed",
        reason=reason[:2000],
        reason_class=reason_class(reason) if not verified else "",
        environments=environments,
        operations=_operations(source),
        seconds=round(time.perf_counter() - started, 3),
        peak_rss_mb=_peak_rss_mb(),
        store=store or "",
    )


def _worker(connection: Connection, options: dict[str, Any]) -> None:
    """A long-lived worker: builds the documents it is sent, one at a time, and replies with results."""
    from envfactory_core import load_registry

    memory_mb = options.get("worker_memory_mb")
    if memory_mb:
        resource.setrlimit(resource.RLIMIT_AS, (int(memory_mb) * 1024 * 1024, resource.RLIM_INFINITY))
    try:
        registry = load_registry()
    except Exception as error:  # the machine's problem, not a document's: the parent stops the batch
        connection.send({"ready": False, "error": f"{type(error).__name__}: {error}"})
        return
    connection.send({"ready": True})
    while True:
        try:
            job = connection.recv()
        except EOFError:
            return
        if job is None:
            return
        source, store = job
        result = build_document(
            source,
            store=store,
            registry=registry,
            builder=options.get("builder", "envgen/crud"),
            trusted=options.get("trusted", False),
            limits=options.get("limits"),
        )
        connection.send(result.to_json())


@attrs.frozen(kw_only=True)
class BatchSummary:
    """Every document of a batch, with counts by outcome and by reason."""

    results: tuple[DocumentResult, ...]
    run_dir: str = ""
    seconds: float = 0.0
    resumed: int = 0

    def by_outcome(self) -> dict[str, int]:
        return dict(Counter(result.outcome for result in self.results).most_common())

    def by_reason(self) -> dict[str, int]:
        return dict(
            Counter(result.reason_class for result in self.results if result.outcome != "verified").most_common()
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "documents": len(self.results),
            "by_outcome": self.by_outcome(),
            "by_reason": self.by_reason(),
            "resumed": self.resumed,
            "seconds": round(self.seconds, 1),
            "run_dir": self.run_dir,
        }


def ledger(run_dir: str | Path) -> dict[str, DocumentResult]:
    """The finished documents recorded in ``RUN/batch.jsonl`` (a torn last line from a kill is ignored)."""
    path = Path(run_dir) / LEDGER
    found: dict[str, DocumentResult] = {}
    if not path.exists():
        return found
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            result = DocumentResult.from_json(json.loads(line))
        except (ValueError, TypeError):
            continue
        found[result.source] = result
    return found


Progress = Callable[[int, int, DocumentResult], None]


def run_batch(
    sources: Sequence[str],
    *,
    run_dir: str | Path | None,
    workers: int = 1,
    builder: str = "envgen/crud",
    trusted: bool = False,
    limits: Any = None,
    timeout_seconds: float = 600.0,
    worker_memory_mb: int = 4096,
    progress: Progress | None = None,
) -> BatchSummary:
    """Build every document of ``sources`` (folders expanded) with ``workers`` processes."""
    started = time.perf_counter()
    documents = expand_sources(sources)
    done: dict[str, DocumentResult] = {}
    if run_dir is not None:
        Path(run_dir).mkdir(parents=True, exist_ok=True)
        for source, result in ledger(run_dir).items():
            # a worker that died says nothing about the document (a killed machine, an install): try it again
            if source in documents and result.digest == _digest(source) and result.reason_class != "worker died":
                done[source] = result
    resumed = len(done)
    pending = [source for source in documents if source not in done]
    handle = open(Path(run_dir) / LEDGER, "a", encoding="utf-8") if run_dir is not None else None  # noqa: SIM115
    options = {"builder": builder, "trusted": trusted, "limits": limits, "worker_memory_mb": worker_memory_mb}
    context = multiprocessing.get_context("spawn")
    total = len(documents)
    count = resumed

    def record(result: DocumentResult) -> None:
        nonlocal count
        done[result.source] = result
        count += 1
        if handle is not None:
            handle.write(json.dumps(result.to_json(), sort_keys=True) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        if progress is not None:
            progress(count, total, result)

    def store_of(source: str) -> str | None:
        return str(Path(run_dir) / DOCUMENTS / slug(source)) if run_dir is not None else None

    slots: dict[int, tuple[Any, Connection, str, float]] = {}

    def start() -> tuple[Any, Connection]:
        parent, child = context.Pipe()
        process = context.Process(target=_worker, args=(child, options), daemon=True)
        process.start()
        child.close()
        hello: dict[str, Any] = parent.recv() if parent.poll(300) else {"ready": False, "error": "no answer"}
        if not hello.get("ready"):
            process.join(5)
            raise WorkerStartError(
                "a build worker could not start",
                [Problem(location="worker", message=str(hello.get("error")), fix="fix the installation, then resume")],
            )
        return process, parent

    pool = [start() for _ in range(max(1, min(workers, len(pending) or 1)))]
    idle = list(range(len(pool)))
    queue = list(pending)
    try:
        while queue or slots:
            while queue and idle:
                index = idle.pop()
                source = queue.pop(0)
                process, connection = pool[index]
                connection.send((source, store_of(source)))
                slots[index] = (process, connection, source, time.monotonic())
            ready = wait([slot[1] for slot in slots.values()], timeout=1.0)
            for index, (process, connection, source, since) in list(slots.items()):
                if connection in ready:
                    try:
                        result = DocumentResult.from_json(connection.recv())
                    except (EOFError, OSError):
                        code = process.exitcode
                        process.join(1)
                        result = DocumentResult(
                            source=source,
                            digest=_digest(source),
                            outcome="error",
                            reason=f"worker died (exit code {process.exitcode if code is None else code})",
                            reason_class="worker died",
                            seconds=round(time.monotonic() - since, 3),
                        )
                        pool[index] = start()
                    del slots[index]
                    idle.append(index)
                    record(result)
                elif time.monotonic() - since > timeout_seconds:
                    process.kill()
                    process.join(5)
                    connection.close()
                    del slots[index]
                    pool[index] = start()
                    idle.append(index)
                    record(
                        DocumentResult(
                            source=source,
                            digest=_digest(source),
                            outcome="error",
                            reason=f"timeout: not finished in {timeout_seconds:g} s",
                            reason_class="timeout",
                            seconds=round(time.monotonic() - since, 3),
                        )
                    )
    finally:
        for _process, connection in pool:
            with contextlib.suppress(OSError, ValueError):
                connection.send(None)
        for process, _ in pool:
            process.join(5)
            if process.is_alive():
                process.kill()
        if handle is not None:
            handle.close()
    results = tuple(done[source] for source in documents if source in done)
    return BatchSummary(
        results=results, run_dir=str(run_dir or ""), seconds=time.perf_counter() - started, resumed=resumed
    )
