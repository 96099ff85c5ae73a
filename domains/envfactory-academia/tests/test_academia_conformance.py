"""Every academia environment passes the conformance kit and keeps its seeds deterministic and distinct."""

from __future__ import annotations

import subprocess
import sys

import pytest
from envfactory_academia import ENVIRONMENTS

from envfactory_core.testing import assert_environment_conforms

BY_NAME = {environment.name: environment for environment in ENVIRONMENTS}


@pytest.mark.parametrize("environment", ENVIRONMENTS, ids=lambda environment: environment.name)
def test_environment_conforms(environment):
    assert_environment_conforms(environment)


@pytest.mark.parametrize("environment", ENVIRONMENTS, ids=lambda environment: environment.name)
def test_shape_of_a_domain_environment(environment):
    tools = environment.spec.tools
    assert environment.domain == "academia"
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
        "from envfactory_academia import ENVIRONMENTS\n"
        "for env in ENVIRONMENTS:\n"
        "    for seed in (0, 7):\n"
        "        print(env.name, seed, env.template(seed=seed).state_hash)\n"
    )
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    here = [f"{env.name} {seed} {env.template(seed=seed).state_hash}" for env in ENVIRONMENTS for seed in (0, 7)]
    assert output.split("\n")[:-1] == here


@pytest.mark.parametrize("seed", [0, 4, 11])
def test_one_world_shares_people_and_books(seed):
    library = BY_NAME["library"].initial_state(seed=seed)
    references = BY_NAME["references"].initial_state(seed=seed)
    courses = BY_NAME["courses"].initial_state(seed=seed)
    hosting = BY_NAME["code_hosting"].initial_state(seed=seed)
    patrons = {row["email"] for row in library["patrons"].values()}
    assert {row["email"] for row in courses["users"].values()} <= patrons
    assert next(iter(references["library"].values()))["email"] in patrons
    assert {row["email"] for row in hosting["accounts"].values() if row["email"]} <= patrons
    faculty = {row["email"] for row in library["patrons"].values() if row["patron_type"] == "faculty"}
    teaching = {
        courses["users"][str(row["user_id"])]["email"]
        for row in courses["enrollments"].values()
        if row["role"] == "teacher"
    }
    assert teaching <= faculty
    cited = {row["isbn"] for row in references["items"].values() if row["isbn"]}
    assert cited
    assert cited <= set(library["books"])
