"""Reset by rolling back to the reset savepoint: the same state, counters and ids as a fresh episode."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from envfactory_core.env import Episode
from envfactory_core.env.conformance import plan_calls
from envfactory_core.env.examples import bookshop


def _run(episode: Episode, plan: list[tuple[str, Any]]) -> list[tuple[bool, Any, Any]]:
    return [(result.ok, result.output, result.error) for result in (episode.call(tool, args) for tool, args in plan)]


@settings(max_examples=25, deadline=None)
@given(rng=st.randoms(use_true_random=False), seed=st.integers(0, 3), hash_midway=st.booleans())
def test_reset_replays_exactly_as_a_fresh_episode(rng: random.Random, seed: int, hash_midway: bool) -> None:
    """Writes flushed or not, the reset episode gives the same results, ids and final hash as a new one."""
    state = bookshop.template(seed=seed).canonical_state()
    plan = plan_calls(bookshop, rng, state, 12)
    with bookshop.episode(seed=seed) as fresh:
        expected = _run(fresh, plan)
        expected_hash = fresh.state_hash()
    with bookshop.episode(seed=seed) as episode:
        for _ in range(3):
            for tool, arguments in plan:
                episode.call(tool, arguments)
                if hash_midway:
                    episode.state_hash()
            episode.reset()
            assert episode.steps == []
            assert episode.changed_rows() == {}
            assert episode.state() == bookshop.initial_state(seed=seed)
            assert _run(episode, plan) == expected
            assert episode.state_hash() == expected_hash
            episode.reset()


def test_reset_to_another_seed_and_back() -> None:
    with bookshop.episode(seed=1) as episode:
        first = episode.state_hash()
        episode.reset(seed=2)
        assert episode.state() == bookshop.initial_state(seed=2)
        episode.reset()
        assert episode.state() == bookshop.initial_state(seed=2)
        episode.reset(seed=1)
        assert episode.state_hash() == first


def test_two_episodes_reset_independently() -> None:
    with bookshop.episode(seed=0) as one, bookshop.episode(seed=0) as two:
        customer = next(iter(one.state()["customers"]))
        book = next(iter(one.state()["books"]))
        assert one.call("place_order", {"customer_id": customer, "isbn": book}).ok
        assert one.state() != two.state()
        two.reset()
        assert one.state() != two.state()
        one.reset()
        assert one.state() == two.state()
