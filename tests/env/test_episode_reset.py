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


@settings(max_examples=15, deadline=None)
@given(rng=st.randoms(use_true_random=False), seed=st.integers(0, 3))
def test_the_lazy_state_view_reads_as_the_decoded_state(rng: random.Random, seed: int) -> None:
    """Same tables, keys, order and rows as ``state()`` after every call; a view kept is not changed later."""
    state = bookshop.template(seed=seed).canonical_state()
    plan = plan_calls(bookshop, rng, state, 8)
    with bookshop.episode(seed=seed) as episode:
        for tool, arguments in plan:
            before = episode.state_view()
            frozen = episode.state()  # the view is read only after the call below
            episode.call(tool, arguments)
            view = episode.state_view()
            decoded = episode.state()
            assert list(view) == list(decoded)
            for name, rows in decoded.items():
                assert list(view[name]) == list(rows)
                assert {key: view[name][key] for key in rows} == rows
                assert len(view[name]) == len(rows)
            assert {name: dict(rows) for name, rows in before.items()} == frozen
        episode.reset()
        assert {name: dict(rows) for name, rows in episode.state_view().items()} == bookshop.initial_state(seed=seed)


def test_a_view_kept_across_writes_to_the_same_row_keeps_its_values() -> None:
    with bookshop.episode(seed=0) as episode:
        isbn = next(iter(episode.state()["books"]))
        episode.table("books").update(isbn, {"stock": 1})
        first = episode.state_view()
        episode.table("books").update(isbn, {"stock": 2})
        second = episode.state_view()
        assert first["books"][isbn]["stock"] == 1
        assert second["books"][isbn]["stock"] == 2
        episode.reset()
        assert episode.state_view()["books"][isbn] == bookshop.initial_state(seed=0)["books"][isbn]
