"""The executor contract on Ray: item order, back-pressure, early stop, retries, failures."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from envfactory_ray import RayExecutor, RayExecutorError
from envfactory_ray.testing import Chaos, failing_initializer, noop_initializer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from envfactory_core.contracts import Executor
from envfactory_core.errors import ConfigError


def started(workers: int = 2, **options: Any) -> RayExecutor:
    executor = RayExecutor(**options)
    executor.start(workers=workers, initializer=noop_initializer, initargs=())
    return executor


def test_it_is_an_executor() -> None:
    assert isinstance(RayExecutor(), Executor)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(delays=st.lists(st.sampled_from([0.0, 0.0, 0.01, 0.05]), min_size=1, max_size=6), count=st.integers(0, 25))
def test_results_come_back_in_item_order(
    ray_session: Any, tmp_path_factory: pytest.TempPathFactory, delays: list[float], count: int
) -> None:
    chaos = Chaos(folder=str(tmp_path_factory.mktemp("order")), delays=tuple(delays))
    executor = started()
    try:
        assert list(executor.map(chaos, range(count))) == [item * item for item in range(count)]
    finally:
        executor.close()


def test_no_more_than_the_window_is_taken_ahead(ray_session: Any, tmp_path: Path) -> None:
    taken = 0

    def items() -> Iterator[int]:
        nonlocal taken
        for item in range(40):
            taken += 1
            yield item

    executor = started(workers=2, in_flight_per_worker=3)
    try:
        ahead = []
        for yielded, result in enumerate(executor.map(Chaos(folder=str(tmp_path), delays=(0.0, 0.02)), items()), 1):
            ahead.append(taken - yielded)
            assert result == (yielded - 1) ** 2
    finally:
        executor.close()
    assert max(ahead) <= 2 * 3
    assert max(ahead) >= 2, "the executor should keep several items in flight"


def test_an_early_stop_leaves_the_executor_usable(ray_session: Any, tmp_path: Path) -> None:
    executor = started()
    try:
        chaos = Chaos(folder=str(tmp_path), delays=(0.01,))
        assert list(itertools.islice(executor.map(chaos, range(100)), 3)) == [0, 1, 4]
        assert list(executor.map(chaos, range(5))) == [0, 1, 4, 9, 16]
        assert len(chaos.calls()) < 100
    finally:
        executor.close()


def test_an_item_that_raised_once_is_retried_on_another_worker(ray_session: Any, tmp_path: Path) -> None:
    chaos = Chaos(folder=str(tmp_path), fail_once=frozenset({3}))
    executor = started()
    try:
        assert list(executor.map(chaos, range(8))) == [item * item for item in range(8)]
    finally:
        executor.close()
    assert chaos.calls().count(3) == 2
    assert all(chaos.calls().count(item) == 1 for item in range(8) if item != 3)


def test_a_killed_worker_is_replaced_and_its_items_rerun(ray_session: Any, tmp_path: Path) -> None:
    chaos = Chaos(folder=str(tmp_path), delays=(0.01,), kill_once=frozenset({5}))
    executor = started()
    try:
        assert list(executor.map(chaos, range(20))) == [item * item for item in range(20)]
    finally:
        executor.close()
    assert (tmp_path / "killed-5").exists()
    assert chaos.calls().count(5) == 2


def test_an_item_that_always_raises_fails_after_max_attempts(ray_session: Any, tmp_path: Path) -> None:
    chaos = Chaos(folder=str(tmp_path), fail_always=frozenset({2}))
    executor = started(max_attempts=3)
    try:
        with pytest.raises(RayExecutorError, match=r"failed 3 times; last: ValueError: chaos: item 2 fails on purpose"):
            list(executor.map(chaos, range(6)))
    finally:
        executor.close()
    assert chaos.calls().count(2) == 3


def test_an_item_that_always_kills_its_worker_fails_after_max_attempts(ray_session: Any, tmp_path: Path) -> None:
    chaos = Chaos(folder=str(tmp_path), kill_always=frozenset({1}))
    executor = started(max_attempts=2)
    try:
        with pytest.raises(
            RayExecutorError, match="failed 2 times; last: the Ray worker process died while running it"
        ):
            list(executor.map(chaos, range(4)))
    finally:
        executor.close()
    assert chaos.calls().count(1) == 2


def test_a_worker_that_cannot_start_stops_the_map_with_its_error(ray_session: Any, tmp_path: Path) -> None:
    executor = RayExecutor()
    executor.start(workers=1, initializer=failing_initializer, initargs=("no such plugin folder",))
    try:
        with pytest.raises(RayExecutorError, match="could not start: RuntimeError: no such plugin folder"):
            list(executor.map(Chaos(folder=str(tmp_path)), range(3)))
    finally:
        executor.close()


def test_workers_beyond_the_cpus_do_not_hold_items_back(ray_session: Any, tmp_path: Path) -> None:
    # Three one-CPU workers on two CPUs: the third never starts, the first two do all the work.
    executor = started(workers=3)
    try:
        assert list(executor.map(Chaos(folder=str(tmp_path)), range(10))) == [item * item for item in range(10)]
    finally:
        executor.close()


def test_map_before_start_is_an_error() -> None:
    with pytest.raises(RayExecutorError, match="not started"):
        RayExecutor().map(abs, [1])


def test_bad_options_are_all_reported() -> None:
    executor = RayExecutor(max_attempts=0, in_flight_per_worker=0, num_cpus_per_worker=0)
    with pytest.raises(ConfigError) as caught:
        executor.start(workers=1, initializer=noop_initializer, initargs=())
    text = str(caught.value)
    assert "executor.max_attempts" in text
    assert "executor.in_flight_per_worker" in text
    assert "executor.num_cpus_per_worker" in text
