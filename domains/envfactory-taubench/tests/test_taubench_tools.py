"""The fourteen airline tools on a small state made here: outputs, refusals, and what they change."""

from __future__ import annotations

from typing import Any

import pytest
from envfactory_taubench.environment import TOOLS
from envfactory_taubench.lookup_tools import AIRPORTS
from envfactory_taubench.replay import benchmark_text

from envfactory_core.env import Episode

USER = "ada_lovelace_1815"
ADA = {"first_name": "Ada", "last_name": "Lovelace", "dob": "1815-12-10"}
CHARLES = {"first_name": "Charles", "last_name": "Babbage", "dob": "1791-12-26"}


def booking(**changes: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "user_id": USER,
        "origin": "JFK",
        "destination": "SEA",
        "flight_type": "one_way",
        "cabin": "economy",
        "flights": [
            {"flight_number": "HAT001", "date": "2024-05-20"},
            {"flight_number": "HAT002", "date": "2024-05-20"},
        ],
        "passengers": [ADA],
        "payment_methods": [{"payment_id": "credit_card_1111111", "amount": 180}],
        "total_baggages": 0,
        "nonfree_baggages": 0,
        "insurance": "no",
    }
    arguments.update(changes)
    return arguments


def error_text(episode: Episode, tool: str, arguments: dict[str, Any]) -> str:
    before = episode.state_hash()
    result = episode.call(tool, arguments)
    assert not result.ok, f"{tool} should have refused, gave {result.output!r}"
    assert episode.state_hash() == before, "a refused call must leave the state as it was"
    return benchmark_text(result)


def test_the_environment_has_the_fourteen_tools_with_their_effects(small_environment):
    spec = small_environment.spec
    assert len(spec.tools) == 14
    writes = {tool.name for tool in spec.write_tools}
    assert writes == {
        "book_reservation",
        "cancel_reservation",
        "update_reservation_flights",
        "update_reservation_baggages",
        "update_reservation_passengers",
        "send_certificate",
    }
    assert {tool.name for tool in spec.tools} == {function.__name__ for function, _ in TOOLS}
    assert spec.evaluation_only is True
    assert spec.overlaps == ("tau-bench airline",)
    assert spec.now == "2024-05-15T15:00:00-05:00"
    assert "MIT" in spec.provenance.license
    assert "7362a1708d720a4d697d042f21fd8637ea144c3b" in spec.provenance.notes


def test_gold_argument_names_are_the_tool_parameters(small_environment):
    spec = small_environment.spec
    book = spec.tool("book_reservation")
    assert set(book.required) == {
        "user_id", "origin", "destination", "flight_type", "cabin", "flights", "passengers",
        "payment_methods", "total_baggages", "nonfree_baggages", "insurance",
    }  # fmt: skip
    assert set(spec.tool("update_reservation_flights").required) == {"reservation_id", "cabin", "flights", "payment_id"}
    assert set(spec.tool("send_certificate").required) == {"user_id", "amount"}
    assert spec.tool("list_all_airports").required == ()


def test_get_user_details_returns_the_record_without_its_key(episode):
    result = episode.call("get_user_details", {"user_id": USER})
    assert result.ok
    assert "user_id" not in result.output
    assert result.output["membership"] == "gold"
    assert list(result.output) == [
        "name",
        "address",
        "email",
        "dob",
        "payment_methods",
        "saved_passengers",
        "membership",
        "reservations",
    ]
    assert error_text(episode, "get_user_details", {"user_id": "nobody_1"}) == "Error: user not found"


def test_get_reservation_details_and_missing_reservation(episode):
    result = episode.call("get_reservation_details", {"reservation_id": "ABC123"})
    assert result.ok
    assert result.output["payment_history"] == [{"payment_id": "gift_card_2222222", "amount": 280}]
    assert "status" not in result.output
    assert (
        error_text(episode, "get_reservation_details", {"reservation_id": "ZZZ999"}) == "Error: reservation not found"
    )


def test_list_all_airports(episode):
    result = episode.call("list_all_airports", {})
    assert result.output == AIRPORTS
    assert len(AIRPORTS) == 20


def test_search_direct_flight_lists_only_bookable_flights_with_that_days_figures(episode):
    result = episode.call("search_direct_flight", {"origin": "JFK", "destination": "SEA", "date": "2024-05-20"})
    assert result.output == [
        {
            "flight_number": "HAT003",
            "origin": "JFK",
            "destination": "SEA",
            "scheduled_departure_time_est": "12:00:00",
            "scheduled_arrival_time_est": "18:00:00",
            "status": "available",
            "available_seats": {"basic_economy": 3, "economy": 3, "business": 3},
            "prices": {"basic_economy": 90, "economy": 150, "business": 600},
        }
    ]
    landed = episode.call("search_direct_flight", {"origin": "JFK", "destination": "ATL", "date": "2024-05-10"})
    cancelled = episode.call("search_direct_flight", {"origin": "JFK", "destination": "ATL", "date": "2024-05-21"})
    assert landed.output == []
    assert cancelled.output == []


def test_search_onestop_flight_connects_only_after_landing(episode):
    result = episode.call("search_onestop_flight", {"origin": "JFK", "destination": "SEA", "date": "2024-05-20"})
    assert result.ok
    pairs = [(first["flight_number"], second["flight_number"]) for first, second in result.output]
    # HAT004 leaves ATL at 08:00, before HAT001 lands at 09:30: no connection.
    assert pairs == [("HAT001", "HAT002")]
    first, second = result.output[0]
    assert first["date"] == "2024-05-20"
    assert second["date"] == "2024-05-20"
    assert "dates" not in first


def test_book_reservation_creates_hathat_and_charges_the_payment(episode):
    result = episode.call("book_reservation", booking())
    assert result.ok, result.error
    reservation = result.output
    assert reservation["reservation_id"] == "HATHAT"
    assert reservation["created_at"] == "2024-05-15T15:00:00"
    assert reservation["flights"] == [
        {"flight_number": "HAT001", "date": "2024-05-20", "price": 100, "origin": "JFK", "destination": "ATL"},
        {"flight_number": "HAT002", "date": "2024-05-20", "price": 80, "origin": "ATL", "destination": "SEA"},
    ]
    assert "status" not in reservation
    user = episode.call("get_user_details", {"user_id": USER}).output
    assert user["reservations"] == ["ABC123", "HATHAT"]
    again = episode.call("book_reservation", booking())
    assert again.output["reservation_id"] == "HATHAU"
    third = episode.call("book_reservation", booking())
    assert third.output["reservation_id"] == "HATHAV"


def test_book_reservation_prices_insurance_and_bags(episode):
    arguments = booking(
        passengers=[ADA, CHARLES],
        insurance="yes",
        nonfree_baggages=2,
        payment_methods=[{"payment_id": "credit_card_1111111", "amount": 2 * 180 + 2 * 30 + 2 * 50}],
    )
    assert episode.call("book_reservation", arguments).ok


def test_book_reservation_spends_gift_cards_and_uses_up_certificates(episode):
    result = episode.call(
        "book_reservation",
        booking(
            payment_methods=[
                {"payment_id": "certificate_3333333", "amount": 30},
                {"payment_id": "gift_card_2222222", "amount": 150},
            ]
        ),
    )
    assert result.ok, result.error
    methods = episode.table("users").get(USER)["payment_methods"]
    assert "certificate_3333333" not in methods  # the remaining 70 are not refundable
    assert methods["gift_card_2222222"]["amount"] == 50
    assert list(methods) == ["credit_card_1111111", "gift_card_2222222"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"payment_methods": [{"payment_id": "credit_card_1111111", "amount": 100}]},
            "Error: payment amount does not add up, total price is 180, but paid 100",
        ),
        (
            {"payment_methods": [{"payment_id": "gift_card_2222222", "amount": 250}]},
            "Error: not enough balance in payment method gift_card_2222222",
        ),
        (
            {"payment_methods": [{"payment_id": "credit_card_9", "amount": 180}]},
            "Error: payment method credit_card_9 not found",
        ),
        ({"passengers": [ADA, CHARLES, ADA], "cabin": "business"}, "Error: not enough seats on flight HAT001"),
        (
            {"flights": [{"flight_number": "HAT001", "date": "2024-05-21"}]},
            "Error: flight HAT001 not available on date 2024-05-21",
        ),
        (
            {"flights": [{"flight_number": "HAT001", "date": "2024-06-01"}]},
            "Error: flight HAT001 not found on date 2024-06-01",
        ),
        ({"flights": [{"flight_number": "HAT999", "date": "2024-05-20"}]}, "Error: flight HAT999 not found"),
        ({"user_id": "nobody_1"}, "Error: user not found"),
    ],
)
def test_book_reservation_refusals(episode, changes, message):
    assert error_text(episode, "book_reservation", booking(**changes)) == message


def test_book_reservation_checks_argument_types_before_running(episode):
    result = episode.call("book_reservation", booking(cabin="first"))
    assert not result.ok
    assert result.error.kind == "invalid_arguments"
    assert result.error.argument == "cabin"


def test_cancel_reservation_refunds_every_payment_in_the_history(episode):
    result = episode.call("cancel_reservation", {"reservation_id": "ABC123"})
    assert result.ok
    assert result.output["status"] == "cancelled"
    assert result.output["payment_history"] == [
        {"payment_id": "gift_card_2222222", "amount": 280},
        {"payment_id": "gift_card_2222222", "amount": -280},
    ]
    # The refund is a record in the history; the gift card's balance is not credited.
    assert episode.table("users").get(USER)["payment_methods"]["gift_card_2222222"]["amount"] == 200
    assert error_text(episode, "cancel_reservation", {"reservation_id": "NOPE00"}) == "Error: reservation not found"


def test_update_reservation_flights_reprices_but_keeps_the_cabin_field(episode):
    result = episode.call(
        "update_reservation_flights",
        {
            "reservation_id": "ABC123",
            "cabin": "business",
            "flights": [{"flight_number": "HAT003", "date": "2024-05-22"}],
            "payment_id": "credit_card_1111111",
        },
    )
    assert result.ok, result.error
    assert result.output["cabin"] == "economy"
    assert result.output["flights"] == [
        {"flight_number": "HAT003", "date": "2024-05-22", "price": 650, "origin": "JFK", "destination": "SEA"}
    ]
    assert result.output["payment_history"][-1] == {"payment_id": "credit_card_1111111", "amount": (650 - 140) * 2}


def test_update_reservation_flights_keeps_the_price_of_a_kept_flight(episode):
    result = episode.call(
        "update_reservation_flights",
        {
            "reservation_id": "ABC123",
            "cabin": "economy",
            "flights": [{"flight_number": "HAT003", "date": "2024-05-20"}],
            "payment_id": "gift_card_2222222",
        },
    )
    assert result.ok
    assert result.output["flights"][0]["price"] == 140  # not today's 150
    assert len(result.output["payment_history"]) == 1  # nothing to pay, nothing logged


def test_update_reservation_flights_refunds_to_a_gift_card(episode):
    result = episode.call(
        "update_reservation_flights",
        {
            "reservation_id": "ABC123",
            "cabin": "basic_economy",
            "flights": [{"flight_number": "HAT003", "date": "2024-05-20"}],
            "payment_id": "gift_card_2222222",
        },
    )
    assert result.ok
    assert result.output["payment_history"][-1] == {"payment_id": "gift_card_2222222", "amount": (90 - 140) * 2}
    assert episode.table("users").get(USER)["payment_methods"]["gift_card_2222222"]["amount"] == 200 + 100


@pytest.mark.parametrize(
    ("payment_id", "message"),
    [
        ("certificate_3333333", "Error: certificate cannot be used to update reservation"),
        ("credit_card_0000000", "Error: payment method not found"),
        ("gift_card_2222222", "Error: gift card balance is not enough"),
    ],
)
def test_update_reservation_flights_payment_refusals(episode, payment_id, message):
    arguments = {
        "reservation_id": "ABC123",
        "cabin": "business",
        "flights": [{"flight_number": "HAT003", "date": "2024-05-22"}],
        "payment_id": payment_id,
    }
    assert error_text(episode, "update_reservation_flights", arguments) == message


def test_update_reservation_baggages_charges_added_paid_bags(episode):
    result = episode.call(
        "update_reservation_baggages",
        {"reservation_id": "ABC123", "total_baggages": 4, "nonfree_baggages": 2, "payment_id": "gift_card_2222222"},
    )
    assert result.ok
    assert result.output["total_baggages"] == 4
    assert result.output["payment_history"][-1] == {"payment_id": "gift_card_2222222", "amount": 100}
    assert episode.table("users").get(USER)["payment_methods"]["gift_card_2222222"]["amount"] == 100


def test_update_reservation_passengers_keeps_the_count(episode):
    renamed = [ADA, {"first_name": "Charles", "last_name": "Babbage", "dob": "1791-12-27"}]
    result = episode.call("update_reservation_passengers", {"reservation_id": "ABC123", "passengers": renamed})
    assert result.ok
    assert result.output["passengers"] == renamed
    message = error_text(episode, "update_reservation_passengers", {"reservation_id": "ABC123", "passengers": [ADA]})
    assert message == "Error: number of passengers does not match"


def test_send_certificate_numbers_certificates_from_3221322(episode):
    first = episode.call("send_certificate", {"user_id": USER, "amount": 150})
    assert first.output == f"Certificate certificate_3221322 added to user {USER} with amount 150."
    second = episode.call("send_certificate", {"user_id": USER, "amount": 50.0})
    assert second.output == f"Certificate certificate_3221323 added to user {USER} with amount 50.0."
    methods = episode.table("users").get(USER)["payment_methods"]
    assert methods["certificate_3221322"] == {"source": "certificate", "amount": 150, "id": "certificate_3221322"}
    assert type(methods["certificate_3221323"]["amount"]) is float  # the type given is the type kept


def test_assist_tools(episode):
    before = episode.state_hash()
    assert episode.call("calculate", {"expression": "(350 - 122) * 2"}).output == 456.0
    assert benchmark_text(episode.call("calculate", {"expression": "152 + 103"})) == "255.0"
    assert benchmark_text(episode.call("calculate", {"expression": "1 / 0"})) == "Error: division by zero"
    assert not episode.call("calculate", {"expression": "__import__('os')"}).ok
    assert episode.call("think", {"thought": "the user is gold"}).output == ""
    assert episode.call("transfer_to_human_agents", {"summary": "needs a human"}).output == "Transfer successful"
    assert episode.state_hash() == before
