"""EnvFactory's lifestyle domain: restaurant booking, recipes and meal plans, fitness tracking, event ticketing.

Each module holds one environment modelled on a public product API; ``ENVIRONMENTS`` lists them in
the order the plugin registers them.
"""

from __future__ import annotations

from .events import environment as events
from .fitness import environment as fitness
from .recipes import environment as recipes
from .restaurants import environment as restaurants

ENVIRONMENTS = (restaurants, recipes, fitness, events)

__all__ = ["ENVIRONMENTS", "events", "fitness", "recipes", "restaurants"]
