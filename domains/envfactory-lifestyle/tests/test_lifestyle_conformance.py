"""Every lifestyle environment passes the conformance kit and keeps its seeds deterministic and distinct."""

from __future__ import annotations

import subprocess
import sys

import pytest
from envfactory_lifestyle import ENVIRONMENTS

from envfactory_core.testing import assert_environment_conforms

BY_NAME = {environment.name: environment for environment in ENVIRONMENTS}


@pytest.mark.parametrize("environment", ENVIRONMENTS, ids=lambda environment: environment.name)
def test_environment_conforms(environment):
    assert_environment_conforms(environment)


@pytest.mark.parametrize("environment", ENVIRONMENTS, ids=lambda environment: environment.name)
def test_shape_of_a_domain_environment(environment):
    tools = environment.spec.tools
    assert environment.domain == "lifestyle"
    assert len(tools) >= 5
    assert {tool.effect for tool in tools} == {"read", "write"}
    assert environment.spec.provenance.url.startswith("https://")
    assert environment.overlaps == ()
    assert all(tool.output_schema is not None for tool in tools)
    assert environment.policy.strip()


@pytest.mark.parametrize("environment", ENVIRONMENTS, ids=lambda environment: environment.name)
def test_twenty_seeds_give_twenty_states(environment):
    hashes = {environment.template(seed=seed).state_hash for seed in range(20)}
    assert len(hashes) == 20


@pytest.mark.parametrize("environment", ENVIRONMENTS, ids=lambda environment: environment.name)
def test_seed_size_scales_the_state(environment):
    small = sum(len(rows) for rows in environment.initial_state(seed=3, size=4).values())
    large = sum(len(rows) for rows in environment.initial_state(seed=3, size=20).values())
    assert large > small


@pytest.mark.parametrize("environment", ENVIRONMENTS, ids=lambda environment: environment.name)
@pytest.mark.parametrize("size", [1, 2, 30])
def test_tiny_and_large_sizes_give_valid_states(environment, size):
    state = environment.initial_state(seed=size, size=size)
    assert any(state.values())
    with environment.episode(seed=size, size=size) as episode:
        assert episode.state_hash() == environment.template(seed=size, size=size).state_hash


def test_same_seed_same_hash_in_another_process():
    script = (
        "from envfactory_lifestyle import ENVIRONMENTS\n"
        "for env in ENVIRONMENTS:\n"
        "    for seed in (0, 7):\n"
        "        print(env.name, seed, env.template(seed=seed).state_hash)\n"
    )
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    here = [f"{env.name} {seed} {env.template(seed=seed).state_hash}" for env in ENVIRONMENTS for seed in (0, 7)]
    assert output.split("\n")[:-1] == here


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
