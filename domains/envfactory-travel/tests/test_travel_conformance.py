"""Every travel environment passes the conformance kit, registers through the plugin, and seeds deterministically."""

from __future__ import annotations

from envfactory_testing import EnvironmentPackageTests
from envfactory_travel import ENVIRONMENTS, plugin

_BY_NAME = {environment.name: environment for environment in ENVIRONMENTS}


class TestTravelEnvironments(EnvironmentPackageTests):
    """The core's standard checks on each travel environment: conformance kit, shape, seeds, sizes, hashes."""

    environments = ENVIRONMENTS
    plugin = plugin
    domain = "travel"
    hash_seeds = (7,)


def test_one_seed_shares_one_travel_region_across_environments():
    """A seed's hotels, depots and trips are in the cities its trains serve."""
    for seed in range(5):
        stations = {row["city"] for row in _BY_NAME["rail"].initial_state(seed=seed)["stations"].values()}
        hotel_cities = {row["city"] for row in _BY_NAME["hotels"].initial_state(seed=seed)["hotels"].values()}
        depot_cities = {row["city"] for row in _BY_NAME["car_rental"].initial_state(seed=seed)["locations"].values()}
        trip_cities = {row["city"] for row in _BY_NAME["itinerary"].initial_state(seed=seed)["trips"].values()}
        assert stations & hotel_cities
        assert stations & depot_cities
        assert stations & trip_cities
