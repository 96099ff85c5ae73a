"""One user per task, and places that fit together: the values a grounded chain states about its user.

Every environment of a task sees the same person (:func:`persona_for` draws one per chain), so a
customer of the store is the same payer at the payment provider. Addresses hold together: a city,
its country and a postal code in that country's format and that city's range
(:func:`fit_places`), whether the address is the user's own or a recipient's.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Mapping
from typing import Any

import attrs

from ..env import fake
from ..env.patterns import matches_pattern
from ..ids import JsonValue

__all__ = ["Persona", "fit_people", "fit_places", "persona_for"]


@attrs.frozen(kw_only=True)
class Persona:
    """The user behind a task: who they are and where they live."""

    person: fake.Person
    address: str
    postal_code: str

    def value(self, field: str) -> str | None:
        """The persona's value for an argument called ``field`` (None when the persona has none)."""
        who = self.person
        return {
            "name": who.full_name,
            "full_name": who.full_name,
            "first_name": who.first_name,
            "last_name": who.last_name,
            "email": who.email,
            "phone": who.phone,
        }.get(field)


@functools.lru_cache(maxsize=256)
def persona_for(key: str) -> Persona:
    """The persona of the chain ``key`` (the same for every restart and every environment)."""
    rng = random.Random(f"persona:{key}")
    who = fake.person(rng)
    return Persona(person=who, address=fake.street_address(rng), postal_code=fake.postal_code(rng, who.city))


def _accepts(value: str, schema: Any) -> bool:
    if not isinstance(schema, Mapping):
        return True
    if schema.get("type") not in (None, "string") and "string" not in (schema.get("type") or []):
        return False
    if isinstance(schema.get("enum"), list) and value not in schema["enum"]:
        return False
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and pattern and not matches_pattern(pattern, value):
        return False
    low, high = schema.get("minLength"), schema.get("maxLength")
    return not ((isinstance(low, int) and len(value) < low) or (isinstance(high, int) and len(value) > high))


def fit_people(
    arguments: dict[str, JsonValue],
    user: set[str],
    properties: Mapping[str, Any],
    persona: Persona,
    *,
    named: bool = True,
) -> None:
    """Give the user's own fields (``email``, ``phone``, unprefixed; ``name`` when ``named``: the tool
    records a person, not a collection or a label) the persona's values."""
    for name in sorted(user):
        if not named and name in ("name", "full_name"):
            continue
        value = persona.value(name)
        if value is not None and isinstance(arguments.get(name), str) and _accepts(value, properties.get(name)):
            arguments[name] = value


_CITY, _COUNTRY, _POSTAL = ("city",), ("country", "country_code"), ("postal_code", "zip", "zip_code", "postcode")


def _group_of(key: str) -> tuple[str, str] | None:
    for kind, names in (("city", _CITY), ("country", _COUNTRY), ("postal", _POSTAL)):
        for name in names:
            if key == name or key.endswith("_" + name):
                return key[: len(key) - len(name)], kind
    return None


def fit_places(
    arguments: dict[str, JsonValue],
    user: set[str],
    properties: Mapping[str, Any],
    persona: Persona,
    rng: random.Random,
) -> None:
    """Make each address of ``arguments`` hold together: its city, country and postal code agree.

    Only values in ``user`` (the ones the user states) change; a country the state fixed picks the
    city. The unprefixed address is the persona's own; a prefixed one (``recipient_``) another place.
    Nested objects (an ``address`` argument) are fitted the same way when they are the user's.
    """
    groups: dict[str, dict[str, str]] = {}
    for key, value in arguments.items():
        found = _group_of(key)
        if found is not None and isinstance(value, str):
            groups.setdefault(found[0], {})[found[1]] = key
    for prefix, keys in sorted(groups.items()):
        if not any(key in user for key in keys.values()) or not ("city" in keys or "country" in keys):
            continue
        country_key = keys.get("country")
        fixed = arguments.get(country_key) if country_key and country_key not in user else None
        choices = [city for city in fake.CITIES if fixed is None or city.country_code == str(fixed).upper()]
        if not choices:
            continue
        home = persona.person.city
        city = home if prefix == "" and home in choices else rng.choice(choices)
        postal = persona.postal_code if city is home else fake.postal_code(rng, city)
        wanted = {"city": city.name, "postal": postal}
        if country_key and country_key in user:
            current = arguments.get(country_key)
            wanted["country"] = city.country if isinstance(current, str) and len(current) > 3 else city.country_code
        for kind, fitted in wanted.items():
            target = keys.get(kind)
            if target and target in user and _accepts(fitted, properties.get(target)):
                arguments[target] = fitted
    for key, value in arguments.items():
        if key in user and isinstance(value, dict):
            inner = properties.get(key, {})
            inner_properties = inner.get("properties", {}) if isinstance(inner, Mapping) else {}
            fit_places(value, set(value), inner_properties, persona, rng)
