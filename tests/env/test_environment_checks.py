"""The checks domain packages run on their environments pass good ones and name what is wrong with bad ones."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import Any, TypedDict

import pytest
from envfactory_testing import (
    assert_domain_environment,
    assert_hash_stable_across_processes,
    assert_seeds_vary,
    assert_size_scales,
    assert_sizes_give_valid_states,
    assert_tool_path,
    importable_reference,
)

from envfactory_core.env import Context, Environment, SeedContext, ToolError, table
from envfactory_core.env.examples import bookshop
from envfactory_core.models import Provenance


class Counter(TypedDict):
    counter_id: str
    value: int


class Incremented(TypedDict):
    incremented: int


def _counter_environment(*, seeded_by: str = "seed", policy: str = "Counters only go up.") -> Environment:
    """A counter environment whose seed factory uses the seed and the size, or (``seeded_by="nothing"``) neither."""
    environment = Environment(
        name="counters",
        domain="tests",
        description="Counters that go up.",
        tables=[table("counters", primary_key="counter_id", counter_id=str, value=int)],
        policy=policy,
        provenance=Provenance(source="test fixture", url="https://example.com/counters"),
    )

    @environment.tool(effect="read")
    def get_counter(ctx: Context, counter_id: str) -> Counter:
        """Read a counter.

        Args:
            counter_id: Which counter.
        """
        return ctx.table("counters").require(counter_id)

    @environment.tool(effect="write")
    def create_counter(ctx: Context, start: int = 0) -> Counter:
        """Create a counter.

        Args:
            start: Its first value.
        """
        return ctx.table("counters").insert({"counter_id": ctx.new_id("ctr"), "value": start})

    @environment.tool(effect="write")
    def increment(ctx: Context, counter_ids: list[str]) -> Incremented:
        """Add one to counters.

        Args:
            counter_ids: Which counters.
        """
        rows = [ctx.table("counters").require(counter_id) for counter_id in counter_ids]
        if not rows:
            raise ToolError("name at least one counter")
        for row in rows:
            ctx.table("counters").update(row["counter_id"], {"value": row["value"] + 1})
        return {"incremented": len(rows)}

    @environment.seed
    def seed(ctx: SeedContext) -> dict[str, list[dict[str, Any]]]:
        count = 3 if seeded_by == "nothing" else ctx.size
        rng = ctx.rng if seeded_by != "nothing" else None
        return {
            "counters": [
                {"counter_id": f"ctr_{index}", "value": rng.randint(0, 10**6) if rng else index}
                for index in range(count)
            ]
        }

    return environment


# --- seeds and sizes ----------------------------------------------------------------------------------


def test_seeds_vary_for_an_environment_that_uses_its_seed() -> None:
    assert_seeds_vary(bookshop, count=20)
    assert_seeds_vary(_counter_environment(), count=20)


def test_seeds_vary_names_the_seeds_that_give_one_state() -> None:
    with pytest.raises(AssertionError, match=r"counters: 5 seeds give only 1 states; .*\[\[0, 1, 2, 3, 4\]\]"):
        assert_seeds_vary(_counter_environment(seeded_by="nothing"), count=5)


def test_size_checks_pass_an_environment_that_scales() -> None:
    assert_size_scales(bookshop)
    assert_sizes_give_valid_states(bookshop, sizes=(1, 2, 30))


def test_size_scales_fails_when_the_size_is_ignored() -> None:
    with pytest.raises(AssertionError, match="size 4 seeds 3 rows and size 20 seeds 3"):
        assert_size_scales(_counter_environment(seeded_by="nothing"))


def test_sizes_give_valid_states_fails_on_an_empty_state() -> None:
    with pytest.raises(AssertionError, match="counters: size 0 seeds an empty state"):
        assert_sizes_give_valid_states(_counter_environment(), sizes=(3, 0))


# --- another process ----------------------------------------------------------------------------------


def test_an_example_environment_is_found_by_its_module_name() -> None:
    assert importable_reference(bookshop) == "envfactory_core.env.examples.bookshop:environment"


def test_an_environment_built_in_a_function_has_no_importable_name() -> None:
    with pytest.raises(AssertionError, match="no module-level name refers to this environment"):
        importable_reference(_counter_environment())


def test_hash_is_stable_across_processes_for_a_deterministic_environment() -> None:
    assert_hash_stable_across_processes(bookshop, seed=(0, 7))


UNSTABLE_MODULE = '''
from envfactory_core.env import Context, Environment, table

environment = Environment(
    name="unstable",
    domain="tests",
    description="Seeds from the string hash, which differs between processes.",
    tables=[table("rows", primary_key="row_id", row_id=str, value=int)],
)


@environment.tool(effect="read")
def get_row(ctx: Context, row_id: str) -> dict:
    """Read a row.

    Args:
        row_id: Which row.
    """
    return ctx.table("rows").require(row_id)


@environment.seed
def seed(ctx):
    return {"rows": [{"row_id": "only", "value": hash(f"row {ctx.seed}") % 1000}]}
'''


def test_hash_check_catches_a_seed_that_depends_on_the_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "unstable_environment_fixture.py").write_text(textwrap.dedent(UNSTABLE_MODULE), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    monkeypatch.delitem(sys.modules, "unstable_environment_fixture", raising=False)
    from unstable_environment_fixture import environment

    assert importable_reference(environment) == "unstable_environment_fixture:environment"
    # Ten seeds: the chance that every one of ten hashes modulo 1000 agrees by luck is negligible.
    with pytest.raises(AssertionError, match="give another state hash in another process"):
        assert_hash_stable_across_processes(environment, seed=range(10))


def test_a_failing_other_process_is_reported_with_its_error() -> None:
    with pytest.raises(AssertionError, match="the other process failed"):
        assert_hash_stable_across_processes(
            bookshop, reference="envfactory_core.env.examples.no_such_module:environment"
        )


# --- declaration ----------------------------------------------------------------------------------------


def test_domain_environment_passes_a_well_declared_environment() -> None:
    assert_domain_environment(_counter_environment(), domain="tests", min_tools=3)


@pytest.mark.parametrize(
    ("environment", "options", "message"),
    [
        (_counter_environment(), {"domain": "office"}, "domain is 'tests', expected 'office'"),
        (_counter_environment(), {"domain": "tests"}, "3 tools, at least 5 expected"),
        (_counter_environment(policy="  "), {"domain": "tests", "min_tools": 3}, "the policy is blank"),
        (bookshop, {"domain": "examples"}, "provenance url '' is not https"),
    ],
)
def test_domain_environment_names_what_is_missing(
    environment: Environment, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(AssertionError, match=message):
        assert_domain_environment(environment, **options)


# --- tools on a path ------------------------------------------------------------------------------------


def test_a_path_fills_placeholders_from_earlier_outputs() -> None:
    episode = _counter_environment().episode(seed=0, size=2)
    outputs = assert_tool_path(
        episode,
        [
            ("create_counter", {"start": 5}),
            ("increment", {"counter_ids": ["{counter_id}", "ctr_0"]}),
            ("get_counter", {"counter_id": "{counter_id}"}),
        ],
    )
    assert outputs["value"] == 6
    assert outputs["incremented"] == 2


def test_a_path_reads_indexed_placeholders() -> None:
    episode = bookshop.episode(seed=0)
    customer = episode.table("customers").all()[0]
    book = next(row for row in episode.table("books").all() if row["stock"] > 0)
    assert_tool_path(
        episode,
        [
            ("place_order", {"customer_id": customer["customer_id"], "isbn": book["isbn"]}),
            ("list_orders", {"customer_id": customer["customer_id"]}),
            ("cancel_order", {"order_id": "{orders[0].order_id}"}),
        ],
        every_tool=False,
    )


def test_a_path_fails_on_a_refused_call_naming_the_step() -> None:
    episode = _counter_environment().episode(seed=0)
    with pytest.raises(AssertionError, match=r"step 2 \(increment\): .*name at least one counter"):
        assert_tool_path(episode, [("create_counter", {}), ("increment", {"counter_ids": []})], every_tool=False)


def test_a_path_fails_on_a_placeholder_that_names_nothing() -> None:
    episode = _counter_environment().episode(seed=0)
    with pytest.raises(AssertionError, match=r"step 1 \(get_counter\): a placeholder names nothing earlier"):
        assert_tool_path(episode, [("get_counter", {"counter_id": "{counter_id}"})], every_tool=False)


def test_a_path_must_use_every_tool_unless_told() -> None:
    episode = _counter_environment().episode(seed=0)
    with pytest.raises(AssertionError, match=r"the path never calls \['get_counter', 'increment'\]"):
        assert_tool_path(episode, [("create_counter", {})])
