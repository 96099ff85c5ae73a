"""What a work item that keeps failing becomes.

A pipeline work item (``(index, ToolChain)``) that failed on every attempt becomes a dropped
:class:`~envfactory_core.store.records.ItemResult` at stage ``executor`` with code
``worker_failed`` and the error as its reason. The runner commits it like any dropped item: the
run goes on, the run store says why the chain was dropped (``envfactory runs show``), and a resumed
run does not redo it. The reason holds no process id, host or time, so it is the same on every
run that fails the same way.

Any other item has no result to stand for it, so its failure stops the map with an error.
"""

from __future__ import annotations

from typing import Any

from envfactory_core.models import ToolChain
from envfactory_core.serialize import record_id
from envfactory_core.store.records import ItemResult

from .errors import RayExecutorError

__all__ = ["FAILED_CODE", "FAILED_STAGE", "failed_item_result"]

FAILED_STAGE = "executor"
FAILED_CODE = "worker_failed"


def failed_item_result(item: Any, error: str, attempts: int) -> Any:
    """The result that stands for ``item`` after ``attempts`` failed attempts ending in ``error``."""
    reason = f"failed {attempts} time{'s' * (attempts != 1)}; last: {error}"
    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], int) and isinstance(item[1], ToolChain):
        index, chain = item
        return ItemResult(
            index=index,
            chain_id=record_id(chain),
            status="dropped",
            stage=FAILED_STAGE,
            code=FAILED_CODE,
            reason=reason,
        )
    raise RayExecutorError(f"a work item {_short(item)} {reason}")


def _short(item: Any, limit: int = 80) -> str:
    text = repr(item)
    return text if len(text) <= limit else text[: limit - 1] + "…"
