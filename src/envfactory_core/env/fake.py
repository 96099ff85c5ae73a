"""Realistic, deterministic values for seed factories: people, places, companies, dates, money.

Every function takes the ``random.Random`` to draw from, so a seed gives the same values on every
machine. Use ``ctx.shared("people")`` (see :class:`~envfactory_core.env.SeedContext`) to draw the
same people in every environment of a world, so a customer of the store is also a payer at the
payment provider and a recipient of the email service. :func:`residents` does that for you and
gives each person a home address too, the same in every environment seeded alike.

The name, place and word tables are package data (``env/data/*.json``), read once at import;
their order is part of every seeded state.
"""

from __future__ import annotations

import json
import random
import re
from datetime import date, datetime, timedelta
from importlib import resources
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from .environment import SeedContext

__all__ = [
    "CALLING_CODES",
    "CITIES",
    "COMPANIES",
    "FIRST_NAMES",
    "LAST_NAMES",
    "City",
    "PERSON_PHONE",
    "Person",
    "PhoneShape",
    "Resident",
    "amount",
    "choose_weighted",
    "city",
    "company",
    "date_between",
    "datetime_between",
    "people",
    "person",
    "phone",
    "postal_code",
    "residents",
    "sentence",
    "slug",
    "street_address",
    "title_words",
]


def _data(name: str) -> Any:
    """A table shipped in ``env/data/<name>.json``: seed data lives in files, the draws here."""
    return json.loads(resources.files("envfactory_core.env").joinpath("data", f"{name}.json").read_text("utf-8"))


def _words(name: str) -> tuple[str, ...]:
    return tuple(str(word) for word in _data(name))


@attrs.frozen(kw_only=True)
class City:
    name: str
    country: str
    country_code: str
    timezone: str
    currency: str
    latitude: float
    longitude: float
    postal_prefix: str


# The order of every table is part of the output: ``rng.choice`` picks by position.
FIRST_NAMES = _words("first_names")
LAST_NAMES = _words("last_names")
EMAIL_DOMAINS = _words("email_domains")
CITIES: tuple[City, ...] = tuple(City(**row) for row in _data("cities"))
STREETS = _words("streets")
COMPANIES = _words("companies")
SENTENCE_SUBJECTS = _words("sentence_subjects")
SENTENCE_PREDICATES = _words("sentence_predicates")
TITLE_WORDS = _words("title_words")
CALLING_CODES: dict[str, str] = {str(country): str(code) for country, code in _data("calling_codes").items()}
"""ISO 3166 alpha-2 country code → international calling code (``"DE"`` → ``"+49"``)."""


@attrs.frozen(kw_only=True)
class Person:
    first_name: str
    last_name: str
    email: str
    phone: str
    city: City

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def slug(text: str) -> str:
    """Lowercase words joined by dashes: ``"Cedar & Stone"`` → ``"cedar-stone"``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@attrs.frozen(kw_only=True)
class PhoneShape:
    """How one kind of phone number looks after its calling code: digit groups, each from an inclusive range.

    ``north_american`` gives the groups of ``+1`` numbers when they differ (a venue's ``+1 338 782
    2033`` beside ``+39 27 2033 5179``). ``countries`` limits which countries' numbers carry their own
    calling code; the others get ``+1``, as does a country :data:`CALLING_CODES` lacks. Domains
    declare their own shapes and draw with :func:`phone`, so one table serves every number.
    """

    groups: tuple[tuple[int, int], ...]
    north_american: tuple[tuple[int, int], ...] = ()
    countries: frozenset[str] | None = None


PERSON_PHONE = PhoneShape(
    groups=((200, 989), (100, 999), (1000, 9999)),
    # People of the other cities have +1 numbers: seeded states depend on it.
    countries=frozenset({"US", "CA", "GB", "DE", "FR", "JP", "PT", "IN"}),
)
"""A person's number, as :func:`person` draws it: ``+49 337 682 2033``."""


def phone(rng: random.Random, country_code: str = "US", shape: PhoneShape = PERSON_PHONE) -> str:
    """A phone number of ``shape`` with ``country_code``'s calling code, groups separated by spaces."""
    local = shape.countries is None or country_code in shape.countries
    code = CALLING_CODES.get(country_code, "+1") if local else "+1"
    groups = shape.north_american if code == "+1" and shape.north_american else shape.groups
    return " ".join([code, *(str(rng.randint(low, high)) for low, high in groups)])


def city(rng: random.Random) -> City:
    return rng.choice(CITIES)


def person(rng: random.Random) -> Person:
    first = rng.choice(FIRST_NAMES)
    last = rng.choice(LAST_NAMES)
    home = city(rng)
    style = rng.randrange(3)
    local = (f"{first}.{last}", f"{first[0]}{last}", f"{first}{rng.randint(1, 99)}")[style].lower()
    return Person(
        first_name=first,
        last_name=last,
        email=f"{local}@{rng.choice(EMAIL_DOMAINS)}",
        phone=phone(rng, home.country_code),
        city=home,
    )


def people(rng: random.Random, count: int) -> list[Person]:
    """``count`` people with distinct emails."""
    found: list[Person] = []
    emails: set[str] = set()
    attempts = 0
    while len(found) < count and attempts < count * 50:
        attempts += 1
        candidate = person(rng)
        if candidate.email in emails:
            continue
        emails.add(candidate.email)
        found.append(candidate)
    return found


def company(rng: random.Random) -> str:
    return rng.choice(COMPANIES)


def street_address(rng: random.Random) -> str:
    return f"{rng.randint(1, 240)} {rng.choice(STREETS)}"


def sentence(rng: random.Random) -> str:
    return f"{rng.choice(SENTENCE_SUBJECTS)} {rng.choice(SENTENCE_PREDICATES)}."


def title_words(rng: random.Random, count: int = 2) -> str:
    return " ".join(rng.sample(TITLE_WORDS, count))


def amount(rng: random.Random, low: float, high: float, *, step: float = 0.01) -> float:
    """A price-like amount between ``low`` and ``high``, rounded to ``step`` (prices end in .99, .50, .00 often)."""
    value = rng.uniform(low, high)
    ending = rng.choice((0.99, 0.5, 0.0, 0.95, None))
    if ending is not None and high - low >= 2:
        value = int(value) + ending
    steps = round(value / step)
    return round(steps * step, 2)


def date_between(rng: random.Random, start: date, end: date) -> date:
    days = (end - start).days
    return start + timedelta(days=rng.randint(0, max(days, 0)))


def datetime_between(rng: random.Random, start: datetime, end: datetime, *, minute_step: int = 15) -> datetime:
    """A time between ``start`` and ``end`` on a ``minute_step`` grid (meetings start at :00, :15 ...)."""
    span = int((end - start).total_seconds() // 60 // minute_step)
    return start + timedelta(minutes=minute_step * rng.randint(0, max(span, 0)))


def choose_weighted(rng: random.Random, weights: dict[str, float]) -> str:
    """Pick a key with probability proportional to its weight (statuses: mostly 'paid', some 'refunded')."""
    keys = list(weights)
    return rng.choices(keys, weights=[weights[key] for key in keys], k=1)[0]


# --- residents: the people of a world with their home addresses --------------------------------------


@attrs.frozen(kw_only=True)
class Resident:
    """A person of the world with a home street address and postal code in their city."""

    person: Person
    address: str
    postal_code: str

    @property
    def city(self) -> str:
        """The home city's name."""
        return self.person.city.name

    @property
    def country(self) -> str:
        """The home country's ISO 3166 alpha-2 code."""
        return self.person.city.country_code


_POSTAL_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_POSTAL_WIDTH = {
    "PT": 4, "JP": 3, "NL": 4, "BR": 5, "SE": 5, "PL": 5, "KR": 5, "IN": 6, "SG": 6, "NO": 4, "AU": 4, "NZ": 4, "ZA": 4,
}  # fmt: skip


def postal_code(rng: random.Random, city: City) -> str:
    """A postal code in the city's national format (US ZIP, Canadian FSA LDU, UK outward inward, ...)."""
    prefix = city.postal_prefix
    letters = _POSTAL_LETTERS
    code = city.country_code
    if code == "US":
        return prefix + "".join(str(rng.randrange(10)) for _ in range(5 - len(prefix)))
    if code == "CA":
        outward = prefix + (rng.choice(letters) if len(prefix) == 2 else "")
        return f"{outward} {rng.randrange(10)}{rng.choice(letters)}{rng.randrange(10)}"
    if code == "GB":
        return f"{prefix}{rng.randrange(1, 10)} {rng.randrange(10)}{rng.choice(letters)}{rng.choice(letters)}"
    if code == "IE":
        unique = f"{rng.choice(letters)}{rng.randrange(10)}{rng.choice(letters)}{rng.randrange(10)}"
        return f"{prefix}{rng.randrange(1, 10)} {unique}"
    # Ten digits are drawn for every other country, Ghana included though its code does not use them:
    # seeded worlds depend on this order of draws.
    body = (prefix + "".join(str(rng.randrange(10)) for _ in range(10)))[: _POSTAL_WIDTH.get(code, 5)]
    if code in ("PT", "BR"):
        return f"{body}-{rng.randrange(100, 1000)}"
    if code == "JP":
        return f"{body}-{rng.randrange(1000, 10000)}"
    if code == "NL":
        return f"{body} {rng.choice(letters)}{rng.choice(letters)}"
    if code == "PL":
        return f"{body[:2]}-{body[2:]}"
    if code == "GH":
        return f"{prefix}-{rng.randrange(100, 1000)}-{rng.randrange(1000, 10000)}"
    return body


def residents(ctx: SeedContext, count: int) -> list[Resident]:
    """The world's first ``count`` people, each with a home street address and postal code.

    People come from ``ctx.shared("people")`` and addresses from ``ctx.shared("addresses")``, drawn
    person by person, so every environment seeded alike gets the same people at the same addresses
    (a customer of the store lives at the same address in the shipping account and at the payment
    provider), and the first ``k`` residents of ``n`` are the same for any ``n >= k``.
    """
    places = ctx.shared("addresses")
    return [
        Resident(person=who, address=street_address(places), postal_code=postal_code(places, who.city))
        for who in people(ctx.shared("people"), count)
    ]
