"""The plugin a domain package publishes: an object that registers a fixed set of environments.

A package of ready environments needs nothing from the plugin machinery but the
``register_environments`` hook, so it names its environments once and publishes the result::

    # my_domain/__init__.py
    from envfactory_core.env import environments_plugin

    from .storefront import environment as storefront

    ENVIRONMENTS = (storefront,)
    plugin = environments_plugin(ENVIRONMENTS)

    # pyproject.toml
    [project.entry-points.envfactory]
    my_domain = "my_domain:plugin"

pluggy registers the object like a module: its ``register_environments`` method carries the
``envfactory`` marker. Each environment keeps its own name, so ``storefront`` becomes
``my_domain/storefront``.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from ..hookspecs import Register
from ..plugins import hookimpl
from .environment import Environment

__all__ = ["EnvironmentsPlugin", "environments_plugin"]


@attrs.frozen(eq=False)
class EnvironmentsPlugin:
    """Registers ``environments`` in order. Compared by identity, as pluggy compares plugins."""

    environments: tuple[Environment, ...]

    @hookimpl
    def register_environments(self, register: Register) -> None:
        for environment in self.environments:
            register(environment)

    def __repr__(self) -> str:
        return f"<EnvironmentsPlugin {', '.join(environment.name for environment in self.environments)}>"


def environments_plugin(environments: Iterable[Environment]) -> EnvironmentsPlugin:
    """A plugin that registers ``environments``; checked now, so a mistake fails at import, not at listing time.

    Raises :class:`TypeError` unless ``environments`` is an iterable of
    :class:`~envfactory_core.env.Environment` objects, and :class:`ValueError` when it is empty or
    two of them share a name.
    """
    if isinstance(environments, Environment | str | bytes):
        raise TypeError(
            f"environments_plugin() takes a sequence of environments, not {environments!r}; "
            "wrap it: environments_plugin((environment,))"
        )
    try:
        chosen = tuple(environments)
    except TypeError:
        raise TypeError(
            f"environments_plugin() takes a sequence of environments, not {type(environments).__name__}"
        ) from None
    for index, environment in enumerate(chosen):
        if not isinstance(environment, Environment):
            raise TypeError(
                f"environments_plugin(): item {index} is {environment!r} ({type(environment).__name__}), "
                "not an envfactory_core.env.Environment"
            )
    if not chosen:
        raise ValueError("environments_plugin() needs at least one environment")
    names = [environment.name for environment in chosen]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"environments_plugin(): more than one environment is named {', '.join(repeated)}")
    return EnvironmentsPlugin(chosen)
