"""Token and cost accounting: one record per call, totals per stage and model."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from ..ids import JsonValue
from .records import Usage

__all__ = ["CallRecord", "UsageRow", "UsageTotals", "summarize"]


@attrs.frozen(kw_only=True)
class CallRecord:
    """What one call through the client did: where it went, what it cost, how it ended.

    ``cached`` calls were served from the cache (no request, no cost). ``status`` is ``ok`` or
    ``error`` (``error_type`` then names the exception). ``attempts`` counts HTTP attempts, so
    ``attempts - 1`` retries happened. ``latency_ms`` spans the whole call including retries.
    """

    stage: str
    model: str
    operation: str
    request_id: str
    response_id: str = ""
    cached: bool = False
    status: str = "ok"
    error_type: str = ""
    error: str = ""
    attempts: int = 1
    latency_ms: float = 0.0
    usage: Usage = attrs.field(factory=Usage)
    cost_usd: float = 0.0
    priced: bool = True

    @property
    def retries(self) -> int:
        return max(0, self.attempts - 1)


@attrs.frozen(kw_only=True)
class UsageRow:
    """Totals for one stage and model. Tokens and cost count live calls only (cached ones are free)."""

    stage: str
    model: str
    calls: int = 0
    cached: int = 0
    errors: int = 0
    retries: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cached_input_tokens: int = 0
    reasoning_tokens: int = 0
    cost_usd: float = 0.0
    unpriced: bool = False

    def as_json(self) -> dict[str, JsonValue]:
        return {
            "stage": self.stage,
            "model": self.model,
            "calls": self.calls,
            "cached": self.cached,
            "errors": self.errors,
            "retries": self.retries,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cached_input_tokens": self.cached_input_tokens,
            "reasoning_tokens": self.reasoning_tokens,
            "cost_usd": round(self.cost_usd, 6),
            "unpriced": self.unpriced,
        }


@attrs.frozen(kw_only=True)
class UsageTotals:
    """Rows by stage and model plus their sum."""

    rows: tuple[UsageRow, ...] = ()

    @property
    def total(self) -> UsageRow:
        return _sum_rows("*", "*", self.rows)

    @property
    def live_calls(self) -> int:
        return self.total.calls

    @property
    def cost_usd(self) -> float:
        return self.total.cost_usd

    def by_stage(self) -> tuple[UsageRow, ...]:
        stages = sorted({row.stage for row in self.rows})
        return tuple(_sum_rows(stage, "*", [row for row in self.rows if row.stage == stage]) for stage in stages)

    def as_json(self) -> dict[str, JsonValue]:
        return {"rows": [row.as_json() for row in self.rows], "total": self.total.as_json()}


def _sum_rows(stage: str, model: str, rows: Iterable[UsageRow]) -> UsageRow:
    total = UsageRow(stage=stage, model=model)
    for row in rows:
        total = UsageRow(
            stage=stage,
            model=model,
            calls=total.calls + row.calls,
            cached=total.cached + row.cached,
            errors=total.errors + row.errors,
            retries=total.retries + row.retries,
            input_tokens=total.input_tokens + row.input_tokens,
            output_tokens=total.output_tokens + row.output_tokens,
            cached_input_tokens=total.cached_input_tokens + row.cached_input_tokens,
            reasoning_tokens=total.reasoning_tokens + row.reasoning_tokens,
            cost_usd=total.cost_usd + row.cost_usd,
            unpriced=total.unpriced or row.unpriced,
        )
    return total


def summarize(records: Iterable[CallRecord]) -> UsageTotals:
    """Totals per (stage, model) from call records, sorted by stage then model."""
    rows: dict[tuple[str, str], UsageRow] = {}
    for record in records:
        live_ok = not record.cached and record.status == "ok"
        row = UsageRow(
            stage=record.stage,
            model=record.model,
            calls=1 if live_ok else 0,
            cached=1 if record.cached else 0,
            errors=1 if record.status != "ok" else 0,
            retries=record.retries,
            input_tokens=record.usage.input_tokens if live_ok else 0,
            output_tokens=record.usage.output_tokens if live_ok else 0,
            cached_input_tokens=record.usage.cached_input_tokens if live_ok else 0,
            reasoning_tokens=record.usage.reasoning_tokens if live_ok else 0,
            cost_usd=record.cost_usd if live_ok else 0.0,
            unpriced=live_ok and not record.priced,
        )
        key = (record.stage, record.model)
        rows[key] = _sum_rows(record.stage, record.model, [rows[key], row]) if key in rows else row
    return UsageTotals(rows=tuple(rows[key] for key in sorted(rows)))
