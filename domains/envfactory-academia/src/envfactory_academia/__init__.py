"""EnvFactory's academia domain: library loans, reference management, course management, code hosting.

Each module holds one environment modelled on a public product API; ``ENVIRONMENTS`` lists them in
the order the plugin registers them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from envfactory_core.plugins import lazy_environments

if TYPE_CHECKING:
    from envfactory_core.env import Environment

    from .code_hosting import environment as code_hosting
    from .courses import environment as courses
    from .library import environment as library
    from .references import environment as references

    ENVIRONMENTS: tuple[Environment, ...]

__all__ = ["ENVIRONMENTS", "code_hosting", "courses", "library", "plugin", "references"]

# Built when first asked for (not at import), so every command's start-up does not pay for them.
plugin, __getattr__ = lazy_environments(__name__, ("library", "references", "courses", "code_hosting"))
