"""Every office environment passes the conformance kit, registers through the plugin, and seeds deterministically."""

from __future__ import annotations

import json
import subprocess
import sys

import envfactory_office.plugin
import pytest
from envfactory_office import ENVIRONMENTS

from envfactory_core.testing import assert_environment_conforms

_BY_NAME = {environment.name: environment for environment in ENVIRONMENTS}


@pytest.mark.parametrize("environment", ENVIRONMENTS, ids=lambda environment: environment.name)
def test_environment_conforms(environment):
    assert_environment_conforms(environment)


@pytest.mark.parametrize("environment", ENVIRONMENTS, ids=lambda environment: environment.name)
def test_twenty_seeds_give_twenty_states(environment):
    hashes = {environment.template(seed=seed).state_hash for seed in range(20)}
    assert len(hashes) == 20


@pytest.mark.parametrize("environment", ENVIRONMENTS, ids=lambda environment: environment.name)
def test_each_environment_has_reads_and_writes(environment):
    effects = [tool.effect for tool in environment.spec.tools]
    assert len(effects) >= 5
    assert "read" in effects
    assert "write" in effects
    assert environment.domain == "office"
    assert environment.overlaps == ()
    assert environment.provenance.url.startswith("https://")


def test_same_seed_gives_the_same_hash_in_another_process():
    script = (
        "import json\n"
        "from envfactory_office import ENVIRONMENTS\n"
        "print(json.dumps({e.name: e.template(seed=7).state_hash for e in ENVIRONMENTS}))\n"
    )
    other = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    here = {name: environment.template(seed=7).state_hash for name, environment in _BY_NAME.items()}
    assert json.loads(other.stdout) == here


def test_office_plugin_registers_the_four_environments(register_plugin, registry):
    register_plugin(envfactory_office.plugin, name="office")
    names = {component.name for component in registry.components("environment")}
    assert {"office/calendar", "office/email", "office/drive", "office/tasks"} <= names


def test_one_seed_gives_one_account_owner_across_environments():
    """The calendar, mailbox, drive and task list of one seed belong to the same person."""
    for seed in range(5):
        owners = {
            name: next(iter(environment.initial_state(seed=seed)["profile"].values()))["email"]
            for name, environment in _BY_NAME.items()
        }
        assert len(set(owners.values())) == 1, owners
