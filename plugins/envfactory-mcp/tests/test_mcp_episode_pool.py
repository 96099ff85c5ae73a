"""The episode pool: bounded, named episodes found again, idle ones reaped, nothing left behind."""

from __future__ import annotations

import pytest
from envfactory_mcp import EpisodeLimitError, EpisodePool
from hypothesis import given, settings
from hypothesis import strategies as st

from envfactory_core.env import World


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def make_pool(fixture_envs):
    def make(**options) -> EpisodePool:
        return EpisodePool(lambda: World.open([fixture_envs.ledger], seed=0), **options)

    return make


def _closed(world: World) -> bool:
    try:
        world.state_hash()
    except RuntimeError:
        return True
    return False


def test_the_pool_refuses_beyond_its_bound_and_frees_slots_on_release(make_pool):
    pool = make_pool(max_episodes=2)
    first, second = pool.open(), pool.open()
    with pytest.raises(EpisodeLimitError, match="--max-episodes"):
        pool.open()
    pool.release(first)
    assert _closed(first)
    third = pool.open()
    assert pool.live == 2
    pool.release(second)
    pool.release(second)  # idempotent
    pool.release(third)
    assert pool.live == 0
    assert pool.stats()["opened"] == pool.stats()["released"] == 3


def test_named_episodes_are_found_again_and_kept_apart(make_pool):
    pool = make_pool()
    alpha = pool.named("alpha")
    alpha.call("ledger__deposit", {"account_id": "acc_1", "amount": 7})
    assert pool.named("alpha") is alpha
    beta = pool.named("beta")
    assert beta is not alpha
    assert beta.state_hash() != alpha.state_hash()
    assert pool.close_named("alpha") is True
    assert pool.close_named("alpha") is False
    assert _closed(alpha)
    assert pool.named("alpha") is not alpha
    assert pool.named_ids == ("beta", "alpha")


def test_idle_named_episodes_are_released(make_pool):
    clock = FakeClock()
    pool = make_pool(idle_timeout=10, clock=clock)
    old = pool.named("old")
    clock.now = 6
    kept = pool.named("kept")
    clock.now = 11
    assert pool.reap_idle() == 1
    assert _closed(old)
    assert not _closed(kept)
    assert pool.named_ids == ("kept",)
    clock.now = 100
    pool.named("fresh")  # opening reaps first
    assert _closed(kept)
    assert pool.named_ids == ("fresh",)
    assert pool.live == 1


def test_close_all_releases_every_owner(make_pool):
    pool = make_pool()
    worlds = [pool.open(), pool.named("a"), pool.named("b")]
    pool.close_all()
    assert pool.live == 0
    assert all(_closed(world) for world in worlds)


operations = st.lists(
    st.one_of(
        st.tuples(st.just("open"), st.just("")),
        st.tuples(st.just("release"), st.integers(0, 9).map(str)),
        st.tuples(st.just("named"), st.sampled_from(["a", "b", "c", "d"])),
        st.tuples(st.just("close"), st.sampled_from(["a", "b", "c", "d"])),
        st.tuples(st.just("tick"), st.integers(0, 8).map(str)),
    ),
    max_size=40,
)


@settings(max_examples=40, deadline=None)
@given(operations)
def test_the_pool_never_exceeds_its_bound_nor_loses_count(fixture_envs, ops):
    clock = FakeClock()
    pool = EpisodePool(lambda: World.open([fixture_envs.notes]), max_episodes=3, idle_timeout=5, clock=clock)
    anonymous: list[World] = []
    for kind, value in ops:
        try:
            if kind == "open":
                anonymous.append(pool.open())
            elif kind == "release" and anonymous:
                pool.release(anonymous.pop(int(value) % len(anonymous)))
            elif kind == "named":
                pool.named(value)
            elif kind == "close":
                pool.close_named(value)
            elif kind == "tick":
                clock.now += int(value)
        except EpisodeLimitError:
            assert pool.live == 3
        assert pool.live <= 3
        assert pool.live == pool.opened - pool.released
        assert pool.live == len(anonymous) + len(pool.named_ids)
    pool.close_all()
    assert pool.live == 0
    assert all(_closed(world) for world in anonymous)
