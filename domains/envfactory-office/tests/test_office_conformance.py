"""Every office environment passes the conformance kit, registers through the plugin, and seeds deterministically."""

from __future__ import annotations

from envfactory_office import ENVIRONMENTS, plugin
from envfactory_testing import EnvironmentPackageTests

_BY_NAME = {environment.name: environment for environment in ENVIRONMENTS}


class TestOfficeEnvironments(EnvironmentPackageTests):
    """The core's standard checks on each office environment: conformance kit, shape, seeds, sizes, hashes."""

    environments = ENVIRONMENTS
    plugin = plugin
    domain = "office"
    hash_seeds = (7,)
    # `tasks` seeds its projects and tasks whatever the size, so only size scaling is left out.
    test_size_scales_the_state = None


def test_one_seed_gives_one_account_owner_across_environments():
    """The calendar, mailbox, drive and task list of one seed belong to the same person."""
    for seed in range(5):
        owners = {
            name: next(iter(environment.initial_state(seed=seed)["profile"].values()))["email"]
            for name, environment in _BY_NAME.items()
        }
        assert len(set(owners.values())) == 1, owners
