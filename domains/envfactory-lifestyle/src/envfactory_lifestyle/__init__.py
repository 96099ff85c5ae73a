"""EnvFactory's lifestyle domain: restaurant booking, recipes and meal plans, fitness tracking, event ticketing.

Each module holds one environment modelled on a public product API; ``ENVIRONMENTS`` lists them in
the order the plugin registers them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from envfactory_core.plugins import lazy_environments

if TYPE_CHECKING:
    from envfactory_core.env import Environment

    from .events import environment as events
    from .fitness import environment as fitness
    from .recipes import environment as recipes
    from .restaurants import environment as restaurants

    ENVIRONMENTS: tuple[Environment, ...]

__all__ = ["ENVIRONMENTS", "events", "fitness", "plugin", "recipes", "restaurants"]

# Built when first asked for (not at import), so every command's start-up does not pay for them.
plugin, __getattr__ = lazy_environments(__name__, ("restaurants", "recipes", "fitness", "events"))
