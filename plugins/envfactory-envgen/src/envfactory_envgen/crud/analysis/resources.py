"""Finding the API's collections: which paths are collections and items, how they nest, which lists are views.

The rules are those of :mod:`envfactory_envgen.crud.analysis` (the first two bullets).
"""

from __future__ import annotations

import re

from envfactory_core.naming import snake

from ...openapi.model import ApiOperation
from .ledger import ApiResource, Ledger
from .paths import ApiPath, is_action
from .schemas import ID_NAMES, list_items, schema_properties

__all__ = ["ResourceFinder"]

SEARCH_WORDS = re.compile(r"^(find|search|filter|query|lookup|by)(_|$)|_search$")


class ResourceFinder:
    """Registers the collections of an API in the ledger and answers which collection a path lists."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def find_resources(self) -> list[ApiOperation]:
        """Register collections; return the operations on paths that are not (yet) collections."""
        pending: list[ApiOperation] = []
        for operation in self.ledger.api.operations:
            path = ApiPath.of(operation.path)
            if operation.unusable:
                self.ledger.skip(operation, operation.unusable)
            elif operation.method not in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                self.ledger.skip(operation, f"{operation.method} requests do not read or change resources")
            elif path.odd_segment:
                self.ledger.skip(operation, f"custom method {path.odd_segment!r}: an action only a person could define")
            elif not path.segments:
                self.ledger.skip(operation, "the API root is not a resource")
            elif path.ends_with_param and len(path.segments) >= 2 and not ApiPath.is_param(path.segments[-2]):
                resource = self.resource(path.parent())
                if not resource.item_param:
                    resource.item_param = path.params[-1]
                {
                    "GET": resource.get_ops,
                    "DELETE": resource.delete_ops,
                    "PUT": resource.update_ops,
                    "PATCH": resource.update_ops,
                    "POST": resource.update_ops,
                }[operation.method].append(operation)
            elif path.ends_with_param:
                self.ledger.skip(operation, "two path parameters in a row do not name a collection and an item")
            else:
                pending.append(operation)
        later: list[ApiOperation] = []
        for operation in pending:
            path = ApiPath.of(operation.path)
            known = self.ledger.resources.get(path.norm)
            if known is not None:
                self.collection_op(known, operation, later)
            elif operation.method == "GET" and list_items(operation) is not None and not is_action(path.last):
                later.append(operation)
            elif operation.method == "POST" and self.creates(operation) and not is_action(path.last):
                self.collection_op(self.resource(path), operation, later)
            else:
                later.append(operation)
        # list-only collections become resources unless another rule explains them better
        remaining: list[ApiOperation] = []
        for operation in later:
            path = ApiPath.of(operation.path)
            if path.norm in self.ledger.resources:
                self.collection_op(self.ledger.resources[path.norm], operation, remaining)
            elif operation.method == "GET" and list_items(operation) is not None and not is_action(path.last):
                if self.view_target(operation) or self.related_target(operation):
                    remaining.append(operation)
                else:
                    self.collection_op(self.resource(path), operation, remaining)
            else:
                remaining.append(operation)
        return remaining

    def creates(self, operation: ApiOperation) -> bool:
        """A POST that returns the entity it stored: an object with an id, or the same schema it was sent."""
        if operation.body is None:
            return False
        response = schema_properties(operation.response)
        same = bool(operation.response_name) and operation.response_name == operation.body.schema_name
        return bool(response) and (same or any(snake(name) in ID_NAMES for name in response))

    def collection_op(self, resource: ApiResource, operation: ApiOperation, later: list[ApiOperation]) -> None:
        if operation.method == "GET":
            if list_items(operation) is not None:
                resource.list_ops.append(operation)
            else:
                later.append(operation)
        elif operation.method == "POST":
            resource.create_ops.append(operation)
        elif operation.method in ("PUT", "PATCH"):
            resource.other_ops.append(operation)
        else:
            later.append(operation)

    def resource(self, path: ApiPath) -> ApiResource:
        found = self.ledger.resources.get(path.norm)
        if found is None:
            found = ApiResource(collection=path.norm, path=path, literal=path.last)
            self.ledger.resources[path.norm] = found
        return found

    def merge_split_collections(self) -> None:
        """One collection described at two paths, e.g. ``/shelves/{name}/books`` (create, list) and
        ``/shelves/shelf_name/books/{name}`` (get, delete), where a literal stands where the other has
        a parameter: the item operations join the collection that creates and lists."""
        for item_side in list(self.ledger.resources.values()):
            if item_side.list_ops or item_side.create_ops or not item_side.item_param:
                continue
            for collection_side in self.ledger.resources.values():
                if collection_side is item_side or collection_side.item_param:
                    continue
                if not (collection_side.list_ops or collection_side.create_ops):
                    continue
                a, b = collection_side.path.segments, item_side.path.segments
                if len(a) != len(b) or a[-1] != b[-1]:
                    continue
                pairs = list(zip(a, b, strict=True))
                literal_for_param = [x for x, y in pairs if ApiPath.is_param(x) and not ApiPath.is_param(y)]
                if literal_for_param and all(x == y or ApiPath.is_param(x) for x, y in pairs):
                    collection_side.item_param = item_side.item_param
                    collection_side.get_ops.extend(item_side.get_ops)
                    collection_side.update_ops.extend(item_side.update_ops)
                    collection_side.delete_ops.extend(item_side.delete_ops)
                    del self.ledger.resources[item_side.collection]
                    self.ledger.notes.append(
                        f"{item_side.path.template} and {collection_side.path.template} are read as one collection"
                    )
                    break

    def link_parents(self) -> None:
        for resource in self.ledger.resources.values():
            prefix = resource.path.segments[:-1]
            while prefix and not ApiPath.is_param(prefix[-1]):
                prefix = prefix[:-1]
            if not prefix:
                continue
            parent_path = ApiPath("/" + "/".join(prefix[:-1]), prefix[:-1])
            resource.parent = self.ledger.resources.get(parent_path.norm)

    def search_target(self, operation: ApiOperation) -> ApiResource | None:
        """``GET /pet/findByStatus`` returning the parent collection's entity."""
        if not SEARCH_WORDS.match(snake(ApiPath.of(operation.path).last)):
            return None
        return self.view_target(operation)

    def view_target(self, operation: ApiOperation) -> ApiResource | None:
        """The collection ``GET {collection}/word`` lists entities of, when the items are its entity."""
        path = ApiPath.of(operation.path)
        parent = self.ledger.resources.get(path.parent().norm)
        if parent is None or path.ends_with_param:
            return None
        items = operation.response_item_name
        names = {op.response_name for op in parent.get_ops + parent.create_ops} | {
            op.response_item_name for op in parent.list_ops
        }
        return parent if items and items in names else None

    def related_target(self, operation: ApiOperation) -> ApiResource | None:
        """``GET /accountHolders/{id}/balanceAccounts``: another collection with the same last word."""
        path = ApiPath.of(operation.path)
        if len(path.segments) < 3 or not ApiPath.is_param(path.segments[-2]):
            return None
        owner = self.ledger.resources.get(path.parent().parent().norm)
        if owner is None:
            return None
        for resource in self.ledger.resources.values():
            if resource.literal == path.last and resource.collection != path.norm and resource.parent is None:
                return resource
        return None
