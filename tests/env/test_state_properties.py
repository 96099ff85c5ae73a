"""Properties of the runtime: atomic failures, exact reset, JSON fidelity, isolation."""

from __future__ import annotations

import concurrent.futures
import json
import random
import threading
from typing import Any

from envfactory_testing.strategies import json_values
from hypothesis import given, settings
from hypothesis import strategies as st

from envfactory_core.env import Environment, World, hash_state, table
from envfactory_core.env.conformance import plan_calls
from envfactory_core.env.examples import bookshop, notes
from envfactory_core.ids import canonical_json


@settings(max_examples=40, deadline=None)
@given(rng=st.randoms(use_true_random=False), seed=st.integers(0, 5))
def test_failed_calls_never_change_the_state_and_reset_restores_it(rng: random.Random, seed: int) -> None:
    state = bookshop.template(seed=seed).canonical_state()
    plan = plan_calls(bookshop, rng, state, 15)
    with bookshop.episode(seed=seed) as episode:
        initial = episode.state_hash()
        for tool, arguments in plan:
            before = episode.state_hash()
            result = episode.call(tool, arguments)
            after = episode.state_hash()
            if not result.ok:
                assert after == before, (tool, arguments, result.error)
            assert after == hash_state(episode.state())
        episode.reset()
        assert episode.state_hash() == initial
        assert episode.state() == bookshop.initial_state(seed=seed)


def _exact(value: Any) -> Any:
    """A value with its types made visible: 1 and 1.0 and True differ."""
    if isinstance(value, dict):
        return {key: _exact(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        return [_exact(item) for item in value]
    return (type(value).__name__, value)


FIDELITY = Environment(
    name="fidelity",
    domain="tests",
    description="Stores arbitrary JSON values.",
    tables=[table("values", primary_key="value_id", value_id=int, payload="json")],
    now="2025-01-01T00:00:00+00:00",
)


@FIDELITY.tool(effect="write")
def put(ctx: Any, value_id: int, payload: Any) -> dict[str, Any]:
    """Store a JSON value.

    Args:
        value_id: Where to store it.
        payload: Any JSON value.
    """
    return ctx.table("values").upsert({"value_id": value_id, "payload": payload})


@FIDELITY.tool(effect="read")
def get(ctx: Any, value_id: int) -> dict[str, Any]:
    """Read a stored JSON value.

    Args:
        value_id: Where it is stored.
    """
    return ctx.table("values").require(value_id)


@settings(max_examples=150, deadline=None)
@given(payload=json_values)
def test_json_columns_return_exactly_the_json_types_that_went_in(payload: Any) -> None:
    with FIDELITY.episode() as episode:
        assert episode.call("put", {"value_id": 1, "payload": payload}).ok
        read = episode.call("get", {"value_id": 1})
        assert read.ok
        assert _exact(read.output["payload"]) == _exact(payload)
        stored = episode.state()["values"]["1"]["payload"]
        assert _exact(stored) == _exact(payload)
        # an episode opened on that state holds the same values, with the same hash
        copy = FIDELITY.episode(state=episode.state())
        assert _exact(copy.state()["values"]["1"]["payload"]) == _exact(payload)
        assert copy.state_hash() == episode.state_hash()


@given(payload=st.dictionaries(st.text(max_size=5), st.integers(), max_size=6))
def test_key_order_does_not_change_the_hash(payload: dict[str, int]) -> None:
    reversed_payload = dict(reversed(list(payload.items())))
    first = FIDELITY.episode(state={"values": [{"value_id": 1, "payload": payload}]})
    second = FIDELITY.episode(state={"values": [{"value_id": 1, "payload": reversed_payload}]})
    assert first.state_hash() == second.state_hash()


def _own_writes(episode_seed: int, worker: int) -> tuple[str, list[str]]:
    """Create notes tagged with this worker's id, then report the state hash and the tags seen."""
    with notes.episode(seed=episode_seed) as episode:
        for index in range(5):
            result = episode.call(
                "create_note", {"title": f"worker {worker} note {index}", "tags": [f"worker-{worker}"]}
            )
            assert result.ok
        seen = sorted(
            {tag for row in episode.state()["notes"].values() for tag in row["tags"] if tag.startswith("worker-")}
        )
        return episode.state_hash(), seen


def test_parallel_episodes_in_threads_never_see_each_others_writes() -> None:
    barrier = threading.Barrier(8)

    def run(worker: int) -> tuple[str, list[str]]:
        barrier.wait()
        return _own_writes(3, worker)

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(run, range(8)))
    for worker, (_, seen) in enumerate(results):
        assert seen == [f"worker-{worker}"]
    expected = [_own_writes(3, worker)[0] for worker in range(8)]
    assert [state_hash for state_hash, _ in results] == expected
    assert len(set(expected)) == 8


def test_parallel_episodes_in_processes_never_see_each_others_writes() -> None:
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(_own_writes, [4] * 4, range(4)))
    for worker, (state_hash, seen) in enumerate(results):
        assert seen == [f"worker-{worker}"]
        assert state_hash == _own_writes(4, worker)[0]


def test_the_same_seed_gives_the_same_hash_in_another_process() -> None:
    with concurrent.futures.ProcessPoolExecutor(max_workers=1) as pool:
        remote = pool.submit(_initial_hash, 7).result()
    assert remote == _initial_hash(7)
    assert _initial_hash(7) != _initial_hash(8)


def _initial_hash(seed: int) -> str:
    return bookshop.episode(seed=seed).state_hash()


def test_a_world_routes_calls_and_hashes_every_environment() -> None:
    with World.open([bookshop, notes], seed=2) as world:
        initial = world.state_hash()
        assert world.call("notes__create_note", {"title": "from the world"}).ok
        assert not world.call("nowhere__tool", {}).ok
        assert world.state_hash() != initial
        changed = {(change.environment, change.table) for change in world.diff().changes}
        assert changed == {("notes", "notes")}
        world.reset()
        assert world.state_hash() == initial


def test_canonical_json_is_stable() -> None:
    assert canonical_json({"b": 1, "a": [1.0, "é"]}) == '{"a":[1.0,"é"],"b":1}'
    assert json.loads(canonical_json({"x": 2**70}))["x"] == 2**70


RANKED = Environment(
    name="ranked",
    domain="tests",
    description="Items with a rank that many share.",
    tables=[table("items", primary_key="item_id", item_id=str, rank=int)],
    now="2025-01-01T00:00:00+00:00",
)


@RANKED.tool(effect="write")
def add_item(ctx: Any, item_id: str, rank: int) -> dict[str, Any]:
    """Add an item.

    Args:
        item_id: The item's number.
        rank: Its rank.
    """
    return ctx.table("items").insert({"item_id": item_id, "rank": rank})


@RANKED.tool(effect="read")
def list_by_rank(ctx: Any) -> dict[str, Any]:
    """List the items by rank."""
    return {"ids": [row["item_id"] for row in ctx.table("items").find(order_by="rank")]}


@given(ranks=st.lists(st.integers(0, 2), min_size=1, max_size=12), order=st.randoms(use_true_random=False))
def test_ties_in_an_ordering_list_the_same_however_the_rows_were_stored(ranks: list[int], order: random.Random) -> None:
    rows = [{"item_id": f"item-{index:02d}", "rank": rank} for index, rank in enumerate(ranks)]
    order.shuffle(rows)
    with RANKED.episode(state={"items": []}) as episode:
        for row in rows:  # stored in the shuffled order
            assert episode.call("add_item", row).ok
        listed = episode.call("list_by_rank", {}).output
        restored = RANKED.episode(state=episode.state()).call("list_by_rank", {}).output
    assert listed == restored
    assert listed["ids"] == [row["item_id"] for row in sorted(rows, key=lambda row: (row["rank"], row["item_id"]))]
