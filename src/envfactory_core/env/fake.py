"""Realistic, deterministic values for seed factories: people, places, companies, dates, money.

Every function takes the ``random.Random`` to draw from, so a seed gives the same values on every
machine. Use ``ctx.shared("people")`` (see :class:`~envfactory_core.env.SeedContext`) to draw the
same people in every environment of a world, so a customer of the store is also a payer at the
payment provider and a recipient of the email service. :func:`residents` does that for you and
gives each person a home address too, the same in every environment seeded alike.
"""

from __future__ import annotations

import random
import re
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from .environment import SeedContext

__all__ = [
    "CITIES",
    "COMPANIES",
    "FIRST_NAMES",
    "LAST_NAMES",
    "City",
    "Person",
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

FIRST_NAMES = (
    "Amara",
    "Hiroshi",
    "Sofia",
    "Mateo",
    "Priya",
    "Lukas",
    "Chloe",
    "Omar",
    "Ingrid",
    "Kwame",
    "Elena",
    "Rafael",
    "Mei",
    "Tomasz",
    "Aisha",
    "Noah",
    "Yuki",
    "Gabriel",
    "Fatima",
    "Liam",
    "Zara",
    "Diego",
    "Hana",
    "Arjun",
    "Camille",
    "Jonas",
    "Nadia",
    "Samuel",
    "Leila",
    "Victor",
    "Isabela",
    "Kenji",
    "Olivia",
    "Emeka",
    "Freya",
    "Carlos",
    "Anika",
    "Malik",
    "Rosa",
    "Felix",
    "Sienna",
    "Dmitri",
    "Ayesha",
    "Julian",
    "Mariana",
    "Theo",
    "Nia",
    "Stefan",
    "Lucia",
    "Ravi",
    "Clara",
    "Bongani",
    "Astrid",
    "Hugo",
    "Yasmin",
    "Marco",
    "Ines",
    "Kofi",
    "Greta",
    "Andre",
    "Sakura",
    "Elias",
    "Valentina",
    "Tariq",
    "Maya",
    "Oskar",
    "Beatriz",
    "Jamal",
    "Lena",
    "Pablo",
)
LAST_NAMES = (
    "Okafor",
    "Tanaka",
    "Rossi",
    "Hernandez",
    "Sharma",
    "Becker",
    "Dubois",
    "Haddad",
    "Larsen",
    "Mensah",
    "Popescu",
    "Silva",
    "Chen",
    "Kowalski",
    "Rahman",
    "Walker",
    "Sato",
    "Moreau",
    "Nasser",
    "Murphy",
    "Ali",
    "Castillo",
    "Kim",
    "Patel",
    "Laurent",
    "Fischer",
    "Petrova",
    "Adeyemi",
    "Farouk",
    "Novak",
    "Costa",
    "Yamamoto",
    "Thompson",
    "Eze",
    "Johansson",
    "Romero",
    "Gupta",
    "Bennett",
    "Alvarez",
    "Wagner",
    "Reyes",
    "Ivanova",
    "Khan",
    "Fitzgerald",
    "Oliveira",
    "Nakamura",
    "Osei",
    "Lindqvist",
    "Garcia",
    "Iyer",
    "Schmidt",
    "Dlamini",
    "Berg",
    "Marchetti",
    "Aziz",
    "Bianchi",
    "Santos",
    "Asante",
    "Vogel",
    "Moreno",
)
EMAIL_DOMAINS = ("example.com", "mail.example.org", "inbox.example.net", "post.example.io", "example.co")


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


CITIES = (
    City(
        name="Lisbon",
        country="Portugal",
        country_code="PT",
        timezone="Europe/Lisbon",
        currency="EUR",
        latitude=38.72,
        longitude=-9.14,
        postal_prefix="1100",
    ),
    City(
        name="Berlin",
        country="Germany",
        country_code="DE",
        timezone="Europe/Berlin",
        currency="EUR",
        latitude=52.52,
        longitude=13.40,
        postal_prefix="101",
    ),
    City(
        name="Osaka",
        country="Japan",
        country_code="JP",
        timezone="Asia/Tokyo",
        currency="JPY",
        latitude=34.69,
        longitude=135.50,
        postal_prefix="530",
    ),
    City(
        name="Toronto",
        country="Canada",
        country_code="CA",
        timezone="America/Toronto",
        currency="CAD",
        latitude=43.65,
        longitude=-79.38,
        postal_prefix="M5",
    ),
    City(
        name="Austin",
        country="United States",
        country_code="US",
        timezone="America/Chicago",
        currency="USD",
        latitude=30.27,
        longitude=-97.74,
        postal_prefix="787",
    ),
    City(
        name="Seattle",
        country="United States",
        country_code="US",
        timezone="America/Los_Angeles",
        currency="USD",
        latitude=47.61,
        longitude=-122.33,
        postal_prefix="981",
    ),
    City(
        name="Chicago",
        country="United States",
        country_code="US",
        timezone="America/Chicago",
        currency="USD",
        latitude=41.88,
        longitude=-87.63,
        postal_prefix="606",
    ),
    City(
        name="Boston",
        country="United States",
        country_code="US",
        timezone="America/New_York",
        currency="USD",
        latitude=42.36,
        longitude=-71.06,
        postal_prefix="021",
    ),
    City(
        name="Denver",
        country="United States",
        country_code="US",
        timezone="America/Denver",
        currency="USD",
        latitude=39.74,
        longitude=-104.99,
        postal_prefix="802",
    ),
    City(
        name="Nairobi",
        country="Kenya",
        country_code="KE",
        timezone="Africa/Nairobi",
        currency="KES",
        latitude=-1.29,
        longitude=36.82,
        postal_prefix="001",
    ),
    City(
        name="Accra",
        country="Ghana",
        country_code="GH",
        timezone="Africa/Accra",
        currency="GHS",
        latitude=5.60,
        longitude=-0.19,
        postal_prefix="GA",
    ),
    City(
        name="Melbourne",
        country="Australia",
        country_code="AU",
        timezone="Australia/Melbourne",
        currency="AUD",
        latitude=-37.81,
        longitude=144.96,
        postal_prefix="30",
    ),
    City(
        name="Auckland",
        country="New Zealand",
        country_code="NZ",
        timezone="Pacific/Auckland",
        currency="NZD",
        latitude=-36.85,
        longitude=174.76,
        postal_prefix="10",
    ),
    City(
        name="Sao Paulo",
        country="Brazil",
        country_code="BR",
        timezone="America/Sao_Paulo",
        currency="BRL",
        latitude=-23.55,
        longitude=-46.63,
        postal_prefix="010",
    ),
    City(
        name="Mexico City",
        country="Mexico",
        country_code="MX",
        timezone="America/Mexico_City",
        currency="MXN",
        latitude=19.43,
        longitude=-99.13,
        postal_prefix="060",
    ),
    City(
        name="Madrid",
        country="Spain",
        country_code="ES",
        timezone="Europe/Madrid",
        currency="EUR",
        latitude=40.42,
        longitude=-3.70,
        postal_prefix="280",
    ),
    City(
        name="Lyon",
        country="France",
        country_code="FR",
        timezone="Europe/Paris",
        currency="EUR",
        latitude=45.76,
        longitude=4.84,
        postal_prefix="690",
    ),
    City(
        name="Milan",
        country="Italy",
        country_code="IT",
        timezone="Europe/Rome",
        currency="EUR",
        latitude=45.46,
        longitude=9.19,
        postal_prefix="201",
    ),
    City(
        name="Amsterdam",
        country="Netherlands",
        country_code="NL",
        timezone="Europe/Amsterdam",
        currency="EUR",
        latitude=52.37,
        longitude=4.90,
        postal_prefix="10",
    ),
    City(
        name="Stockholm",
        country="Sweden",
        country_code="SE",
        timezone="Europe/Stockholm",
        currency="SEK",
        latitude=59.33,
        longitude=18.07,
        postal_prefix="111",
    ),
    City(
        name="Oslo",
        country="Norway",
        country_code="NO",
        timezone="Europe/Oslo",
        currency="NOK",
        latitude=59.91,
        longitude=10.75,
        postal_prefix="01",
    ),
    City(
        name="Warsaw",
        country="Poland",
        country_code="PL",
        timezone="Europe/Warsaw",
        currency="PLN",
        latitude=52.23,
        longitude=21.01,
        postal_prefix="00",
    ),
    City(
        name="Dublin",
        country="Ireland",
        country_code="IE",
        timezone="Europe/Dublin",
        currency="EUR",
        latitude=53.35,
        longitude=-6.26,
        postal_prefix="D0",
    ),
    City(
        name="Edinburgh",
        country="United Kingdom",
        country_code="GB",
        timezone="Europe/London",
        currency="GBP",
        latitude=55.95,
        longitude=-3.19,
        postal_prefix="EH",
    ),
    City(
        name="Manchester",
        country="United Kingdom",
        country_code="GB",
        timezone="Europe/London",
        currency="GBP",
        latitude=53.48,
        longitude=-2.24,
        postal_prefix="M1",
    ),
    City(
        name="Bengaluru",
        country="India",
        country_code="IN",
        timezone="Asia/Kolkata",
        currency="INR",
        latitude=12.97,
        longitude=77.59,
        postal_prefix="560",
    ),
    City(
        name="Singapore",
        country="Singapore",
        country_code="SG",
        timezone="Asia/Singapore",
        currency="SGD",
        latitude=1.35,
        longitude=103.82,
        postal_prefix="01",
    ),
    City(
        name="Seoul",
        country="South Korea",
        country_code="KR",
        timezone="Asia/Seoul",
        currency="KRW",
        latitude=37.57,
        longitude=126.98,
        postal_prefix="04",
    ),
    City(
        name="Cape Town",
        country="South Africa",
        country_code="ZA",
        timezone="Africa/Johannesburg",
        currency="ZAR",
        latitude=-33.92,
        longitude=18.42,
        postal_prefix="80",
    ),
    City(
        name="Vancouver",
        country="Canada",
        country_code="CA",
        timezone="America/Vancouver",
        currency="CAD",
        latitude=49.28,
        longitude=-123.12,
        postal_prefix="V6",
    ),
)

STREETS = (
    "Maple Avenue",
    "Harbor Street",
    "Elm Road",
    "Rua Augusta",
    "Kastanienallee",
    "Oak Lane",
    "Station Road",
    "Cedar Boulevard",
    "Market Street",
    "Riverside Drive",
    "Hillcrest Way",
    "Park Terrace",
    "Mill Lane",
    "Church Street",
    "Victoria Road",
    "Linden Strasse",
    "Calle Mayor",
    "Via Roma",
    "Queen Street",
    "Sunset Drive",
)

COMPANIES = (
    "Northwind Traders",
    "Bluefin Analytics",
    "Cedar & Stone",
    "Lumen Labs",
    "Harborview Logistics",
    "Kestrel Outdoor",
    "Mosaic Health",
    "Brightline Studio",
    "Pinecrest Foods",
    "Atlas Freight",
    "Juniper Software",
    "Copperleaf Design",
    "Riverbend Books",
    "Solstice Energy",
    "Granite Legal",
    "Willow & Co",
    "Orbit Robotics",
    "Meridian Travel",
    "Foxglove Florists",
    "Summit Fitness",
    "Tidewater Coffee",
    "Quartz Ventures",
    "Ember Kitchenware",
    "Nimbus Cloudworks",
    "Saffron Spice Co",
)

SENTENCE_SUBJECTS = (
    "The quarterly report",
    "Our team",
    "The new release",
    "This order",
    "The venue",
    "The client",
    "The shipment",
    "The budget review",
    "The onboarding session",
    "The design draft",
)
SENTENCE_PREDICATES = (
    "needs a final check before Friday",
    "was moved to the second floor",
    "includes the revised figures",
    "arrives later than planned",
    "is ready for review",
    "should be shared with finance",
    "covers the spring campaign",
    "was approved yesterday",
    "needs two more signatures",
    "will be discussed at the next meeting",
)
TITLE_WORDS = (
    "Spring",
    "Launch",
    "Review",
    "Budget",
    "Roadmap",
    "Offsite",
    "Kickoff",
    "Retrospective",
    "Planning",
    "Customer",
    "Partner",
    "Quarterly",
    "Design",
    "Hiring",
    "Security",
    "Migration",
    "Research",
    "Summit",
)


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


def phone(rng: random.Random, country_code: str = "US") -> str:
    prefixes = {"US": "+1", "CA": "+1", "GB": "+44", "DE": "+49", "FR": "+33", "JP": "+81", "PT": "+351", "IN": "+91"}
    prefix = prefixes.get(country_code, "+1")
    return f"{prefix} {rng.randint(200, 989)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"


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
    "PT": 4, "JP": 3, "NL": 4, "BR": 5, "SE": 5, "PL": 5, "KR": 5, "IN": 6, "SG": 6, "NO": 4, "AU": 4, "NZ": 4,
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
