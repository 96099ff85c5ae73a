"""Residents: the same people at the same home addresses in every environment of a world."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from envfactory_core.env import Environment, fake, table

# The national formats postal codes follow, for every country of ``fake.CITIES``.
FORMATS = {
    "US": r"\d{5}",
    "CA": r"[A-Z]\d[A-Z] \d[A-Z]\d",
    "GB": r"[A-Z]{1,2}\d{1,2} \d[A-Z]{2}",
    "IE": r"D0\d [A-Z]\d[A-Z]\d",
    "PT": r"\d{4}-\d{3}",
    "JP": r"\d{3}-\d{4}",
    "NL": r"\d{4} [A-Z]{2}",
    "BR": r"\d{5}-\d{3}",
    "PL": r"\d{2}-\d{3}",
    "GH": r"GA-\d{3}-\d{4}",
    "DE": r"\d{5}",
    "FR": r"\d{5}",
    "ES": r"\d{5}",
    "IT": r"\d{5}",
    "MX": r"\d{5}",
    "KE": r"\d{5}",
    "ZA": r"\d{4,5}",
    "SE": r"\d{5}",
    "KR": r"\d{5}",
    "NO": r"\d{4}",
    "AU": r"\d{4}",
    "NZ": r"\d{4}",
    "IN": r"\d{6}",
    "SG": r"\d{6}",
}


def _environment(name: str) -> Environment:
    return Environment(
        name=name,
        domain="tests",
        description="A stand-in environment.",
        tables=[table("rows", primary_key="id", id=str)],
    )


@pytest.mark.parametrize("seed", [0, 3, 11])
def test_environments_seeded_alike_get_the_same_residents(seed: int) -> None:
    store = fake.residents(_environment("store").seed_context(seed), 8)
    bank = fake.residents(_environment("bank").seed_context(seed), 8)
    assert store == bank
    assert len({resident.person.email for resident in store}) == 8
    other = fake.residents(_environment("store").seed_context(seed + 1), 8)
    assert other != store


@pytest.mark.parametrize(("smaller", "larger"), [(1, 5), (4, 12), (10, 30)])
def test_the_first_residents_do_not_depend_on_how_many_are_drawn(smaller: int, larger: int) -> None:
    context = _environment("store").seed_context(5)
    assert fake.residents(context, larger)[:smaller] == fake.residents(context, smaller)


def test_a_resident_lives_in_their_persons_city() -> None:
    for resident in fake.residents(_environment("store").seed_context(2), 20):
        assert resident.city == resident.person.city.name
        assert resident.country == resident.person.city.country_code
        assert re.fullmatch(r"\d{1,3} [A-Z][A-Za-z ]+", resident.address)


def test_every_city_country_has_a_postal_format() -> None:
    assert {city.country_code for city in fake.CITIES} <= set(FORMATS)


@settings(max_examples=300, deadline=None)
@given(city=st.sampled_from(fake.CITIES), seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_postal_codes_follow_the_national_format_and_the_citys_prefix(city: fake.City, seed: int) -> None:
    code = fake.postal_code(random.Random(seed), city)
    assert re.fullmatch(FORMATS[city.country_code], code), (city.name, code)
    assert code.startswith(city.postal_prefix), (city.name, code)
