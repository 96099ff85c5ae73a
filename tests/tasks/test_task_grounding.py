"""Grounding: every argument has a real source, the seed decides the task, and a chain that cannot run is dropped."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from envfactory_core.env import Arg, Environment, SeedContext, ToolError, World, table
from envfactory_core.ids import canonical_json
from envfactory_core.models import Binding, Task, ToolChain
from envfactory_core.serialize import to_json
from envfactory_core.tasks import Grounded, Grounder, MemoryStates
from envfactory_core.tasks.replay import replay_calls
from envfactory_core.tasks.values import MASKED_NAMES, values_at

from .example_world import ENVIRONMENTS, chain_for, ground

SEEDS = st.integers(0, 100_000)


def grounded_task(seed: int) -> tuple[Task, MemoryStates]:
    states = MemoryStates()
    grounded = ground(chain_for(seed), seed, states)
    assume(grounded.task is not None)
    assert grounded.task is not None
    return grounded.task, states


def rows_of(environment_state: dict[str, dict[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    return [row for table_rows in environment_state.values() for row in table_rows.values()]


def leaf_of(value: Any, child: str) -> Any:
    """The value of ``child`` inside an object argument (or the first item of a list of objects)."""
    if not child:
        return value
    if isinstance(value, list):
        value = value[0]
    return value[child]


def flattened(values: list[Any]) -> list[Any]:
    return values + [item for value in values if isinstance(value, list) for item in value]


@settings(max_examples=40, deadline=None)
@given(seed=SEEDS)
def test_every_non_masked_argument_of_every_gold_call_records_where_its_value_came_from(seed: int) -> None:
    task, _ = grounded_task(seed)
    for gold in task.gold_calls:
        assert set(gold.sources) <= set(gold.call.arguments), gold
        for name in gold.call.arguments:
            if name in gold.masked_arguments:
                assert gold.sources[name] == "default", (name, gold)
            else:
                assert gold.sources.get(name) in ("binding", "state", "user"), (name, gold)


@settings(max_examples=40, deadline=None)
@given(seed=SEEDS)
def test_a_bound_argument_holds_a_value_of_the_earlier_output_it_names(seed: int) -> None:
    task, _ = grounded_task(seed)
    assume(any(gold.bindings for gold in task.gold_calls))
    for index, gold in enumerate(task.gold_calls):
        for argument, origin in gold.bindings.items():
            step_text, field = origin.split(":", 1)
            step = int(step_text)
            top, _, child = argument.partition(".")
            assert 0 <= step < index, origin
            assert gold.sources[top] == "binding"
            value = leaf_of(gold.call.arguments[top], child)
            produced = values_at(task.gold_calls[step].output, field)
            assert value in flattened(produced), (argument, value, origin, produced)


@settings(max_examples=40, deadline=None)
@given(seed=SEEDS)
def test_state_sourced_values_are_values_of_rows_in_the_world_the_call_was_made_in(seed: int) -> None:
    task, states = grounded_task(seed)
    initial = states.get(task.initial_state_id)
    first = task.gold_calls[0]
    for name, value in first.arguments_from("state").items():
        assert any(value in row.values() for row in rows_of(initial[first.call.environment])), (name, value)
    with World.open([ENVIRONMENTS[name] for name in sorted(initial)], states=initial) as world:
        for gold in task.gold_calls:
            before = world.state()[gold.call.environment]
            for name, value in gold.arguments_from("state").items():
                assert any(value in row.values() for row in rows_of(before)), (gold.call.qualified_name, name, value)
            assert world.call_tool(gold.call).ok


@settings(max_examples=30, deadline=None)
@given(seed=SEEDS)
def test_masked_arguments_are_left_out_or_keep_their_default(seed: int) -> None:
    task, _ = grounded_task(seed)
    for gold in task.gold_calls:
        spec = ENVIRONMENTS[gold.call.environment].tools[gold.call.tool].spec
        masked = set(spec.masked_arguments) | (set(spec.parameters) & MASKED_NAMES)
        for name in masked & set(gold.call.arguments):
            assert name in gold.masked_arguments
            schema = spec.parameters[name]
            if "default" in schema:
                assert gold.call.arguments[name] == schema["default"]


@settings(max_examples=25, deadline=None)
@given(seed=SEEDS)
def test_the_same_seed_grounds_the_same_task_and_states(seed: int) -> None:
    first_states, second_states = MemoryStates(), MemoryStates()
    first = ground(chain_for(seed), seed, first_states)
    second = ground(chain_for(seed), seed, second_states)
    assert (first.code, first.reason) == (second.code, second.reason)
    assume(first.task is not None)
    assert first.task is not None
    assert second.task is not None
    assert first.task.id == second.task.id
    assert canonical_json(to_json(first.task)) == canonical_json(to_json(second.task))
    assert first_states.states == second_states.states


def test_different_seeds_ground_the_same_chain_differently() -> None:
    chain = ToolChain(tools=("bookshop__place_order",))
    tasks = [ground(chain, seed, MemoryStates()).task for seed in range(8)]
    assert all(task is not None for task in tasks)
    assert len({task.id for task in tasks if task is not None}) > 1
    assert len({canonical_json(task.gold_calls[0].call.arguments) for task in tasks if task is not None}) > 1
    assert len({task.initial_state_id for task in tasks if task is not None}) > 1


@settings(max_examples=40, deadline=None)
@given(seed=SEEDS)
def test_the_gold_state_is_where_replaying_the_gold_calls_ends(seed: int) -> None:
    task, states = grounded_task(seed)
    replay = replay_calls(ENVIRONMENTS, states.get(task.initial_state_id), [gold.call for gold in task.gold_calls])
    assert all(result.ok for result in replay.results)
    assert replay.final_hash == task.gold_state_id
    assert states.get(task.gold_state_id) == replay.final_state
    for gold, result in zip(task.gold_calls, replay.results, strict=True):
        assert canonical_json(result.output) == canonical_json(gold.output)
    # the turns' states chain from the task's initial state to its gold state
    assert task.turns[0].initial_state_id == task.initial_state_id
    assert task.turns[-1].gold_state_id == task.gold_state_id
    for earlier, later in zip(task.turns, task.turns[1:], strict=False):
        assert earlier.gold_state_id == later.initial_state_id


@settings(max_examples=30, deadline=None)
@given(seed=SEEDS)
def test_a_task_is_a_write_task_exactly_when_a_gold_call_writes(seed: int) -> None:
    task, _ = grounded_task(seed)
    writes = any(gold.effect == "write" for gold in task.gold_calls)
    assert task.kind == ("write" if writes else "read")
    names = [gold.call.qualified_name for gold in task.gold_calls]
    tools = list(chain_for(seed).tools)
    # The world may support only the chain's first steps (at least two): they make the task.
    assert names == tools[: len(names)]
    assert len(names) == len(tools) or (
        len(names) >= 2 and task.provenance["grounded_steps"] == f"{len(names)} of {len(tools)}"
    )


# --- chains that cannot be grounded ----------------------------------------------------------------

VAULT = Environment(
    name="vault",
    domain="tests",
    description="A vault of boxes; only one box opens, and the vault itself never does.",
    tables=[table("boxes", primary_key="box_id", box_id=str, label=str)],
    now="2025-01-01T00:00:00+00:00",
)
BOXES = ("box_a", "box_b", "box_c", "box_d", "box_e")


@VAULT.seed
def _seed_vault(ctx: SeedContext) -> dict[str, list[dict[str, Any]]]:
    return {"boxes": [{"box_id": box, "label": f"label {box[-1]}"} for box in BOXES]}


@VAULT.tool(effect="write")
def seal_vault(ctx: Any, reason: str) -> dict[str, Any]:
    """Seal the vault.

    Args:
        reason: Why.
    """
    raise ToolError("the vault is already sealed")


@VAULT.tool(effect="write")
def open_box(ctx: Any, box_id: str) -> dict[str, Any]:
    """Open a box (only box_c opens).

    Args:
        box_id: The box's id.
    """
    ctx.table("boxes").require(box_id)
    if box_id != "box_c":
        raise ToolError(f"{box_id} is stuck")
    return ctx.table("boxes").update(box_id, {"label": "opened"})


@VAULT.tool(effect="read")
def list_empty_shelf(ctx: Any) -> dict[str, Any]:
    """List the boxes on the empty shelf (there are none)."""
    return {"boxes": []}


@VAULT.tool(effect="read")
def list_boxes(
    ctx: Any, page_size: int, limit: Annotated[int, Arg(minimum=1, maximum=20, mask=True)] = 5
) -> dict[str, Any]:
    """List the boxes.

    Args:
        page_size: Boxes per page.
        limit: At most this many boxes.
    """
    return {"boxes": ctx.table("boxes").all()[:limit]}


def ground_vault(chain: ToolChain, seed: int = 0, **options: Any) -> tuple[Grounded, MemoryStates]:
    states = MemoryStates()
    return Grounder(**options).ground(chain, environments={"vault": VAULT}, states=states, seed=seed), states


def test_a_chain_whose_write_always_fails_is_dropped_with_the_tool_error_and_stores_nothing() -> None:
    grounded, states = ground_vault(ToolChain(tools=("vault__seal_vault",)))
    assert not grounded.ok
    assert grounded.task is None
    assert grounded.code == "step_failed:tool_error"
    assert "step 0 (vault__seal_vault)" in grounded.reason
    assert "the vault is already sealed" in grounded.reason
    assert states.states == {}


def test_a_lookup_whose_output_has_nothing_for_the_next_step_is_dropped_as_empty() -> None:
    chain = ToolChain(
        tools=("vault__list_empty_shelf", "vault__open_box"),
        bindings=(Binding(source_step=0, source_field="boxes.box_id", target_step=1, target_argument="box_id"),),
    )
    grounded, _ = ground_vault(chain)
    assert grounded.task is None
    assert grounded.code == "step_failed:empty_output"
    assert "step 0 (vault__list_empty_shelf)" in grounded.reason


@pytest.mark.parametrize(
    ("chain", "code", "words"),
    [
        (ToolChain(tools=("vault__pick_lock",)), "unknown_tool", "vault__pick_lock is not a tool of vault"),
        (ToolChain(tools=("attic__open_trunk",)), "environment_missing", "attic"),
        (ToolChain(tools=()), "empty_chain", "empty chain"),
        (
            ToolChain(tools=("vault__list_boxes", "vault__list_boxes"), turns=((1,), (0,))),
            "bad_turns",
            "reorder",
        ),
    ],
)
def test_chains_the_grounder_cannot_run_are_dropped_with_a_code_and_a_reason(
    chain: ToolChain, code: str, words: str
) -> None:
    grounded, states = ground_vault(chain)
    assert grounded.task is None
    assert grounded.code == code
    assert words in grounded.reason
    assert states.states == {}


@pytest.mark.parametrize("seed", range(6))
def test_retries_walk_through_different_rows_until_one_works(seed: int) -> None:
    # Five boxes and five attempts: a retry never draws a box already tried, so the one that opens is found.
    grounded, _ = ground_vault(ToolChain(tools=("vault__open_box",)), seed, attempts=len(BOXES), restarts=1)
    assert grounded.task is not None, grounded.reason
    gold = grounded.task.gold_calls[0]
    assert gold.call.arguments == {"box_id": "box_c"}
    assert gold.sources == {"box_id": "state"}


def test_with_a_single_attempt_a_stuck_row_drops_the_chain_for_some_seeds() -> None:
    outcomes = [
        ground_vault(ToolChain(tools=("vault__open_box",)), seed, attempts=1, restarts=1)[0] for seed in range(12)
    ]
    dropped = [grounded for grounded in outcomes if grounded.task is None]
    assert dropped
    assert len(dropped) < len(outcomes)
    assert all(grounded.code == "step_failed:tool_error" and "is stuck" in grounded.reason for grounded in dropped)


def test_a_required_masked_argument_gets_a_default_and_an_optional_one_is_left_out() -> None:
    grounded, _ = ground_vault(ToolChain(tools=("vault__list_boxes",)))
    assert grounded.task is not None, grounded.reason
    gold = grounded.task.gold_calls[0]
    assert "limit" not in gold.call.arguments  # optional and masked: the tool's own default applies
    assert gold.masked_arguments == ("page_size",)
    assert gold.sources == {"page_size": "default"}
    assert gold.call.arguments["page_size"] == 10
    assert grounded.task.kind == "read"
