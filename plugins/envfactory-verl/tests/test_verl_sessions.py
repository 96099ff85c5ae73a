"""The trajectory store behind the verl tool: handles, lazy sessions, release, bounds (no verl needed)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from envfactory_testing.export_items import ExampleExport
from envfactory_verl.sessions import TrajectoryStore

from envfactory_core.env import hash_world
from envfactory_core.rewards.rollouts import RolloutTask


def _task(rows: list[dict[str, Any]], environment: str = "notes") -> RolloutTask:
    """A one-environment task whose first gold call creates a record (the example export's create-then-read one)."""
    return next(
        task
        for task in map(RolloutTask.from_row, rows)
        if task.environments == (environment,)
        and task.gold_calls
        and task.gold_calls[0].call.tool.startswith("create_")
    )


@pytest.fixture
def store(example: ExampleExport) -> TrajectoryStore:
    return TrajectoryStore(environments=lambda: example.environments)


def test_session_opens_lazily_at_the_rows_start_and_is_shared_by_key(store, rows) -> None:
    task = _task(rows)
    handle = store.create_handle(task, owner="run-1")
    assert len(store) == 0  # creating a handle opens nothing
    first = store.session("request-a", handle)
    second = store.session("request-a", store.create_handle(task, owner="run-1"))
    assert first is second
    assert hash_world(first.rollout.final_state()) == hash_world(task.initial_state)


def test_release_owner_keeps_the_final_state_and_closes_everything_it_owns(store, rows) -> None:
    task = _task(rows)
    gold = task.gold_calls[0].call
    mine = store.session("a", store.create_handle(task, owner="run-1"))
    store.session("b", store.create_handle(task, owner="run-2"))
    mine.rollout.call(gold.qualified_name, gold.arguments)
    released = store.release_owner("run-1")
    assert [session.key for session in released] == ["a"]
    assert released[0].final_state is not None
    assert released[0].final_state != task.initial_state
    assert store.get("a") is None
    assert store.get("b") is not None
    assert store.open_handles == 1  # run-2's handle only


def test_a_session_needs_a_task(store) -> None:
    with pytest.raises(LookupError, match="create_kwargs"):
        store.session("x", store.create_handle(None))


def test_sessions_beyond_the_bound_are_closed_oldest_first(example, rows, caplog) -> None:
    store = TrajectoryStore(max_sessions=2, environments=lambda: example.environments)
    task = _task(rows)
    with caplog.at_level(logging.WARNING, logger="envfactory_verl.sessions"):
        for key in ("a", "b", "c"):
            store.session(key, store.create_handle(task))
    assert store.get("a") is None
    assert store.get("b") is not None
    assert store.get("c") is not None
    assert store.evicted == 1
    assert "agent loop" in caplog.text
