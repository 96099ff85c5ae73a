"""The conformance kit passes good environments and explains what is wrong with broken ones."""

from __future__ import annotations

import datetime
from typing import TypedDict

import pytest
from envfactory_testing import assert_environment_conforms

from envfactory_core.env import Context, Environment, ToolError, table
from envfactory_core.env.conformance import check_environment, lint_tool_source
from envfactory_core.env.examples import EXAMPLES
from envfactory_core.models import Provenance


@pytest.mark.parametrize("environment", EXAMPLES, ids=lambda env: env.name)
def test_example_environments_conform(environment: Environment) -> None:
    report = assert_environment_conforms(environment)
    assert [check.name for check in report.checks] == [
        "schemas",
        "seed_state",
        "determinism_lint",
        "no_crash",
        "atomic_failure",
        "read_only",
        "output_schema",
        "reset",
        "isolation",
        "replay",
    ]


def _counter_environment(name: str) -> Environment:
    environment = Environment(
        name=name,
        domain="tests",
        description="A counter used to show the kit catching broken tools.",
        tables=[table("counters", primary_key="counter_id", counter_id=str, value=int)],
        now="2025-05-01T12:00:00+00:00",
        provenance=Provenance(source="test fixture"),
    )

    @environment.tool(effect="read")
    def get_counter(ctx: Context, counter_id: str) -> dict[str, object]:
        """Read a counter.

        Args:
            counter_id: Which counter.
        """
        return ctx.table("counters").require(counter_id)

    @environment.tool(effect="write")
    def increment(ctx: Context, counter_id: str) -> dict[str, object]:
        """Add one to a counter.

        Args:
            counter_id: Which counter.
        """
        row = ctx.table("counters").require(counter_id)
        return ctx.table("counters").update(counter_id, {"value": row["value"] + 1})

    @environment.seed
    def seed(rng: object, size: int) -> dict[str, list[dict[str, object]]]:
        return {"counters": [{"counter_id": f"c{index}", "value": rng.randint(0, 9)} for index in range(4)]}  # type: ignore[attr-defined]

    return environment


def _failures(environment: Environment) -> dict[str, str]:
    report = check_environment(environment, sequences=6, calls_per_sequence=10)
    return {check.name: check.detail for check in report.failures}


def test_a_tool_reading_the_wall_clock_is_reported() -> None:
    environment = _counter_environment("clocky")

    @environment.tool(effect="read")
    def today(ctx: Context) -> dict[str, str]:
        """Say what day it is (wrongly, from the wall clock)."""
        return {"date": datetime.date.today().isoformat()}

    failures = _failures(environment)
    assert "determinism_lint" in failures
    assert "today" in failures["determinism_lint"]
    assert "wall clock" in failures["determinism_lint"]


def test_a_tool_returning_wall_clock_time_fails_replay_too() -> None:
    environment = _counter_environment("clocky_time")

    @environment.tool(effect="read")
    def stamp(ctx: Context) -> dict[str, str]:
        """Return the current time (wrongly, from the wall clock)."""
        return {"time": datetime.datetime.now().isoformat()}

    failures = _failures(environment)
    assert "replay" in failures
    assert "stamp" in failures["replay"]


def test_a_tool_that_mutates_state_then_raises_is_reported_and_rolled_back() -> None:
    environment = _counter_environment("raiser")

    @environment.tool(effect="write")
    def reset_counter(ctx: Context, counter_id: str) -> dict[str, object]:
        """Set a counter to zero (but crash after writing).

        Args:
            counter_id: Which counter.
        """
        ctx.table("counters").update(counter_id, {"value": 0})
        raise RuntimeError("disk on fire")

    failures = _failures(environment)
    assert "no_crash" in failures
    assert "reset_counter" in failures["no_crash"]
    assert "RuntimeError: disk on fire" in failures["no_crash"]
    assert "ToolError" in failures["no_crash"]
    assert "atomic_failure" not in failures  # the runtime rolled the write back


LEAKED: list[int] = []


def test_a_tool_keeping_state_in_a_module_global_is_reported() -> None:
    environment = _counter_environment("leaky")

    @environment.tool(effect="write")
    def take_ticket(ctx: Context) -> dict[str, int]:
        """Take the next ticket number (kept, wrongly, outside the episode)."""
        LEAKED.append(1)
        return {"ticket": len(LEAKED)}

    failures = _failures(environment)
    assert "replay" in failures
    assert "take_ticket" in failures["replay"]


class Summary(TypedDict):
    total: int


def test_a_tool_violating_its_output_schema_is_reported() -> None:
    environment = _counter_environment("liar")

    @environment.tool(effect="read")
    def total(ctx: Context) -> Summary:
        """Sum all counters (but return text where the schema says integer)."""
        return {"total": str(sum(row["value"] for row in ctx.table("counters").all()))}  # type: ignore[typeddict-item]

    failures = _failures(environment)
    assert "output_schema" in failures
    assert "total" in failures["output_schema"]
    assert "is not of type 'integer'" in failures["output_schema"]


def test_a_read_tool_that_writes_is_reported() -> None:
    environment = _counter_environment("sneaky")

    @environment.tool(effect="read")
    def peek(ctx: Context, counter_id: str) -> dict[str, object]:
        """Read a counter (but secretly bump it).

        Args:
            counter_id: Which counter.
        """
        row = ctx.table("counters").require(counter_id)
        return ctx.table("counters").update(counter_id, {"value": row["value"] + 1})

    failures = _failures(environment)
    assert "read_only" in failures
    assert "peek" in failures["read_only"]


def test_undescribed_arguments_and_a_constant_seed_are_reported() -> None:
    environment = Environment(
        name="sloppy",
        domain="tests",
        description="A sloppy environment.",
        tables=[table("items", primary_key="item_id", item_id=str)],
        now="2025-05-01T12:00:00+00:00",
    )

    @environment.tool(effect="read")
    def get_item(ctx: Context, item_id: str) -> dict[str, object]:
        """Get an item."""
        return ctx.table("items").require(item_id)

    @environment.seed
    def seed(rng: object, size: int) -> dict[str, list[dict[str, str]]]:
        return {"items": [{"item_id": "same"}]}

    failures = _failures(environment)
    assert "argument 'item_id' has no description" in failures["schemas"]
    assert "identical states" in failures["seed_state"]


def test_the_assertion_helper_fails_with_the_report() -> None:
    environment = _counter_environment("crashy")

    @environment.tool(effect="write")
    def explode(ctx: Context) -> dict[str, object]:
        """Always crash."""
        raise ValueError("boom")

    with pytest.raises(AssertionError, match="no_crash"):
        assert_environment_conforms(environment, max_examples=0)


def test_lint_reads_the_source_of_tools() -> None:
    def uses_random(ctx: Context) -> int:
        import random

        return random.randint(1, 6)

    def clean(ctx: Context) -> int:
        return ctx.rng.randint(1, 6)

    assert any("global RNG" in problem for problem in lint_tool_source(uses_random))
    assert lint_tool_source(clean) == []


def test_tool_errors_are_not_crashes() -> None:
    environment = _counter_environment("polite")

    @environment.tool(effect="write")
    def refuse(ctx: Context) -> dict[str, object]:
        """Always refuse politely."""
        raise ToolError("not today")

    assert "no_crash" not in _failures(environment)
