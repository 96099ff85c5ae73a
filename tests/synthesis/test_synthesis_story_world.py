"""llm/story and llm/seed_state with the scripted fake: good answers, malformed ones retried with the
problem, answers that never validate dropped with the reason, states that do not load, references
across environments."""

from __future__ import annotations

import json
from typing import TypedDict

import pytest
from envfactory_testing.fake_llm import ScriptedLLM

from envfactory_core.env import Context, Environment, table
from envfactory_core.models import ToolChain
from envfactory_core.synthesis import LLMSeedState, LLMStory, reference_problems
from envfactory_core.synthesis.render import rows_by_table
from envfactory_core.tasks import Grounder, MemoryStates
from envfactory_core.tasks.context import DropTask, TaskContext

from .conftest import ENVIRONMENTS, MODEL

STORY = (
    "Maya Okafor, 34, is a librarian in Leeds who is organised and curious. This week she is rebuilding the "
    "school's reading list and keeping notes for Friday's staff meeting, so she wants everything in order."
)
CHAIN = ToolChain(tools=("notes__search_notes", "notes__tag_note"))


def context(fake: ScriptedLLM, environments: dict[str, Environment] | None = None, story: str = "") -> TaskContext:
    ctx = TaskContext(environments=environments or ENVIRONMENTS, states=MemoryStates(), llm=fake.client(), seed=11)
    ctx.story = story
    return ctx


def last_user(fake: ScriptedLLM, request: int) -> str:
    return fake.requests[request].messages[-1].content


# --- llm/story ---------------------------------------------------------------------------------------


def test_story_good_answer_is_returned_and_accounted_to_the_story_stage(fake_llm: ScriptedLLM) -> None:
    fake_llm.reply(f"Sure.\n<story>{STORY}</story>")
    ctx = context(fake_llm)
    assert LLMStory(model=MODEL).tell(CHAIN, ctx) == STORY
    assert [record.stage for record in ctx.llm.records] == ["story"]
    prompt = fake_llm.requests[0].messages[1].content
    assert "search_notes" not in prompt  # the planner sees what the person needs, never tool names
    assert "notes:" in prompt


def test_story_malformed_answer_is_retried_with_the_problem(fake_llm: ScriptedLLM) -> None:
    fake_llm.reply("<tale>wrong tag</tale>").reply(f"<story>{STORY} She first calls notes__tag_note.</story>").reply(
        f"<story>{STORY}</story>"
    )
    assert LLMStory(model=MODEL).tell(CHAIN, context(fake_llm)) == STORY
    assert "no <story>" in last_user(fake_llm, 1)
    assert "names the tool(s) notes__tag_note" in last_user(fake_llm, 2)
    assert fake_llm.requests[2].messages[-2].role == "assistant"  # the failed answer is in the history
    assert len(fake_llm.requests[2].messages) == 4, "only the latest failed answer is sent back"


def test_story_that_never_validates_drops_the_chain_with_the_reason(fake_llm: ScriptedLLM) -> None:
    fake_llm.replies(["<story>too short</story>"] * 2)
    with pytest.raises(DropTask) as dropped:
        LLMStory(model=MODEL, max_attempts=2).tell(CHAIN, context(fake_llm))
    assert dropped.value.code == "story_invalid"
    assert "no usable answer in 2 attempts" in dropped.value.reason
    assert "at least 150" in dropped.value.reason
    assert len(fake_llm.requests) == 2


def test_a_component_without_a_model_says_how_to_set_one(fake_llm: ScriptedLLM) -> None:
    from envfactory_core.errors import ConfigError

    with pytest.raises(ConfigError, match=r"options\.model"):
        LLMStory().tell(CHAIN, context(fake_llm))
    with pytest.raises(ValueError, match="backend/model"):
        LLMStory(model="gpt-4")


# --- llm/seed_state ----------------------------------------------------------------------------------


def notes_state(**changes: object) -> dict[str, list[dict[str, object]]]:
    rows = rows_by_table(ENVIRONMENTS["notes"].initial_state(seed=0))
    rows["notes"] = [dict(row, **changes) for row in rows["notes"]][:5]
    return rows


def test_seed_state_good_answer_loads_and_is_returned_canonical(fake_llm: ScriptedLLM) -> None:
    state = notes_state(body="Reading list for Friday")
    fake_llm.reply(f"<state>{json.dumps(state)}</state>")
    world = LLMSeedState(model=MODEL).initial_state(CHAIN, context(fake_llm, story=STORY), attempt=0)
    assert world is not None
    assert set(world) == {"notes"}
    assert world["notes"] == ENVIRONMENTS["notes"].load_state(state)
    prompt = fake_llm.requests[0].messages[1].content
    assert STORY in prompt
    assert "table notes (primary key: note_id)" in prompt


def test_a_state_that_does_not_load_is_sent_back_with_every_schema_problem(fake_llm: ScriptedLLM) -> None:
    broken = notes_state()
    broken["notes"][0]["pinned"] = "very"  # not a boolean
    broken["folders"] = [{"name": "x"}]  # no such table
    fake_llm.reply(f"<state>{json.dumps(broken)}</state>")
    fake_llm.reply("<state>{not json}</state>")
    fake_llm.reply(f"<state>{json.dumps(notes_state())}</state>")
    world = LLMSeedState(model=MODEL).initial_state(CHAIN, context(fake_llm))
    assert world is not None
    first_problem = last_user(fake_llm, 1)
    assert "does not fit the schema of notes" in first_problem
    assert "state.folders: no such table" in first_problem
    assert "state.notes[0]" in first_problem
    assert "not valid" in last_user(fake_llm, 2)
    assert "line 1 column 2" in last_user(fake_llm, 2)


def test_row_limit_and_empty_states_are_problems(fake_llm: ScriptedLLM) -> None:
    fake_llm.reply(f"<state>{json.dumps(notes_state())}</state>").reply("<state>{}</state>")
    with pytest.raises(DropTask) as dropped:
        LLMSeedState(model=MODEL, max_rows=2, max_attempts=2).initial_state(CHAIN, context(fake_llm))
    assert dropped.value.code == "seed_state_invalid"
    assert "at most 2 rows per table" in last_user(fake_llm, 1)
    assert "the state is empty" in dropped.value.reason


def test_a_state_that_never_loads_drops_the_chain_or_falls_back_to_the_seed(fake_llm: ScriptedLLM) -> None:
    fake_llm.replies(["<state>[]</state>"] * 3)
    with pytest.raises(DropTask) as dropped:
        LLMSeedState(model=MODEL).initial_state(CHAIN, context(fake_llm))
    assert dropped.value.code == "seed_state_invalid"
    assert dropped.value.reason.startswith("notes: state of notes: no usable answer in 3 attempts")
    fake_llm.replies(["<state>[]</state>"] * 3)
    assert LLMSeedState(model=MODEL, fallback_to_seed=True).initial_state(CHAIN, context(fake_llm)) is None


def test_a_grounding_restart_asks_for_a_new_state_not_the_cached_one(fake_llm: ScriptedLLM) -> None:
    fake_llm.reply(f"<state>{json.dumps(notes_state())}</state>").reply(f"<state>{json.dumps(notes_state())}</state>")
    ctx = context(fake_llm)
    component = LLMSeedState(model=MODEL)
    component.initial_state(CHAIN, ctx, attempt=0)
    component.initial_state(CHAIN, ctx, attempt=1)
    assert [request.sample for request in fake_llm.requests] == [0, 1]
    assert [record.cached for record in ctx.llm.records] == [False, False]


def test_grounding_starts_from_the_llm_state(fake_llm: ScriptedLLM) -> None:
    state = notes_state(body="Reading list for Friday")
    fake_llm.reply(f"<state>{json.dumps(state)}</state>")
    ctx = context(fake_llm, story=STORY)
    component = LLMSeedState(model=MODEL)
    chain = ToolChain(tools=("notes__create_note",))
    result = Grounder().ground(
        chain,
        environments=ENVIRONMENTS,
        states=ctx.states,
        seed=3,
        initial_states=lambda restart: component.initial_state(chain, ctx, attempt=restart),
    )
    assert result.task is not None
    assert ctx.states.get(result.task.initial_state_id) == {"notes": ENVIRONMENTS["notes"].load_state(state)}


# --- references across environments ------------------------------------------------------------------


class Invoice(TypedDict):
    """An invoice.

    Args:
        invoice_id: Invoice id.
        customer_id: Who is billed.
        amount: Amount due.
    """

    invoice_id: str
    customer_id: str
    amount: float


crm = Environment(
    name="crm",
    domain="tests",
    description="Customers.",
    tables=[table("customers", primary_key="customer_id", customer_id=str, name=str)],
)
billing = Environment(
    name="billing",
    domain="tests",
    description="Invoices for the CRM's customers.",
    tables=[table("invoices", primary_key="invoice_id", invoice_id=str, customer_id=str, amount=float)],
)


@crm.tool(effect="read")
def get_customer(ctx: Context, customer_id: str) -> dict[str, str]:
    """Get a customer.

    Args:
        customer_id: The customer's id.
    """
    return ctx.table("customers").require(customer_id)  # type: ignore[return-value]


@billing.tool(effect="write")
def bill(ctx: Context, customer_id: str, amount: float) -> Invoice:
    """Bill a customer.

    Args:
        customer_id: Who to bill.
        amount: How much.
    """
    return ctx.table("invoices").insert(  # type: ignore[return-value]
        {"invoice_id": ctx.new_id("inv"), "customer_id": customer_id, "amount": amount}
    )


PAIR = {"crm": crm, "billing": billing}
CUSTOMERS = {"customers": [{"customer_id": "c1", "name": "Maya Okafor"}]}


def test_reference_problems_point_both_ways() -> None:
    customers = crm.load_state(CUSTOMERS)
    invoices = billing.load_state({"invoices": [{"invoice_id": "i1", "customer_id": "c9", "amount": 5.0}]})
    forward = reference_problems("billing", invoices, {"crm": customers}, PAIR)
    assert forward == ["invoices.customer_id = 'c9' refers to crm.customers, which has no such row (it has: c1)"]
    backward = reference_problems("crm", customers, {"billing": invoices}, PAIR)
    assert backward == [
        "the data of billing refers to customers 'c9' (invoices.customer_id); add that row to customers"
    ]
    good = billing.load_state({"invoices": [{"invoice_id": "i1", "customer_id": "c1", "amount": 5.0}]})
    assert reference_problems("billing", good, {"crm": customers}, PAIR) == []


def test_seed_states_are_written_in_order_and_kept_consistent(fake_llm: ScriptedLLM) -> None:
    bad = {"invoices": [{"invoice_id": "i1", "customer_id": "c9", "amount": 5.0}]}
    good = {"invoices": [{"invoice_id": "i1", "customer_id": "c1", "amount": 5.0}]}
    fake_llm.reply(f"<state>{json.dumps(CUSTOMERS)}</state>")
    fake_llm.reply(f"<state>{json.dumps(bad)}</state>").reply(f"<state>{json.dumps(good)}</state>")
    chain = ToolChain(tools=("crm__get_customer", "billing__bill"))
    world = LLMSeedState(model=MODEL).initial_state(chain, context(fake_llm, PAIR))
    assert world is not None
    assert list(world) == ["crm", "billing"]
    assert "Maya Okafor" in fake_llm.requests[1].messages[1].content  # the crm state is shown to the billing prompt
    assert "refers to crm.customers, which has no such row" in last_user(fake_llm, 2)
    assert world["billing"]["invoices"]["i1"]["customer_id"] == "c1"
