"""Utilities domain for envfactory: weather, DNS, link shortening and uptime monitoring.

Each environment follows the documented functions of a real public API (OpenWeatherMap,
Cloudflare DNS, Bitly, UptimeRobot/Better Uptime); see the package README for the links they
offer to other domains.
"""

from __future__ import annotations

from envfactory_core.env import Environment, environments_plugin

from .dns import environment as dns
from .links import environment as links
from .uptime import environment as uptime
from .weather import environment as weather

ENVIRONMENTS: tuple[Environment, ...] = (weather, dns, links, uptime)
plugin = environments_plugin(ENVIRONMENTS)

__all__ = ["ENVIRONMENTS", "dns", "links", "plugin", "uptime", "weather"]
