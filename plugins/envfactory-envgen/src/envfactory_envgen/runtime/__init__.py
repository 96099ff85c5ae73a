"""What generated environments import besides the SDK: CRUD rules and realistic seed values.

Kept small and deterministic; the sandbox allows generated code to import this package.
"""

from . import crud
from .crud import NOW, Resource, create_row, delete_row, get_row, list_rows, pick, seed_rows, update_row
from .values import ValueMaker

__all__ = [
    "NOW",
    "Resource",
    "ValueMaker",
    "create_row",
    "crud",
    "delete_row",
    "get_row",
    "list_rows",
    "pick",
    "seed_rows",
    "update_row",
]
