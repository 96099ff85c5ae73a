"""Every academia environment passes the conformance kit and keeps its seeds deterministic and distinct."""

from __future__ import annotations

import pytest
from envfactory_academia import ENVIRONMENTS, plugin
from envfactory_testing import EnvironmentPackageTests

BY_NAME = {environment.name: environment for environment in ENVIRONMENTS}


class TestAcademiaEnvironments(EnvironmentPackageTests):
    """The core's standard checks on each academia environment: conformance kit, shape, seeds, sizes, hashes."""

    environments = ENVIRONMENTS
    plugin = plugin
    domain = "academia"


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
