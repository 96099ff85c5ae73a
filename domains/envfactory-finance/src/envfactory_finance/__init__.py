"""Finance environments for EnvFactory: payments, invoicing, banking, expenses.

Each module declares one environment modelled on a real public API (Stripe, Xero / QuickBooks
Online, Plaid with Open Banking, Expensify with Ramp). Installing the package registers them all
through the ``envfactory`` entry point ``finance``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from envfactory_core.plugins import lazy_environments

if TYPE_CHECKING:
    from envfactory_core.env import Environment

    from .banking import environment as banking
    from .expenses import environment as expenses
    from .invoicing import environment as invoicing
    from .payments import environment as payments

    ENVIRONMENTS: tuple[Environment, ...]

__all__ = ["ENVIRONMENTS", "banking", "expenses", "invoicing", "payments", "plugin"]

# Built when first asked for (not at import), so every command's start-up does not pay for them.
plugin, __getattr__ = lazy_environments(__name__, ("payments", "invoicing", "banking", "expenses"))
