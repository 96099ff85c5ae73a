"""What generated environments import besides the SDK: the shared CRUD rules.

Kept small and deterministic; the sandbox allows generated code to import this package. Seed values
come from the core's schema-to-value engine (:mod:`envfactory_core.env.schema_values`).
"""

from . import crud
from .crud import NOW, Resource, create_row, delete_row, get_row, list_rows, pick, seed_rows, update_row

__all__ = [
    "NOW",
    "Resource",
    "create_row",
    "crud",
    "delete_row",
    "get_row",
    "list_rows",
    "pick",
    "seed_rows",
    "update_row",
]
