"""Commerce environments for EnvFactory: a store admin, a handmade marketplace, a shipping account, rentals.

Each module declares one environment modelled on a real public API (Shopify Admin, Etsy Open API,
Shippo, RentCast with Zillow Rental Manager). Installing the package registers them all through the
``envfactory`` entry point ``commerce``.
"""

from __future__ import annotations

from envfactory_core.env import Environment, environments_plugin

from .marketplace import environment as marketplace
from .rentals import environment as rentals
from .shipping import environment as shipping
from .storefront import environment as storefront

__all__ = ["ENVIRONMENTS", "marketplace", "plugin", "rentals", "shipping", "storefront"]

ENVIRONMENTS: tuple[Environment, ...] = (storefront, marketplace, shipping, rentals)
plugin = environments_plugin(ENVIRONMENTS)
