"""Quality figures and the checks behind them: requests that read like a person's, chains with one goal,
values a person would give, and closing messages taken from the tool outputs."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from envfactory_core.env.plausible import plausible_range, postal_fits, value_problems
from envfactory_core.graph.coherence import chain_problems, inverse_pair
from envfactory_core.models import GoldCall, Task, ToolCall, Turn
from envfactory_core.tasks import MemoryStates, TaskContext
from envfactory_core.tasks.answers import closing_message
from envfactory_core.tasks.persona import fit_places, persona_for
from envfactory_core.tasks.phrase_model import phrase_for
from envfactory_core.tasks.quality import (
    coherence_problems,
    copies_description,
    description_spans,
    quality_figures,
    repeated_references,
    task_problems,
)

from .example_world import ENVIRONMENTS, chain_for, gated_task, graph

SEEDS = st.integers(min_value=0, max_value=10_000)


def _task(calls: list[GoldCall], requests: list[str], kind: str = "write") -> Task:
    return Task(
        environments=sorted({call.call.environment for call in calls}),
        gold_calls=calls,
        turns=[Turn(request=text, calls=tuple(range(len(calls))) if i == 0 else ()) for i, text in enumerate(requests)],
        initial_state_id="s0",
        gold_state_id="s1",
        kind=kind,  # type: ignore[arg-type]
    )


def _call(
    env: str, tool: str, arguments: dict, output: object = None, effect: str = "write", **extra: object
) -> GoldCall:
    return GoldCall(
        call=ToolCall(environment=env, tool=tool, arguments=arguments),
        output=output,  # type: ignore[arg-type]
        effect=effect,  # type: ignore[arg-type]
        **extra,  # type: ignore[arg-type]
    )


# --- the figures --------------------------------------------------------------------------------


def test_a_pasted_description_and_a_parenthesis_and_a_repeated_reference_are_each_found() -> None:
    spans = description_spans(["List shipments, newest first, optionally for one order or by status."])
    assert copies_description("Could you list shipments, newest first, optionally for one order?", spans)
    assert not copies_description("Which of my shipments are still on their way?", spans)
    text = 'Cancel the window called "Kernel patching" and the window called "Kernel patching".'
    assert repeated_references(text)
    assert not repeated_references('Cancel the window called "Kernel patching".')
    call = _call("uptime", "get_monitor", {"monitor_id": "m1"}, {"monitor_id": "m1"}, effect="read")
    task = _task([call], ["Please get monitor (a monitor with its checks)."], kind="read")
    problems = task_problems(task, spans)
    assert any("parenthesis" in problem for problem in problems)


def test_a_write_undone_by_the_next_step_and_a_decision_on_ones_own_request_are_incoherent() -> None:
    assert inverse_pair("create_maintenance_window", "cancel_maintenance_window") == "undo"
    assert inverse_pair("submit_application", "decide_application") == "role_conflict"
    assert inverse_pair("create_event", "update_event") == ""
    made = _call("uptime", "create_maintenance_window", {"title": "Kernel patching"}, {"window_id": "mw_1"})
    undone = _call("uptime", "cancel_maintenance_window", {"window_id": "mw_1"}, {"window_id": "mw_1"})
    undone = attrs.evolve(undone, bindings={"window_id": "0:window_id"}, sources={"window_id": "binding"})
    codes = [code for code, _ in coherence_problems(_task([made, undone], ["x"]))]
    assert codes == ["undo_pair"]


def test_environments_that_share_nothing_are_incoherent_and_a_shared_value_joins_them() -> None:
    recipe = _call("recipes", "generate_shopping_list", {"username": "victor"}, {"items": ["flour"]})
    link = _call("links", "shorten_url", {"url": "https://example.com/a"}, {"link_id": "bit.ly/x"})
    assert [code for code, _ in coherence_problems(_task([recipe, link], ["x"]))] == ["unshared_environments"]
    customer = _call("storefront", "create_customer", {"email": "ana@example.com"}, {"customer_id": "c1"})
    payer = _call("payments", "create_customer", {"email": "ana@example.com"}, {"customer_id": "cus_1"})
    assert coherence_problems(_task([customer, payer], ["x"])) == []


def test_the_figures_are_shares_of_turns_and_tasks() -> None:
    calls = [_call("notes", "create_note", {"title": "Q3"}, {"note_id": "n1"})]
    tasks = [_task(calls, ["I want a note called Q3 for the planning meeting."]), _task(calls, ["Add (note)."])]
    figures = quality_figures(tasks, {"notes__create_note": "Create a note with a title and a body."})
    assert figures["user_turns"] == 2
    assert figures["parenthesis_share"] == 0.5
    assert figures["description_copy_share"] == 0.0
    assert 0 < figures["distinct_4gram_ratio"] <= 1


# --- values a person would give ---------------------------------------------------------------------


def test_implausible_values_are_named_and_plausible_ones_pass() -> None:
    now = datetime(2025, 6, 16, tzinfo=UTC)
    assert value_problems({"monthly_income": 75.96})
    assert not value_problems({"monthly_income": 4200.0})
    assert value_problems({"weight_kg": 64.0})
    assert value_problems({"city": "Vancouver", "postal_code": "01033-593", "country": "NO"})
    assert not value_problems({"city": "Vancouver", "postal_code": "V6B 1A1", "country": "CA"})
    assert value_problems({"start_date": "2025-07-10", "end_date": "2025-07-01"})
    assert value_problems({"move_in_date": "2025-01-01"}, now=now, effect="write")
    assert value_problems({"amount": 12.5, "currency": "JPY"})
    created = [{"link_id": "bit.ly/x", "created_at": "2025-06-10T08:00:00+00:00"}]
    assert value_problems({"link_id": "bit.ly/x", "end_date": "2025-06-01"}, earlier=created)
    assert not value_problems({"link_id": "bit.ly/x", "end_date": "2025-06-12"}, earlier=created)


@settings(max_examples=40, deadline=None)
@given(seed=SEEDS)
def test_fitted_addresses_hold_together(seed: int) -> None:
    rng = random.Random(seed)
    arguments: dict = {"city": "Vancouver", "postal_code": "01033-593", "country": "NO", "weight_kg": 3.0}
    fit_places(arguments, {"city", "postal_code", "country"}, {}, persona_for(str(seed)), rng)
    assert value_problems(arguments) == [], arguments
    assert postal_fits(str(arguments["postal_code"]), str(arguments["country"]))


def test_unbounded_money_and_weights_are_drawn_where_a_person_would_give_them() -> None:
    from envfactory_core.env.schema_values import SchemaValues

    values = SchemaValues(datetime(2025, 6, 16, tzinfo=UTC))
    rng = random.Random(3)
    low, high, _ = plausible_range("monthly_income") or (0, 0, 0)
    for _ in range(50):
        assert low <= values.number({"type": "number"}, rng, "monthly_income") <= high
        assert 0 < values.number({"type": "number"}, rng, "weight_kg") <= 30


# --- chains with one goal -------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(seed=SEEDS)
def test_sampled_chains_serve_one_goal(seed: int) -> None:
    chain = chain_for(seed)
    index = graph().index
    positions = [index.position[name] for name in chain.tools]
    assert chain_problems(index, positions, chain.bindings) == []


# --- requests and answers ---------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(seed=SEEDS)
def test_gated_requests_never_paste_a_description_and_have_a_story(seed: int) -> None:
    states = MemoryStates()
    task = gated_task(seed, states)
    if task is None:
        return
    context = TaskContext(environments=ENVIRONMENTS, states=states)
    spans = description_spans(context.descriptions.values())
    for turn in task.turns:
        assert not copies_description(turn.request, spans), turn.request
        assert "(" not in turn.request, turn.request
        assert not repeated_references(turn.request), turn.request
    assert task.story.strip()
    assert task_problems(task, spans, context) == []


def test_the_phrase_model_takes_action_and_object_from_the_name() -> None:
    phrase = phrase_for("submit_application", description="Submit a rental application for a listed property.")
    assert (phrase.verb, phrase.intent, phrase.thing) == ("submit", "create", "application")
    listing = phrase_for("list_shipments", parameters={"status": {"type": "string"}}, effect="read")
    assert (listing.intent, listing.things, listing.qualifiers) == ("find", "shipments", ("status",))


def test_the_closing_message_reports_the_outputs() -> None:
    booked = _call(
        "restaurants",
        "book_reservation",
        {"party_size": 2},
        {"confirmation_code": "RSV4411", "status": "confirmed", "reservation_id": "r1"},
    )
    found = _call("restaurants", "search_restaurants", {}, {"restaurants": [{"name": "Casa Serra"}]}, effect="read")
    task = attrs.evolve(_task([booked, found], ["x"], kind="read"), answer_facts=("Casa Serra",))
    message = closing_message(task, (0, 1), {0: booked.output, 1: found.output}, last_turn=True)
    assert "booked the reservation" in message
    assert "RSV4411" in message
    assert 'I found 1 restaurant: "Casa Serra"' in message or "Casa Serra" in message


def test_participles_are_english() -> None:
    from envfactory_core.tasks.natural import participle

    words = ["book", "submit", "cancel", "withdraw", "plan", "create", "pay", "open", "reply", "send"]
    assert [participle(word) for word in words] == [
        "booked",
        "submitted",
        "cancelled",
        "withdrawn",
        "planned",
        "created",
        "paid",
        "opened",
        "replied",
        "sent",
    ]


def test_a_write_tasks_reading_turn_reports_what_it_found() -> None:
    found = _call(
        "notes", "search_notes", {"query": "Kickoff"}, {"notes": [{"title": "Roadmap Kickoff"}]}, effect="read"
    )
    made = _call("notes", "create_note", {"title": "Q3"}, {"note_id": "n1", "title": "Q3"})
    task = _task([found, made], ["x"])
    assert closing_message(task, (0,), {0: found.output}, last_turn=False) == 'I found 1 note: "Roadmap Kickoff".'
