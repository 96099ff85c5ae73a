"""What an item that keeps failing becomes."""

from __future__ import annotations

import pytest
from envfactory_ray import FAILED_CODE, FAILED_STAGE, RayExecutorError, failed_item_result
from hypothesis import given, settings
from hypothesis import strategies as st

from envfactory_core.models import ToolChain
from envfactory_core.serialize import record_id
from envfactory_core.store.records import ItemResult


@settings(max_examples=25)
@given(index=st.integers(0, 10_000), attempts=st.integers(1, 9), error=st.text(min_size=1, max_size=60))
def test_a_pipeline_item_becomes_a_dropped_result(index: int, attempts: int, error: str) -> None:
    chain = ToolChain(tools=("shop__search", "shop__buy"), turns=((0, 1),))
    result = failed_item_result((index, chain), error, attempts)
    assert isinstance(result, ItemResult)
    assert (result.index, result.chain_id, result.status) == (index, record_id(chain), "dropped")
    assert (result.stage, result.code) == (FAILED_STAGE, FAILED_CODE) == ("executor", "worker_failed")
    assert result.reason.startswith(f"failed {attempts} time")
    assert result.reason.endswith(f"; last: {error}")
    assert result.task is None
    assert result.trajectory is None


@pytest.mark.parametrize("item", [3, "x", (1, 2), ("0", ToolChain(tools=("a__b",)))])
def test_any_other_item_stops_the_map(item: object) -> None:
    with pytest.raises(RayExecutorError, match="failed 2 times; last: boom"):
        failed_item_result(item, "boom", 2)
