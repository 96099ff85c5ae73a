"""Episodes never break: interrupts roll back, hostile arguments are refused, threads take turns."""

from __future__ import annotations

import json
import sqlite3
import threading

import pytest

from envfactory_core.env import Context, Environment, table
from envfactory_core.env.episode import MAX_ARGUMENT_DEPTH, Episode


def _environment() -> Environment:
    environment = Environment(
        name="counters",
        domain="tests",
        description="Named counters.",
        tables=[table("counters", primary_key="name", name=str, value=int)],
    )

    @environment.tool(effect="write")
    def bump(ctx: Context, name: str) -> dict[str, object]:
        """Add one to a counter (it starts at zero).

        Args:
            name: The counter.
        """
        row = ctx.table("counters").get(name)
        if row is None:
            return ctx.table("counters").insert({"name": name, "value": 1})
        return ctx.table("counters").update(name, {"value": row["value"] + 1})

    @environment.tool(effect="write")
    def interrupted(ctx: Context, name: str, kind: str) -> dict[str, object]:
        """Write a row and take an id, then raise the named BaseException.

        Args:
            name: The counter to write.
            kind: KeyboardInterrupt, SystemExit or GeneratorExit.
        """
        ctx.table("counters").insert({"name": name, "value": 99})
        ctx.new_id("c")
        raise {"KeyboardInterrupt": KeyboardInterrupt, "SystemExit": SystemExit, "GeneratorExit": GeneratorExit}[kind]()

    return environment


@pytest.fixture
def episode() -> Episode:
    return _environment().episode(state={"counters": [{"name": "start", "value": 1}]})


@pytest.mark.parametrize("kind", ["KeyboardInterrupt", "SystemExit", "GeneratorExit"])
def test_a_base_exception_after_a_write_is_rolled_back_then_re_raised(episode: Episode, kind: str) -> None:
    before = episode.state()
    before_hash = episode.state_hash()
    expected = {"KeyboardInterrupt": KeyboardInterrupt, "SystemExit": SystemExit, "GeneratorExit": GeneratorExit}
    with pytest.raises(expected[kind]):
        episode.call("interrupted", {"name": "partial", "kind": kind})
    assert episode.state() == before
    assert episode.state_hash() == before_hash
    with pytest.raises(sqlite3.OperationalError, match="no such savepoint"):
        episode.connection.execute("RELEASE ef_call")  # the call's savepoint is not left open
    # the id counter was given back: the next id is the one a fresh episode issues
    fresh = _environment().episode(state={"counters": [{"name": "start", "value": 1}]})
    assert episode.call("bump", {"name": "a"}).ok
    ids = [Context(e, "bump").new_id("c") for e in (episode, fresh)]
    assert ids[0] == ids[1]
    assert episode.call("bump", {"name": "a"}).output == {"name": "a", "value": 2}


def _nested(depth: int) -> dict[str, object]:
    value: dict[str, object] = {}
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (_nested(3000), "nested more than"),
        ({"name": _nested(MAX_ARGUMENT_DEPTH + 1)}, "nested more than"),
        ('{"name": ' + "[" * 5000 + "]" * 5000 + "}", "cannot be read: RecursionError"),
        ({"name": 10**5000}, "wider than 256 bits"),
        ('{"name": ' + "7" * 5000 + "}", "cannot be read: ValueError"),
        ({"name": list(range(200_000))}, "more than 100000 values"),
    ],
    ids=["deep-dict", "just-too-deep", "deep-json-text", "huge-int", "huge-int-text", "too-many-values"],
)
def test_deep_or_huge_arguments_are_invalid_arguments(episode: Episode, arguments: object, words: str) -> None:
    before = episode.state_hash()
    result = episode.call("bump", arguments)
    assert result.error is not None
    assert result.error.kind == "invalid_arguments"
    assert words in result.error.message
    assert episode.state_hash() == before
    assert episode.steps[-1].call.arguments == {}  # nothing hostile is kept in the trajectory
    json.dumps([step.call.arguments for step in episode.steps])


def test_arguments_just_inside_the_limits_still_reach_the_validator(episode: Episode) -> None:
    result = episode.call("bump", {"name": "x", "extra": _nested(MAX_ARGUMENT_DEPTH - 2)})
    assert result.error is not None
    assert result.error.kind == "invalid_arguments"
    assert "nested" not in result.error.message  # the schema's complaint, not the shape guard's


def test_one_episode_used_by_four_threads_loses_no_update(episode: Episode) -> None:
    barrier = threading.Barrier(4)

    def work() -> None:
        barrier.wait()
        for _ in range(250):
            assert episode.call("bump", {"name": "shared"}).ok
            episode.state_hash()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert episode.state()["counters"]["shared"]["value"] == 1000
    assert len(episode.steps) == 1000
