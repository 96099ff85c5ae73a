"""Bad input never crashes an episode: every problem is a structured error and the state is unchanged."""

from __future__ import annotations

import pytest

from envfactory_core.env import Episode
from envfactory_core.env.examples import bookshop


@pytest.fixture
def episode() -> Episode:
    return bookshop.episode(seed=0)


def _customer(episode: Episode) -> str:
    return str(episode.table("customers").all()[0]["customer_id"])


@pytest.mark.parametrize(
    ("tool", "arguments", "kind", "argument", "fragment"),
    [
        ("no_such_tool", {}, "unknown_tool", "", "no tool 'no_such_tool' in bookshop"),
        (
            "place_order",
            {"customer_id": "c", "isbn": 978, "quantity": 1},
            "invalid_arguments",
            "isbn",
            "must be string, got int",
        ),
        (
            "place_order",
            {"customer_id": "c", "isbn": "1", "quantity": "two"},
            "invalid_arguments",
            "quantity",
            "must be integer",
        ),
        ("place_order", {"isbn": "1"}, "invalid_arguments", "customer_id", "missing required argument 'customer_id'"),
        (
            "place_order",
            {"customer_id": "c", "isbn": "1", "colour": "red"},
            "invalid_arguments",
            "colour",
            "unexpected argument 'colour'",
        ),
        ("place_order", {"customer_id": "c", "isbn": "1", "quantity": 0}, "invalid_arguments", "quantity", "minimum"),
        ("place_order", '{"customer_id": "c", ', "invalid_arguments", "", "not valid JSON"),
        ("place_order", ["customer_id"], "invalid_arguments", "", "must be a JSON object, got list"),
        ("place_order", {"customer_id": {1, 2}, "isbn": "1"}, "invalid_arguments", "customer_id", "not JSON"),
        (
            "place_order",
            {"customer_id": float("nan"), "isbn": "1"},
            "invalid_arguments",
            "customer_id",
            "not a finite number",
        ),
        ("search_books", {"query": "x" * 10_000_000}, "invalid_arguments", "query", "10000000 characters long"),
        ("cancel_order", {"order_id": "ord_missing"}, "tool_error", "", "order 'ord_missing' not found"),
    ],
)
def test_bad_calls_give_structured_errors_and_change_nothing(
    episode: Episode, tool: str, arguments: object, kind: str, argument: str, fragment: str
) -> None:
    before = episode.state_hash()
    result = episode.call(tool, arguments)
    assert not result.ok
    assert result.error is not None
    assert result.error.kind == kind
    assert result.error.argument == argument
    assert fragment in result.error.message
    assert episode.state_hash() == before
    assert episode.diff().empty
    # the episode stays usable
    follow_up = episode.call("search_books", {"query": ""})
    assert follow_up.ok


def test_arguments_may_come_as_json_text(episode: Episode) -> None:
    result = episode.call("search_books", '{"query": "", "limit": 2}')
    assert result.ok
    assert len(result.output["books"]) == 2


def test_a_successful_write_is_visible_in_state_and_diff(episode: Episode) -> None:
    book = next(row for row in episode.table("books").all() if row["stock"] >= 2)
    customer = _customer(episode)
    result = episode.call("place_order", {"customer_id": customer, "isbn": book["isbn"], "quantity": 2})
    assert result.ok, result.error
    changes = {(change.table, change.change) for change in episode.diff().changes}
    assert changes == {("books", "changed"), ("orders", "added")}
    stock_change = next(change for change in episode.diff().changes if change.table == "books")
    assert stock_change.fields == ("stock",)
    assert stock_change.after["stock"] == book["stock"] - 2  # type: ignore[index]


def test_a_refused_call_keeps_earlier_writes(episode: Episode) -> None:
    book = next(row for row in episode.table("books").all() if row["stock"] >= 1)
    customer = _customer(episode)
    assert episode.call("place_order", {"customer_id": customer, "isbn": book["isbn"], "quantity": 1}).ok
    after_first = episode.state_hash()
    refused = episode.call("place_order", {"customer_id": customer, "isbn": book["isbn"], "quantity": 99})
    assert not refused.ok
    assert episode.state_hash() == after_first


def test_steps_record_every_call(episode: Episode) -> None:
    episode.call("search_books", {"query": "the"})
    episode.call("nope", {"x": 1})
    assert [step.call.tool for step in episode.steps] == ["search_books", "nope"]
    assert episode.steps[1].result.error is not None


def test_closed_episodes_refuse_calls(episode: Episode) -> None:
    episode.close()
    with pytest.raises(RuntimeError, match="closed"):
        episode.call("search_books", {"query": ""})
