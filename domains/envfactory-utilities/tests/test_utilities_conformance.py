"""Every utilities environment passes the conformance kit and has deterministic, varied seeds."""

from __future__ import annotations

import pytest
from envfactory_testing import EnvironmentPackageTests
from envfactory_utilities import ENVIRONMENTS, plugin

from envfactory_core.env import fake

BY_NAME = {environment.name: environment for environment in ENVIRONMENTS}


class TestUtilitiesEnvironments(EnvironmentPackageTests):
    """The core's standard checks on each utilities environment: conformance kit, shape, seeds, sizes, hashes."""

    environments = ENVIRONMENTS
    plugin = plugin
    domain = "utilities"


def test_size_drives_the_number_of_rows() -> None:
    uptime = BY_NAME["uptime"]
    small = uptime.initial_state(seed=3, size=4)
    large = uptime.initial_state(seed=3, size=16)
    assert len(large["monitors"]) > len(small["monitors"])
    assert len(large["alert_contacts"]) > len(small["alert_contacts"])


def test_the_four_environments_are_declared() -> None:
    assert sorted(BY_NAME) == ["dns", "links", "uptime", "weather"]


@pytest.mark.parametrize("seed", [0, 5, 11])
def test_a_world_shares_people_and_sites_across_environments(seed: int) -> None:
    """With one seed, uptime alert contacts are people of the shared pool that weather alerts also
    notify, every monitored site is a DNS zone, and the link shortener's branded domain is a CNAME
    in the owner's zone."""
    weather = BY_NAME["weather"].initial_state(seed=seed)
    uptime = BY_NAME["uptime"].initial_state(seed=seed)
    dns = BY_NAME["dns"].initial_state(seed=seed)
    links = BY_NAME["links"].initial_state(seed=seed)
    people = {person.email for person in fake.people(BY_NAME["weather"].seed_context(seed).shared("people"), 10)}
    contact_emails = {row["email"] for row in uptime["alert_contacts"].values() if row["email"]}
    rule_emails = {row["email"] for row in weather["alert_rules"].values()}
    assert contact_emails <= people
    assert rule_emails <= people
    zones = {row["domain"] for row in dns["zones"].values()}
    for monitor in uptime["monitors"].values():
        host = monitor["url"].split("://")[-1].split("/")[0]
        assert any(host.endswith("." + zone) for zone in zones), host
    branded = next(row["domain"] for row in links["domains"].values() if row["branded"])
    cnames = {row["hostname"]: row["content"] for row in dns["dns_records"].values() if row["type"] == "CNAME"}
    assert cnames[branded] == "cname.bitly.com"
