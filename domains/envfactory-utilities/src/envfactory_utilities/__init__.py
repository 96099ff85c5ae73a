"""Utilities domain for envfactory: weather, DNS, link shortening and uptime monitoring.

Each environment follows the documented functions of a real public API (OpenWeatherMap,
Cloudflare DNS, Bitly, UptimeRobot/Better Uptime); see the package README for the links they
offer to other domains.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from envfactory_core.plugins import lazy_environments

if TYPE_CHECKING:
    from envfactory_core.env import Environment

    from .dns import environment as dns
    from .links import environment as links
    from .uptime import environment as uptime
    from .weather import environment as weather

    ENVIRONMENTS: tuple[Environment, ...]

__all__ = ["ENVIRONMENTS", "dns", "links", "plugin", "uptime", "weather"]

# Built when first asked for (not at import), so every command's start-up does not pay for them.
plugin, __getattr__ = lazy_environments(__name__, ("weather", "dns", "links", "uptime"))
