"""The LLM layer's tables in the run store, and an in-memory stand-in for library use.

``llm_cache`` maps a request's content id to its response blob; ``llm_calls`` records every
call (request and response blobs, stage, model, attempts, latency, tokens, cost). Requests and
responses live in the core's content-addressed ``blobs`` table, so a response served many times
is stored once. Nothing here holds an API key: keys are never part of a request record.
"""

from __future__ import annotations

import threading
from typing import Any, Protocol

import sqlite_utils

from ..ids import JsonValue
from ..store import Migrations, RunStore, register_migrations
from .records import Usage
from .usage import CallRecord, UsageTotals, summarize

__all__ = ["CallStore", "MemoryCallStore", "RunStoreCallStore", "llm_migrations", "usage_from_store"]

llm_migrations = register_migrations(Migrations("envfactory-llm"))


@llm_migrations
def m001_llm_cache_and_calls(db: sqlite_utils.Database) -> None:
    db.table("llm_cache").create(
        {"key": str, "operation": str, "model": str, "response_id": str}, pk="key", if_not_exists=True
    )
    db.table("llm_calls").create(
        {
            "seq": int,
            "stage": str,
            "model": str,
            "operation": str,
            "request_id": str,
            "response_id": str,
            "cached": int,
            "status": str,
            "error_type": str,
            "error": str,
            "attempts": int,
            "retries": int,
            "latency_ms": float,
            "input_tokens": int,
            "output_tokens": int,
            "cached_input_tokens": int,
            "reasoning_tokens": int,
            "cost_usd": float,
            "priced": int,
        },
        pk="seq",
        if_not_exists=True,
    )
    db.table("llm_calls").create_index(["stage", "model"], if_not_exists=True)


class CallStore(Protocol):
    """Where the client keeps cached responses and the call log."""

    def get_response(self, key: str) -> JsonValue | None: ...

    def record(
        self,
        record: CallRecord,
        *,
        request: JsonValue,
        response: JsonValue | None,
        cache_key: str | None,
        request_text: str | None = None,
        response_text: str | None = None,
    ) -> None:
        """Log ``record``; when ``cache_key`` is given also cache ``response`` under it.

        ``request_text`` and ``response_text`` are the canonical JSON of ``request`` and
        ``response`` when the caller already has it (it computed the content ids from it).
        """

    def records(self) -> list[CallRecord]: ...

    def spent(self) -> tuple[int, float]:
        """``(live calls, dollars)`` so far: what budget caps count."""


class MemoryCallStore:
    """A cache and call log that last as long as the client (library use without a run)."""

    def __init__(self) -> None:
        self._cache: dict[str, JsonValue] = {}
        self._records: list[CallRecord] = []
        self._lock = threading.Lock()

    def get_response(self, key: str) -> JsonValue | None:
        return self._cache.get(key)

    def record(
        self,
        record: CallRecord,
        *,
        request: JsonValue,
        response: JsonValue | None,
        cache_key: str | None,
        request_text: str | None = None,
        response_text: str | None = None,
    ) -> None:
        with self._lock:
            if cache_key is not None and response is not None:
                self._cache[cache_key] = response
            self._records.append(record)

    def records(self) -> list[CallRecord]:
        return list(self._records)

    def spent(self) -> tuple[int, float]:
        live = [record for record in self._records if not record.cached]
        return len(live), sum(record.cost_usd for record in live)


class RunStoreCallStore:
    """The cache and call log of a run directory."""

    def __init__(self, store: RunStore) -> None:
        self.store = store
        store.migrate(llm_migrations)

    def get_response(self, key: str) -> JsonValue | None:
        row = self.store.connection.execute("SELECT response_id FROM llm_cache WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        return self.store.get_blob(row[0])

    def record(
        self,
        record: CallRecord,
        *,
        request: JsonValue,
        response: JsonValue | None,
        cache_key: str | None,
        request_text: str | None = None,
        response_text: str | None = None,
    ) -> None:
        # One transaction per call, committed before the call returns: a crash loses nothing.
        with self.store.transaction() as db:
            self.store.put_blob("llm_request", request, blob_id=record.request_id, text=request_text)
            if response is not None:
                self.store.put_blob("llm_response", response, blob_id=record.response_id or None, text=response_text)
            if cache_key is not None and response is not None:
                db.execute(
                    "INSERT OR REPLACE INTO llm_cache (key, operation, model, response_id) VALUES (?, ?, ?, ?)",
                    (cache_key, record.operation, record.model, record.response_id),
                )
            row = _row(record)
            db.execute(_INSERT_CALL, [row[column] for column in _CALL_COLUMNS])

    def records(self) -> list[CallRecord]:
        cursor = self.store.connection.execute("SELECT * FROM llm_calls ORDER BY seq")
        names = [column[0] for column in cursor.description]
        return [_record(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]

    def spent(self) -> tuple[int, float]:
        row = self.store.connection.execute(
            "SELECT COUNT(*), COALESCE(SUM(cost_usd), 0) FROM llm_calls WHERE cached = 0"
        ).fetchone()
        return int(row[0]), float(row[1])


_CALL_COLUMNS = (
    "stage",
    "model",
    "operation",
    "request_id",
    "response_id",
    "cached",
    "status",
    "error_type",
    "error",
    "attempts",
    "retries",
    "latency_ms",
    "input_tokens",
    "output_tokens",
    "cached_input_tokens",
    "reasoning_tokens",
    "cost_usd",
    "priced",
)
_INSERT_CALL = f"INSERT INTO llm_calls ({', '.join(_CALL_COLUMNS)}) VALUES ({', '.join('?' for _ in _CALL_COLUMNS)})"


def _row(record: CallRecord) -> dict[str, Any]:
    return {
        "stage": record.stage,
        "model": record.model,
        "operation": record.operation,
        "request_id": record.request_id,
        "response_id": record.response_id,
        "cached": int(record.cached),
        "status": record.status,
        "error_type": record.error_type,
        "error": record.error,
        "attempts": record.attempts,
        "retries": record.retries,
        "latency_ms": record.latency_ms,
        "input_tokens": record.usage.input_tokens,
        "output_tokens": record.usage.output_tokens,
        "cached_input_tokens": record.usage.cached_input_tokens,
        "reasoning_tokens": record.usage.reasoning_tokens,
        "cost_usd": record.cost_usd,
        "priced": int(record.priced),
    }


def _record(row: dict[str, Any]) -> CallRecord:
    return CallRecord(
        stage=row["stage"],
        model=row["model"],
        operation=row["operation"],
        request_id=row["request_id"],
        response_id=row["response_id"] or "",
        cached=bool(row["cached"]),
        status=row["status"],
        error_type=row["error_type"] or "",
        error=row["error"] or "",
        attempts=row["attempts"],
        latency_ms=row["latency_ms"],
        usage=Usage(
            input_tokens=row["input_tokens"],
            output_tokens=row["output_tokens"],
            cached_input_tokens=row["cached_input_tokens"],
            reasoning_tokens=row["reasoning_tokens"],
        ),
        cost_usd=row["cost_usd"],
        priced=bool(row["priced"]),
    )


def usage_from_store(store: RunStore) -> UsageTotals:
    """Calls, tokens and cost by stage and model for a run (``envfactory llm usage``)."""
    store.migrate(llm_migrations)
    return summarize(RunStoreCallStore(store).records())
