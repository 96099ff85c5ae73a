"""Commerce environments for EnvFactory: a store admin, a handmade marketplace, a shipping account, rentals.

Each module declares one environment modelled on a real public API (Shopify Admin, Etsy Open API,
Shippo, RentCast with Zillow Rental Manager). Installing the package registers them all through the
``envfactory`` entry point ``commerce``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from envfactory_core.plugins import lazy_environments

if TYPE_CHECKING:
    from envfactory_core.env import Environment

    from .marketplace import environment as marketplace
    from .rentals import environment as rentals
    from .shipping import environment as shipping
    from .storefront import environment as storefront

    ENVIRONMENTS: tuple[Environment, ...]

__all__ = ["ENVIRONMENTS", "marketplace", "plugin", "rentals", "shipping", "storefront"]

# Built when first asked for (not at import), so every command's start-up does not pay for them.
plugin, __getattr__ = lazy_environments(__name__, ("storefront", "marketplace", "shipping", "rentals"))
