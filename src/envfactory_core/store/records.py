"""The records the pipeline's tables hold: what became of each work item.

They live with the store, not the pipeline, so readers of a run (the exporters) need not import
the pipeline that wrote it.
"""

from __future__ import annotations

from typing import Any, Literal

import attrs

from ..models import Task, Trajectory, VerificationReport
from ..models._validators import to_tuple

__all__ = ["ItemResult", "ItemStatus"]

ItemStatus = Literal["kept", "dropped"]


@attrs.frozen(kw_only=True)
class ItemResult:
    """What happened to one sampled chain: kept (a task, maybe a trajectory) or dropped (where, why)."""

    index: int
    chain_id: str
    status: ItemStatus
    stage: str = ""
    code: str = ""
    reason: str = ""
    task: Task | None = None
    trajectory: Trajectory | None = None
    reports: tuple[VerificationReport, ...] = attrs.field(default=(), converter=to_tuple)
    states: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)
    unique_key: str = ""
    calls: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)
