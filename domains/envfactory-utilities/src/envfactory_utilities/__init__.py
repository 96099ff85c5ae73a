"""Utilities domain for envfactory: weather, DNS, link shortening and uptime monitoring.

Each environment follows the documented functions of a real public API (OpenWeatherMap,
Cloudflare DNS, Bitly, UptimeRobot/Better Uptime); see the package README for the links they
offer to other domains.
"""

from __future__ import annotations

from .dns import environment as dns
from .links import environment as links
from .uptime import environment as uptime
from .weather import environment as weather

ENVIRONMENTS = (weather, dns, links, uptime)

__all__ = ["ENVIRONMENTS", "dns", "links", "uptime", "weather"]
