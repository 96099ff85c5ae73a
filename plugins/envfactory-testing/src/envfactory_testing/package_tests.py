"""The standard tests of a package of environments, as a class to subclass in the package's tests.

Every package of environments runs the same checks on each environment: the conformance kit, the
shape of a shipped domain environment, distinct states for distinct seeds, the same state hash in
another process, and seeding at tiny and large sizes; and once, that the package's plugin registers
exactly its environments. Subclass :class:`EnvironmentPackageTests`
under a name pytest collects and say which environments and domain::

    from envfactory_testing import EnvironmentPackageTests
    from my_domain import ENVIRONMENTS, plugin


    class TestMyDomainEnvironments(EnvironmentPackageTests):
        environments = ENVIRONMENTS
        plugin = plugin
        domain = "my_domain"
        hash_seeds = (0, 7, 19)

Each test runs once per environment (ids are the environment names). A package whose environments
do not all pass one check removes it by name, with the reason beside it, e.g.
``test_size_scales_the_state = None``. Domain-specific tests (a world sharing its people, tools on
a realistic path) stay plain test functions next to the class; they can use the helpers of
:mod:`envfactory_testing.environment_checks` too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import pytest

from envfactory_core.contracts import ENVIRONMENT
from envfactory_core.env.environment import Environment
from envfactory_core.plugins import PluginInfo, PluginManager
from envfactory_core.registry import Registry

from .conformance import assert_environment_conforms
from .environment_checks import (
    assert_domain_environment,
    assert_hash_stable_across_processes,
    assert_seeds_vary,
    assert_size_scales,
    assert_sizes_give_valid_states,
)

__all__ = ["EnvironmentPackageTests"]


class EnvironmentPackageTests:
    """The checks every environment of a package must pass; subclass it as ``Test...`` to run them."""

    environments: ClassVar[Sequence[Environment]] = ()
    """The package's environments (required)."""
    domain: ClassVar[str] = ""
    """The domain every environment declares (required)."""
    plugin: ClassVar[object | None] = None
    """The object the package's entry point names (``environments_plugin(ENVIRONMENTS)``)."""
    seed_count: ClassVar[int] = 20
    """Seeds ``0 .. seed_count-1`` must give that many different states."""
    hash_seeds: ClassVar[Sequence[int]] = (0, 7)
    """Seeds whose state hash must be the same in a fresh process."""
    sizes: ClassVar[Sequence[int]] = (1, 2, 30)
    """Sizes that must seed a valid, non-empty state."""

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "environment" not in metafunc.fixturenames:
            return
        name = type(self).__name__
        if not self.environments or not self.domain:
            raise pytest.UsageError(f"{name}: set `environments` and `domain` on the class")
        metafunc.parametrize(
            "environment", list(self.environments), ids=[environment.name for environment in self.environments]
        )

    def test_environment_conforms(self, environment: Environment) -> None:
        assert_environment_conforms(environment)

    def test_shape_of_a_domain_environment(self, environment: Environment) -> None:
        assert_domain_environment(environment, self.domain)

    def test_seeds_give_different_states(self, environment: Environment) -> None:
        assert_seeds_vary(environment, count=self.seed_count)

    def test_same_seed_same_hash_in_another_process(self, environment: Environment) -> None:
        assert_hash_stable_across_processes(environment, seed=self.hash_seeds)

    def test_size_scales_the_state(self, environment: Environment) -> None:
        assert_size_scales(environment)

    def test_tiny_and_large_sizes_give_valid_states(self, environment: Environment) -> None:
        assert_sizes_give_valid_states(environment, sizes=self.sizes)

    def test_plugin_registers_the_environments(self, plugin_manager: PluginManager) -> None:
        if self.plugin is None:
            pytest.fail(
                f"{type(self).__name__}: set `plugin` to the object the entry point names, "
                "or remove this test with `test_plugin_registers_the_environments = None`"
            )
        namespace = self.domain
        plugin_manager.add_plugin(
            self.plugin, PluginInfo(name=namespace, namespace=namespace, distribution="", version="")
        )
        registered = [
            component.name
            for component in Registry(plugin_manager).components(ENVIRONMENT)
            if component.name.startswith(f"{namespace}/")
        ]
        assert registered == sorted(f"{namespace}/{environment.name}" for environment in self.environments)
