"""Fixtures: a small airline state made here, and the benchmark's real data when the shared folder exists."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import pytest
from envfactory_taubench.data import AirlineData, read_airline_data
from envfactory_taubench.environment import build_environment
from envfactory_taubench.replay import Replayer
from envfactory_taubench.testing import POLICY, small_view
from envfactory_testing.shared_data import shared_external

from envfactory_core.env import Environment, Episode

SHARED_DATA = shared_external("tau_bench_airline", anchor=__file__)
"""The shared ``external/`` folder beside the checkout, or under ``ENVFACTORY_SHARED_DIR``."""


@pytest.fixture
def small_data() -> AirlineData:
    return AirlineData(
        folder=Path("."), view=copy.deepcopy(small_view()), policy=POLICY, now="2024-05-15T15:00:00-05:00"
    )


@pytest.fixture
def small_environment(small_data: AirlineData) -> Environment:
    return build_environment(small_data)


@pytest.fixture
def episode(small_environment: Environment) -> Iterator[Episode]:
    with small_environment.episode() as opened:
        yield opened


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    if not (SHARED_DATA / "data" / "flights.json").is_file():
        pytest.skip(
            f"the shared tau-bench airline data is not at {SHARED_DATA} "
            "(lay shared/ beside the checkout or set ENVFACTORY_SHARED_DIR)"
        )
    return SHARED_DATA


@pytest.fixture(scope="session")
def shared_data(shared_data_dir: Path) -> AirlineData:
    return read_airline_data(shared_data_dir)


@pytest.fixture(scope="session")
def shared_environment(shared_data: AirlineData) -> Environment:
    """One loaded template for the whole session: episodes are copied from it."""
    return build_environment(shared_data)


@pytest.fixture(scope="session")
def shared_replayer(shared_environment: Environment) -> Iterator[Replayer]:
    replayer = Replayer(shared_environment)
    yield replayer
    replayer.close()
