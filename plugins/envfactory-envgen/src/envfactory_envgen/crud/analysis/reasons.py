"""Why an operation is left out: the reason the report gives for each skipped operation."""

from __future__ import annotations

from ...openapi.model import ApiOperation
from .paths import ApiPath, is_action
from .resources import ResourceFinder
from .schemas import list_items, words

__all__ = ["why_not"]


def why_not(finder: ResourceFinder, operation: ApiOperation, path: ApiPath) -> str:
    """Why an operation no rule gave a tool to is left out, in words a reader of the report understands."""
    word = path.last
    if operation.method == "GET":
        if path.ends_with_param:
            return "reads an item of a collection that is not otherwise described"
        if list_items(operation) is None:
            return "returns one computed object, not a stored collection (a view or status)"
        what = operation.response_item_name or "entities"
        view = finder.view_target(operation)
        if view is not None and view.table is not None:
            return f"a view {word!r} of {view.table.name} whose selection rule the document does not state"
        if is_action(word):
            return f"a {words(word)} returning {what}, which no collection of this API stores"
        return f"lists {what} of a relation the schemas do not expose"
    if is_action(word):
        return f"{operation.method} {word!r} is an action with effects beyond stored fields (needs business logic)"
    if operation.method == "DELETE":
        return "deletes by query, not by key"
    if operation.method in ("PUT", "POST", "PATCH") and operation.body is None:
        return "changes something without a body naming what is stored"
    return "a singleton or computed endpoint with no collection or key to store it under"
