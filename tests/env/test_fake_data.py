"""The seed-data tables are package data files, and the draws over them give the same values as always."""

from __future__ import annotations

import hashlib
import json
import random
from importlib import resources

import attrs
import pytest

from envfactory_core.env import fake

TABLES = {
    "first_names": fake.FIRST_NAMES,
    "last_names": fake.LAST_NAMES,
    "email_domains": fake.EMAIL_DOMAINS,
    "streets": fake.STREETS,
    "companies": fake.COMPANIES,
    "sentence_subjects": fake.SENTENCE_SUBJECTS,
    "sentence_predicates": fake.SENTENCE_PREDICATES,
    "title_words": fake.TITLE_WORDS,
}


def _file(name: str) -> object:
    text = resources.files("envfactory_core.env").joinpath("data", f"{name}.json").read_text("utf-8")
    return json.loads(text)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_each_word_table_is_its_data_file_in_order(name: str) -> None:
    assert isinstance(TABLES[name], tuple)
    assert list(TABLES[name]) == _file(name)
    assert len(set(TABLES[name])) == len(TABLES[name]), f"{name} repeats an entry"


def test_cities_and_calling_codes_are_data_files() -> None:
    assert [attrs.asdict(city) for city in fake.CITIES] == _file("cities")
    assert _file("calling_codes") == fake.CALLING_CODES
    assert {city.country_code for city in fake.CITIES} <= set(fake.CALLING_CODES)


def test_people_drawn_from_the_tables_are_the_same_as_ever() -> None:
    people = [attrs.asdict(person) for person in fake.people(random.Random(7), 60)]
    digest = hashlib.sha256(json.dumps(people, sort_keys=True).encode()).hexdigest()
    assert digest == "51ff5ba92c317378816a27e3b2fa773504575bbbe10918af2c01a311af147ad9"
    assert fake.company(random.Random(3)) == "Brightline Studio"
    assert fake.street_address(random.Random(3)) == "61 Queen Street"
    assert fake.sentence(random.Random(3)) == "This order will be discussed at the next meeting."
    assert fake.title_words(random.Random(3)) == "Retrospective Roadmap"


def test_a_phone_number_has_the_calling_code_and_the_shape_s_groups() -> None:
    venue = fake.PhoneShape(
        groups=((10, 99), (1000, 9999), (1000, 9999)), north_american=((201, 989), (200, 999), (1000, 9999))
    )
    assert fake.phone(random.Random(1), "DE") == "+49 337 682 2033"
    assert fake.phone(random.Random(1)) == "+1 337 682 2033"
    assert fake.phone(random.Random(1), "IT", venue) == "+39 27 2033 5179"
    assert fake.phone(random.Random(1), "CA", venue) == "+1 338 782 2033"
    assert fake.phone(random.Random(1), "XX", venue) == "+1 338 782 2033"


def test_a_person_s_number_has_a_local_code_only_in_the_shape_s_countries() -> None:
    assert fake.phone(random.Random(1), "IT").startswith("+1 ")
    assert fake.phone(random.Random(1), "IT", attrs.evolve(fake.PERSON_PHONE, countries=None)).startswith("+39 ")
