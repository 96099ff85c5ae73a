"""EnvFactory's travel domain: hotels, car rental, rail and trip itineraries.

Each environment follows a real public API (see its ``description`` and ``provenance``). The four
share one travel region per seed, so a train to a city, a hotel there and a car picked up there
exist together in one world, and booking confirmations feed the itinerary.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from envfactory_core.plugins import lazy_environments

if TYPE_CHECKING:
    from envfactory_core.env import Environment

    from .car_rental import environment as car_rental
    from .hotels import environment as hotels
    from .itinerary import environment as itinerary
    from .rail import environment as rail

    ENVIRONMENTS: tuple[Environment, ...]

__all__ = ["ENVIRONMENTS", "car_rental", "hotels", "itinerary", "plugin", "rail"]

# Built when first asked for (not at import), so every command's start-up does not pay for them.
plugin, __getattr__ = lazy_environments(__name__, ("hotels", "car_rental", "rail", "itinerary"))
