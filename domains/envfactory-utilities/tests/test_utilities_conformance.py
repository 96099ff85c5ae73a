"""Every utilities environment passes the conformance kit and has deterministic, varied seeds."""

from __future__ import annotations

import subprocess
import sys

import pytest
from envfactory_utilities import ENVIRONMENTS

from envfactory_core.env import fake
from envfactory_core.testing import assert_environment_conforms

BY_NAME = {environment.name: environment for environment in ENVIRONMENTS}


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_environment_conforms(name: str) -> None:
    assert_environment_conforms(BY_NAME[name])


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_twenty_seeds_give_twenty_states(name: str) -> None:
    environment = BY_NAME[name]
    hashes = {environment.template(seed=seed).state_hash for seed in range(20)}
    assert len(hashes) == 20


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_same_seed_same_hash_in_another_process(name: str) -> None:
    here = {seed: BY_NAME[name].template(seed=seed).state_hash for seed in (0, 7)}
    script = (
        "from envfactory_utilities import ENVIRONMENTS\n"
        f"env = {{e.name: e for e in ENVIRONMENTS}}[{name!r}]\n"
        "print(env.template(seed=0).state_hash, env.template(seed=7).state_hash)\n"
    )
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    assert output == [here[0], here[7]]


def test_size_drives_the_number_of_rows() -> None:
    uptime = BY_NAME["uptime"]
    small = uptime.initial_state(seed=3, size=4)
    large = uptime.initial_state(seed=3, size=16)
    assert len(large["monitors"]) > len(small["monitors"])
    assert len(large["alert_contacts"]) > len(small["alert_contacts"])


def test_environments_are_declared_for_the_utilities_domain() -> None:
    assert sorted(BY_NAME) == ["dns", "links", "uptime", "weather"]
    for environment in ENVIRONMENTS:
        spec = environment.spec
        assert spec.domain == "utilities"
        assert spec.overlaps == ()
        assert not spec.evaluation_only
        assert spec.provenance.source
        assert spec.provenance.url.startswith("https://")
        assert len(spec.tools) >= 5
        assert spec.read_tools
        assert spec.write_tools


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
