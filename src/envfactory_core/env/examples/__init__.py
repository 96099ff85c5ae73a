"""Example environments that ship with the SDK.

They are small, complete and tested: the tutorial (``docs/tutorial/write-an-environment.md``)
walks through :mod:`.bookshop`, and the runtime's own tests and benchmarks use both. They are not
registered as components, so pipelines never sample them unless asked.
"""

from .bookshop import environment as bookshop
from .notes import environment as notes

__all__ = ["EXAMPLES", "bookshop", "notes"]

EXAMPLES = (bookshop, notes)
