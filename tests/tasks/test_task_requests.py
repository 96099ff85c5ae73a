"""Requests: the template states every value, the implicit refiner drops only derivable ones, solvability is strict."""

from __future__ import annotations

import random
import re
from datetime import date, datetime, timedelta

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from envfactory_core.models import Binding, GoldCall, Task, ToolCall, ToolChain, Turn
from envfactory_core.tasks import (
    ImplicitRefiner,
    MemoryStates,
    TaskContext,
    TemplateWriter,
    identifier_count,
    solvability_problems,
)
from envfactory_core.tasks.phrasing import opener
from envfactory_core.tasks.requests import with_requests
from envfactory_core.tasks.values import stated_in, text_forms

from .example_world import ENVIRONMENTS, chain_for
from .example_world import ground as ground_chain

SEEDS = st.integers(0, 100_000)
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def ground(seed: int, chain: ToolChain | None = None) -> tuple[Task | None, TaskContext]:
    states = MemoryStates()
    result = ground_chain(chain or chain_for(seed), seed, states)
    return result.task, TaskContext(environments=ENVIRONMENTS, states=states)


def grounded(seed: int, chain: ToolChain | None = None) -> tuple[Task, TaskContext]:
    """A grounded task (inside a property test: seeds whose chain cannot be grounded are skipped)."""
    task, context = ground(seed, chain)
    assume(task is not None)
    assert task is not None
    return task, context


def grounded_example(seed: int, chain: ToolChain) -> tuple[Task, TaskContext]:
    """A grounded task for a chain that always grounds (outside property tests)."""
    task, context = ground(seed, chain)
    assert task is not None
    return task, context


def written(seed: int) -> tuple[Task, Task]:
    """The template-written task and its implicit refinement."""
    task, context = grounded(seed)
    raw = TemplateWriter().write(task, context)
    return raw, ImplicitRefiner().refine(raw, context)


def text_up_to(task: Task, call_index: int, *, raw: bool) -> str:
    """The requests of every turn up to and including the one that makes gold call ``call_index``."""
    texts = []
    for turn in task.turns:
        texts.append(turn.raw_request if raw else turn.request)
        if call_index in turn.calls:
            break
    return "\n".join(texts)


def stated_values(task: Task, sources: tuple[str, ...]) -> list[tuple[int, GoldCall, str]]:
    return [
        (index, gold, name)
        for index, gold in enumerate(task.gold_calls)
        for name in gold.call.arguments
        if gold.sources.get(name) in sources and name not in gold.masked_arguments
    ]


# --- the template writer -------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(seed=SEEDS)
def test_the_template_writer_states_every_user_and_state_value_in_the_turn_that_needs_it(seed: int) -> None:
    raw, _ = written(seed)
    for index, gold, name in stated_values(raw, ("user", "state")):
        turn = next(turn for turn in raw.turns if index in turn.calls)
        value = gold.call.arguments[name]
        assert stated_in(value, turn.raw_request), (name, value, turn.raw_request)
        if isinstance(value, str):
            assert value.lower() in turn.raw_request.lower()
    assert all(turn.request == turn.raw_request and turn.request for turn in raw.turns)
    assert solvability_problems(raw) == []


@settings(max_examples=20, deadline=None)
@given(seed=SEEDS)
def test_writing_and_refining_the_same_task_twice_gives_the_same_words(seed: int) -> None:
    task, context = grounded(seed)
    first = TemplateWriter().write(task, context)
    assert TemplateWriter().write(task, context) == first
    assert ImplicitRefiner().refine(first, context) == ImplicitRefiner().refine(first, context)


def test_seeded_openers_are_reproducible_and_vary_with_the_seed() -> None:
    phrase = "cancel a placed order"
    openings = [opener(random.Random(seed), phrase) for seed in range(20)]
    assert openings == [opener(random.Random(seed), phrase) for seed in range(20)]
    assert len(set(openings)) > 1
    assert all(phrase in opening for opening in openings)
    assert all(opener(random.Random(seed), phrase, question=True).endswith("?") for seed in range(10))
    assert all(opener(random.Random(seed), phrase, question=False).endswith(".") for seed in range(10))


def test_the_same_tool_is_asked_for_in_more_than_one_wording_across_seeds() -> None:
    chain = ToolChain(tools=("bookshop__find_customer",))
    wordings = set()
    for seed in range(12):
        task, context = grounded_example(seed, chain)
        email = task.gold_calls[0].call.arguments["email"]
        request = TemplateWriter().write(task, context).turns[0].request
        assert isinstance(email, str)
        assert email in request
        wordings.add(request.replace(email, "EMAIL"))
    assert len(wordings) > 1


# --- the implicit refiner ------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(seed=SEEDS)
def test_the_refined_request_never_states_more_identifiers_than_the_raw_one(seed: int) -> None:
    _, refined = written(seed)
    assert identifier_count(refined, raw=False) <= identifier_count(refined, raw=True)


@settings(max_examples=40, deadline=None)
@given(seed=SEEDS)
def test_the_refined_request_keeps_every_value_only_the_user_knows(seed: int) -> None:
    raw, refined = written(seed)
    for index, gold, name in stated_values(refined, ("user",)):
        value = gold.call.arguments[name]
        assert stated_in(value, text_up_to(refined, index, raw=False)), (name, value, refined.request)
    assert [turn.raw_request for turn in refined.turns] == [turn.request for turn in raw.turns]


@settings(max_examples=60, deadline=None)
@given(seed=SEEDS)
def test_refined_tasks_are_solvable(seed: int) -> None:
    _, refined = written(seed)
    assert solvability_problems(refined) == [], refined.request


def test_the_refiner_drops_an_identifier_an_earlier_output_gives() -> None:
    # find_customer gives the customer's id, so the refined request need not state it to list the orders
    chain = ToolChain(
        tools=("bookshop__find_customer", "bookshop__list_orders"),
        bindings=(Binding(source_step=0, source_field="customer_id", target_step=1, target_argument="customer_id"),),
    )
    task, context = grounded_example(1, chain)
    raw = TemplateWriter().write(task, context)
    refined = ImplicitRefiner().refine(raw, context)
    customer = task.gold_calls[1].call.arguments["customer_id"]
    assert task.gold_calls[1].sources["customer_id"] == "binding"
    assert stated_in(customer, raw.request)
    assert not stated_in(customer, refined.request)
    assert stated_in(task.gold_calls[0].call.arguments["email"], refined.request)
    assert identifier_count(refined, raw=False) < identifier_count(refined, raw=True)
    assert solvability_problems(refined) == []


# --- the solvability check -----------------------------------------------------------------------


def without(value: object, text: str) -> str:
    """``text`` with every way of writing ``value`` replaced."""
    for form in sorted(text_forms(value), key=len, reverse=True):
        text = re.sub(re.escape(form), "[removed]", text, flags=re.IGNORECASE)
    return text


@settings(max_examples=40, deadline=None)
@given(seed=SEEDS, pick=st.integers(0, 100))
def test_a_request_missing_a_needed_value_is_unsolvable_naming_the_call_and_argument(seed: int, pick: int) -> None:
    _, refined = written(seed)
    needed = [
        (index, gold, name)
        for index, gold, name in stated_values(refined, ("user", "state"))
        if isinstance(gold.call.arguments[name], (str, int, float))
    ]
    assume(needed)
    index, gold, name = needed[pick % len(needed)]
    value = gold.call.arguments[name]
    requests = [without(value, turn.request) for turn in refined.turns]
    assume(not stated_in(value, "\n".join(requests)))
    problems = solvability_problems(with_requests(refined, requests))
    naming = [p for p in problems if f"call {index} ({gold.call.qualified_name}), argument {name!r}" in p]
    assert naming, problems
    assert "not stated" in naming[0]


def test_a_bound_value_the_earlier_output_does_not_hold_is_reported() -> None:
    chain = ToolChain(
        tools=("bookshop__find_customer", "bookshop__list_orders"),
        bindings=(Binding(source_step=0, source_field="customer_id", target_step=1, target_argument="customer_id"),),
    )
    task, context = grounded_example(1, chain)
    refined = ImplicitRefiner().refine(TemplateWriter().write(task, context), context)
    lookup = refined.gold_calls[0]
    doctored = refined.with_changes(
        gold_calls=(attrs.evolve(lookup, output={**lookup.output, "customer_id": "cus_9999"}), refined.gold_calls[1])
    )
    problems = solvability_problems(doctored)
    assert any("call 1 (bookshop__list_orders), argument 'customer_id'" in p and "call 0" in p for p in problems)


def test_a_bound_list_is_found_whole_in_the_output_it_came_from() -> None:
    # create_note returns the note's tags as a list; tag_note takes that very list
    create = GoldCall(
        call=ToolCall(environment="notes", tool="create_note", arguments={"title": "Plans", "tags": ["home", "work"]}),
        output={"note_id": "note_1", "title": "Plans", "tags": ["home", "work"]},
        effect="write",
        sources={"title": "user", "tags": "user"},
    )
    tag = GoldCall(
        call=ToolCall(environment="notes", tool="tag_note", arguments={"note_id": "note_1", "tags": ["home", "work"]}),
        output={"note_id": "note_1", "tags": ["home", "work"]},
        effect="write",
        sources={"note_id": "binding", "tags": "binding"},
        bindings={"note_id": "0:note_id", "tags": "0:tags"},
    )
    task = Task(
        environments=("notes",),
        gold_calls=(create, tag),
        turns=(Turn(request="Create a note titled Plans, tagged home and work, then tag it the same.", calls=(0, 1)),),
        initial_state_id="initial",
        gold_state_id="gold",
    )
    assert solvability_problems(task) == []
    moved = attrs.evolve(tag, bindings={"note_id": "0:note_id", "tags": "0:title"})
    assert any("argument 'tags'" in p for p in solvability_problems(task.with_changes(gold_calls=(create, moved))))


def test_identifier_count_counts_stated_identifiers_and_ignores_masked_arguments() -> None:
    gold = GoldCall(
        call=ToolCall(environment="notes", tool="get_note", arguments={"note_id": "note_00a1", "limit": 10}),
        effect="read",
        masked_arguments=("limit",),
        sources={"note_id": "state", "limit": "default"},
    )
    task = Task(
        environments=("notes",),
        gold_calls=(gold,),
        turns=(Turn(request="Show me my latest note.", raw_request="Get note note_00a1, limit 10.", calls=(0,)),),
        initial_state_id="initial",
        gold_state_id="initial",
        kind="read",
    )
    assert identifier_count(task, raw=True) == 1
    assert identifier_count(task, raw=False) == 0


# --- stated_in: case, number and date formats -----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("Tidewater", "the book TIDEWATER, please"),
        ("alpha  blue", "tagged alpha\nblue"),
        (12, "a quantity of 12."),
        (12, "a total of 12.00"),
        (12, "a total of 12.0"),
        (12.0, "a total of 12"),
        (12.0, "a total of 12.00"),
        (12.5, "a total of 12.50"),
        (1234, "a total of 1,234"),
        (1234.0, "a total of 1,234.00"),
        (3, "pages 1-3"),
        (-3, "a change of -3"),
        (-3.5, "a change of -3.50"),
        (True, "pinned: yes"),
        ("2025-03-04", "on 2025-03-04"),
        ("2025-03-04", "on March 4, 2025"),
        ("2025-03-04", "on 4 March 2025"),
        ("2025-03-04", "on march 4"),
        ("2025-03-04", "on march 4, please"),
        ("2025-03-14T10:00:00+00:00", "on March 14 at 10:00 AM"),
        ("2025-03-14T10:00:00+00:00", "on 14 March 2025 10:00"),
        (["home", "work"], "tags home and work"),
        ({"city": "Lisbon", "zip": None}, "in Lisbon"),
        (None, "anything"),
    ],
)
def test_a_value_is_stated_however_a_person_writes_it(value: object, text: str) -> None:
    assert stated_in(value, text)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (12, "item 112"),
        (12, "item 120"),
        (12, "a total of 12.5"),
        (12.5, "a total of 12.55"),
        (3, "a change of -3"),
        (3, "-3 degrees"),
        (3.5, "a change of -3.50"),
        (-3, "pages 1-3"),
        ("2025-03-01", "on March 14, 2025"),
        ("2025-03-04", "on March 4, 2024"),
        ("2025-03-04", "on 4 March 2024"),
        ("2025-03-14T10:00:00+00:00", "on March 14 at 11:00 AM"),
        ("note_1", "see note_12"),
        ("cat", "the category"),
        (["home", "work"], "tags home only"),
        (False, "pinned: yes"),
    ],
)
def test_a_value_is_not_stated_by_a_different_one_that_looks_alike(value: object, text: str) -> None:
    assert not stated_in(value, text)


@given(value=st.integers(0, 10**9), other=st.integers(0, 10**9))
def test_a_whole_number_is_stated_only_by_itself_in_any_of_its_formats(value: int, other: int) -> None:
    for text in (f"{value}", f"{value:,}", f"{value:.2f}", f"{value:,.2f}"):
        assert stated_in(value, f"the amount is {text}.")
        assert stated_in(float(value), f"the amount is {text}.")
    assert stated_in(value, f"the amount is {other}.") == (value == other)


@given(cents=st.integers(1, 10**7).filter(lambda cents: cents % 100))
def test_an_amount_with_cents_is_stated_with_two_decimals_but_not_by_its_whole_part(cents: int) -> None:
    amount = cents / 100
    assert stated_in(amount, f"charge {amount:.2f} today")
    assert not stated_in(amount, f"charge {cents // 100} today")
    assert not stated_in(amount, f"charge {(cents + 1) / 100:.2f} today")


@given(day=st.dates(date(2000, 1, 1), date(2040, 12, 31)), shift=st.integers(1, 300))
def test_a_date_is_stated_in_iso_or_in_words_and_not_by_another_day(day: date, shift: int) -> None:
    month = MONTHS[day.month - 1]
    for text in (day.isoformat(), f"{month} {day.day}, {day.year}", f"{day.day} {month} {day.year}"):
        assert stated_in(day.isoformat(), f"on {text}, please")
    other = day + timedelta(days=shift)
    assume((other.month, other.day) != (day.month, day.day))
    assert not stated_in(day.isoformat(), f"on {MONTHS[other.month - 1]} {other.day}, {other.year}, please")


@given(
    moment=st.datetimes(datetime(2000, 1, 1), datetime(2040, 12, 31)).map(lambda m: m.replace(second=0, microsecond=0))
)
def test_a_time_is_stated_on_the_twelve_or_twenty_four_hour_clock(moment: datetime) -> None:
    month = MONTHS[moment.month - 1]
    twelve = moment.strftime("%I:%M %p").lstrip("0")
    assert stated_in(moment.isoformat(), f"{month} {moment.day} at {twelve}")
    assert stated_in(moment.isoformat(), f"{moment.day} {month} {moment.year} {moment:%H:%M}")
    later = moment + timedelta(hours=1)
    assert not stated_in(moment.isoformat(), f"{month} {moment.day} at {later:%H:%M}")
