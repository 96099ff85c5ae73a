"""Serve EnvFactory environments over MCP, one isolated episode per client; save MCP tool listings.

``envfactory serve ENV…`` runs a server (stdio or streamable HTTP); :class:`EnvironmentServer` is
the Python API behind it; the ``mcp/listing`` resource loader and ``envfactory mcp save-listing``
read any MCP server's ``tools/list``. See ``docs/how-to/serve-mcp.md``.
"""

from __future__ import annotations

import importlib.metadata
from typing import TYPE_CHECKING

from envfactory_core.plugins import lazy_exports

__version__ = importlib.metadata.version("envfactory-mcp")  # stated once, in pyproject.toml

# Imported on first use: every `envfactory` command imports this package, and it should stay light.
if TYPE_CHECKING:
    from .episodes import EpisodeLimitError, EpisodePool
    from .keys import EPISODE_ID_KEY, EPISODE_SCOPE_KEY, MANAGEMENT_KEY
    from .server import EnvironmentServer

__getattr__ = lazy_exports(
    __name__,
    {
        "EpisodeLimitError": "episodes",
        "EpisodePool": "episodes",
        "EPISODE_ID_KEY": "keys",
        "EPISODE_SCOPE_KEY": "keys",
        "MANAGEMENT_KEY": "keys",
        "EnvironmentServer": "server",
    },
)

__all__ = [
    "EPISODE_ID_KEY",
    "EPISODE_SCOPE_KEY",
    "MANAGEMENT_KEY",
    "EnvironmentServer",
    "EpisodeLimitError",
    "EpisodePool",
    "__version__",
]
