"""The shared tool helpers: money rounding, date and time parsing with refusals an agent can act on, ids."""

from __future__ import annotations

import random
import string
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from envfactory_core.env import Context, Environment, SeedContext, ToolError, table
from envfactory_core.env.values import (
    ID_ALPHABET,
    cents,
    check_email,
    digits,
    iso,
    matches,
    money,
    next_int_id,
    page,
    parse_date,
    parse_time,
    require_text,
    seed_id,
    seed_token,
)

# --- money ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [(12.345, None, 12.35), (12.344, "EUR", 12.34), (1999.6, "JPY", 2000.0), (15300.4, "KRW", 15300.0), (3, None, 3.0)],
)
def test_money_rounds_the_way_the_currency_is_written(value: float, currency: str | None, expected: float) -> None:
    assert money(value, currency) == expected


@pytest.mark.parametrize(("value", "currency"), [(-0.001, None), (-0.0, "USD"), (-0.4, "JPY")])
def test_money_never_gives_negative_zero(value: float, currency: str | None) -> None:
    """-0.0 and 0.0 serialize differently, so states holding them would hash differently."""
    assert str(money(value, currency)) == "0.0"


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_money_is_a_whole_number_of_cents_and_idempotent(value: float) -> None:
    rounded = money(value)
    assert abs(rounded - value) <= 0.005 + 1e-6 * abs(value)
    assert money(rounded) == rounded
    assert cents(rounded) / 100 == rounded


def test_cents_compares_sums_exactly() -> None:
    assert cents(0.1) + cents(0.2) == cents(0.3)


# --- dates and times --------------------------------------------------------------------------------------


def test_parse_date_reads_the_ten_character_form() -> None:
    assert parse_date("2025-06-16", "due_date") == date(2025, 6, 16)


@pytest.mark.parametrize("text", ["20250616", "2025-6-16", "2025-06-31", "16/06/2025", "", "2025-06-16T10:00"])
def test_parse_date_refuses_other_forms_naming_the_argument(text: str) -> None:
    with pytest.raises(ToolError) as refused:
        parse_date(text, "due_date", example="2025-10-20")
    assert str(refused.value) == f"due_date {text!r} is not a date; use YYYY-MM-DD, e.g. 2025-10-20"


def test_parse_date_refuses_dates_outside_the_years_given() -> None:
    assert parse_date("2099-01-01", "day", years=(2000, 2100)) == date(2099, 1, 1)
    with pytest.raises(ToolError, match=r"day '1999-12-31' is outside the years 2000-2100"):
        parse_date("1999-12-31", "day", years=(2000, 2100))
    assert parse_date("1999-12-31", "day") == date(1999, 12, 31)


def test_parse_time_needs_an_offset() -> None:
    parsed = parse_time("2025-06-18T15:00:00-05:00", "start_time")
    assert parsed.utcoffset() == timedelta(hours=-5)
    with pytest.raises(ToolError) as refused:
        parse_time("2025-06-18T15:00:00", "start_time", example="2025-06-20T14:00:00+02:00")
    assert "start_time '2025-06-18T15:00:00' has no UTC offset" in str(refused.value)
    assert "e.g. 2025-06-20T14:00:00+02:00" in str(refused.value)


def test_parse_time_refuses_what_is_not_a_time() -> None:
    with pytest.raises(ToolError, match=r"^end_time 'tomorrow' is not an ISO 8601 time; use e\.g\. "):
        parse_time("tomorrow", "end_time")


def test_parse_time_refuses_times_outside_the_years_given() -> None:
    with pytest.raises(ToolError, match="outside the years 2000-2100"):
        parse_time("2101-01-01T00:00:00+00:00", "start_time", years=(2000, 2100))


@settings(max_examples=100, deadline=None)
@given(
    moment=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
    minutes=st.integers(min_value=-14 * 60, max_value=14 * 60),
)
def test_iso_reads_back_with_parse_time(moment: datetime, minutes: int) -> None:
    aware = moment.replace(microsecond=0, tzinfo=timezone(timedelta(minutes=minutes)))
    assert parse_time(iso(aware), "at") == aware
    assert parse_date(iso(aware)[:10], "on") == aware.date()


# --- text -----------------------------------------------------------------------------------------------


def test_require_text_trims_and_limits() -> None:
    assert require_text("  Quarterly review ", "title") == "Quarterly review"
    with pytest.raises(ToolError, match="title must not be blank"):
        require_text("   ", "title")
    with pytest.raises(ToolError, match="title is 6 characters long; the limit is 5"):
        require_text("abcdef", "title", max_length=5)


@pytest.mark.parametrize(
    ("text", "expected"), [("Lena.Vogel@Example.com", "lena.vogel@example.com"), (" a@b.io ", "a@b.io")]
)
def test_check_email_accepts_addresses_and_lowercases(text: str, expected: str) -> None:
    assert check_email(text) == expected


@pytest.mark.parametrize(
    "text", ["lena", "@example.com", "lena@example", "lena@.com", "lena@com.", "a b@c.io", "a@b@c.io"]
)
def test_check_email_refuses_what_is_not_an_address(text: str) -> None:
    with pytest.raises(ToolError, match=r"recipient .* is not an email address; give e\.g\. x@example\.com"):
        check_email(text, "recipient", example="x@example.com")


def test_matches_is_a_case_insensitive_search_over_fields() -> None:
    assert matches("linen", "Stonewashed LINEN apron", None)
    assert matches(None, "anything")
    assert matches("", "anything")
    assert not matches("wool", "linen", 42, None)


def test_page_skips_and_limits() -> None:
    rows = list(range(10))
    assert page(rows, 3, 0) == [0, 1, 2]
    assert page(rows, 3, 8) == [8, 9]
    assert page(rows, 3, 12) == []
    assert page(rows, 3) == [0, 1, 2]
    assert page(tuple(rows), 2, 1) == [1, 2]


# --- ids --------------------------------------------------------------------------------------------------


def test_seed_ids_are_deterministic_and_shaped_like_new_ids() -> None:
    first = [seed_id(random.Random(7), "ord") for _ in range(2)]
    assert first[0] == first[1]
    prefix, _, token = first[0].partition("_")
    assert prefix == "ord"
    assert len(token) == 10
    assert set(token) <= set(ID_ALPHABET)


def test_seed_token_and_digits_draw_from_their_alphabets() -> None:
    rng = random.Random(3)
    assert set(seed_token(rng, 200, "0123456789abcdef")) <= set("0123456789abcdef")
    drawn = digits(rng, 50)
    assert len(drawn) == 50
    assert set(drawn) <= set(string.digits)


def _numbered_environment() -> Environment:
    environment = Environment(
        name="numbered",
        domain="tests",
        description="Rows with integer ids.",
        tables=[table("items", primary_key="item_id", item_id=int, name=str)],
    )

    @environment.tool(effect="read")
    def count_items(ctx: Context) -> dict[str, int]:
        """How many items there are."""
        return {"count": len(ctx.table("items").all())}

    @environment.seed
    def seed(ctx: SeedContext) -> dict[str, list[dict[str, Any]]]:
        return {"items": [{"item_id": number, "name": f"item {number}"} for number in (3, 12, 7)][: ctx.size]}

    return environment


@pytest.mark.parametrize(("size", "floor", "expected"), [(3, 1, 13), (3, 100, 100), (0, 50, 50)])
def test_next_int_id_is_one_more_than_the_largest(size: int, floor: int, expected: int) -> None:
    with _numbered_environment().episode(seed=0, size=size) as episode:
        assert next_int_id(episode.table("items"), "item_id", floor) == expected
