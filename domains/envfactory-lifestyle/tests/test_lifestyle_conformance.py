"""Every lifestyle environment passes the conformance kit and keeps its seeds deterministic and distinct."""

from __future__ import annotations

from envfactory_lifestyle import ENVIRONMENTS, plugin
from envfactory_testing import EnvironmentPackageTests

BY_NAME = {environment.name: environment for environment in ENVIRONMENTS}


class TestLifestyleEnvironments(EnvironmentPackageTests):
    """The core's standard checks on each lifestyle environment: conformance kit, shape, seeds, sizes, hashes."""

    environments = ENVIRONMENTS
    plugin = plugin
    domain = "lifestyle"


def test_people_are_shared_across_environments():
    emails = {
        name: {
            row["email"]
            for table in ("reservations", "users", "athletes", "orders")
            for row in state.get(table, {}).values()
        }
        for name, state in ((name, env.initial_state(seed=5)) for name, env in BY_NAME.items())
    }
    assert emails["recipes"] & emails["fitness"]
    assert emails["recipes"] & emails["restaurants"]
    assert emails["fitness"] & emails["events"]
