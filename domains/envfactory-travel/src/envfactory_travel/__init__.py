"""EnvFactory's travel domain: hotels, car rental, rail and trip itineraries.

Each environment follows a real public API (see its ``description`` and ``provenance``). The four
share one travel region per seed, so a train to a city, a hotel there and a car picked up there
exist together in one world, and booking confirmations feed the itinerary.
"""

from __future__ import annotations

from envfactory_core.env import Environment, environments_plugin

from .car_rental import environment as car_rental
from .hotels import environment as hotels
from .itinerary import environment as itinerary
from .rail import environment as rail

__all__ = ["ENVIRONMENTS", "car_rental", "hotels", "itinerary", "plugin", "rail"]

ENVIRONMENTS: tuple[Environment, ...] = (hotels, car_rental, rail, itinerary)
plugin = environments_plugin(ENVIRONMENTS)
