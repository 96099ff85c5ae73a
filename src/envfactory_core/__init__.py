"""envfactory: manufacture verified training worlds for tool-using LLM agents.

The core holds contracts and shared machinery; everything else arrives as plugins. Plugin
authors import :data:`hookimpl` from here.
"""

# The one statement of envfactory-core's version: the pyproject reads it from here (hatch).
__version__ = "0.1.0"

from .plugins import hookimpl, make_plugin_manager
from .registry import Registry

__all__ = ["Registry", "__version__", "hookimpl", "load_registry", "make_plugin_manager"]


def load_registry(**options: object) -> Registry:
    """A registry over a fresh plugin manager (options as for :func:`make_plugin_manager`)."""
    return Registry(make_plugin_manager(**options))  # type: ignore[arg-type]
