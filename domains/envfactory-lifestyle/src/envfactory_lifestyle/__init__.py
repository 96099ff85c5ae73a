"""EnvFactory's lifestyle domain: restaurant booking, recipes and meal plans, fitness tracking, event ticketing.

Each module holds one environment modelled on a public product API; ``ENVIRONMENTS`` lists them in
the order the plugin registers them.
"""

from __future__ import annotations

from envfactory_core.env import Environment, environments_plugin

from .events import environment as events
from .fitness import environment as fitness
from .recipes import environment as recipes
from .restaurants import environment as restaurants

ENVIRONMENTS: tuple[Environment, ...] = (restaurants, recipes, fitness, events)
plugin = environments_plugin(ENVIRONMENTS)

__all__ = ["ENVIRONMENTS", "events", "fitness", "plugin", "recipes", "restaurants"]
