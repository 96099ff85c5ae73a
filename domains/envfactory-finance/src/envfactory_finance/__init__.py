"""Finance environments for EnvFactory: payments, invoicing, banking, expenses.

Each module declares one environment modelled on a real public API (Stripe, Xero / QuickBooks
Online, Plaid with Open Banking, Expensify with Ramp). Installing the package registers them all
through the ``envfactory`` entry point ``finance``.
"""

from __future__ import annotations

from envfactory_core.env import Environment, environments_plugin

from .banking import environment as banking
from .expenses import environment as expenses
from .invoicing import environment as invoicing
from .payments import environment as payments

__all__ = ["ENVIRONMENTS", "banking", "expenses", "invoicing", "payments", "plugin"]

ENVIRONMENTS: tuple[Environment, ...] = (payments, invoicing, banking, expenses)
plugin = environments_plugin(ENVIRONMENTS)
