"""The people of a world, with home addresses, the same in every environment seeded alike.

``fake.people(ctx.shared("people"), n)`` gives every environment of a world the same people (in
the same order: the first ``k`` of ``n`` people are the same for any ``n >= k``). Street and postal
code come from a second shared generator, drawn person by person, so a customer of the store
lives at the same address in the shipping account and at the payment provider.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from envfactory_core.env import SeedContext, fake


@dataclass(frozen=True)
class Resident:
    person: fake.Person
    address: str
    postal_code: str

    @property
    def city(self) -> str:
        return self.person.city.name

    @property
    def country(self) -> str:
        return self.person.city.country_code


def postal_code(rng: random.Random, city: fake.City) -> str:
    """A postal code in the city's national format (US ZIP, Canadian FSA LDU, UK outward inward, ...)."""
    prefix = city.postal_prefix
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
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
    width = {
        "PT": 4,
        "JP": 3,
        "NL": 4,
        "BR": 5,
        "SE": 5,
        "PL": 5,
        "KR": 5,
        "IN": 6,
        "SG": 6,
        "NO": 4,
        "AU": 4,
        "NZ": 4,
    }.get(code, 5)
    body = (prefix + "".join(str(rng.randrange(10)) for _ in range(10)))[:width]
    if code == "PT":
        return f"{body}-{rng.randrange(100, 1000)}"
    if code == "JP":
        return f"{body}-{rng.randrange(1000, 10000)}"
    if code == "NL":
        return f"{body} {rng.choice(letters)}{rng.choice(letters)}"
    if code == "BR":
        return f"{body}-{rng.randrange(100, 1000)}"
    if code == "PL":
        return f"{body[:2]}-{body[2:]}"
    if code == "GH":
        return f"{prefix}-{rng.randrange(100, 1000)}-{rng.randrange(1000, 10000)}"
    return body


def residents(ctx: SeedContext, count: int) -> list[Resident]:
    """The world's first ``count`` people, each with a home street address and postal code."""
    people = fake.people(ctx.shared("people"), count)
    places = ctx.shared("addresses")
    return [
        Resident(person=p, address=fake.street_address(places), postal_code=postal_code(places, p.city)) for p in people
    ]
