"""EnvFactory's academia domain: library loans, reference management, course management, code hosting.

Each module holds one environment modelled on a public product API; ``ENVIRONMENTS`` lists them in
the order the plugin registers them.
"""

from __future__ import annotations

from envfactory_core.env import Environment, environments_plugin

from .code_hosting import environment as code_hosting
from .courses import environment as courses
from .library import environment as library
from .references import environment as references

ENVIRONMENTS: tuple[Environment, ...] = (library, references, courses, code_hosting)
plugin = environments_plugin(ENVIRONMENTS)

__all__ = ["ENVIRONMENTS", "code_hosting", "courses", "library", "plugin", "references"]
