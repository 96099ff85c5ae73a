"""Inferring resources, keys and CRUD semantics from an API description.

The rules, in the order they apply:

* A **resource** is a collection path (``/pets``, ``/v1/Services/{ServiceSid}/Documents``) that has an
  item path under it (``/pets/{id}``), or lists entities (``GET`` returning an array or a page with
  one array property), or creates them (``POST`` returning an object). Paths whose last word is a verb
  (``/pins/change``, ``/registries/ping``) are actions, not collections.
* A resource nested under another's item path (``/Services/{ServiceSid}/Documents``) is its **child**:
  its key is the parent's key plus its own, creating one requires the parent, deleting the parent
  deletes it.
* Its **columns** are the properties of the entity (the item ``GET`` response, else the create
  response, else the list items, else the create body), of the create body and of the update body,
  snake_cased; properties the service sets (in the response only, or ``readOnly``) are not inputs.
* The **own key** is the item path's parameter, matched to an entity property (``{petId}`` → ``id``,
  ``{Sid}`` → ``sid``, ``{project_name}`` → ``name``); without an item path it is the entity's id.
* ``GET`` collection → **list** (query parameters that name a column filter it, pagination is
  honoured, others are left off and reported); ``POST`` collection → **create**; ``GET`` item →
  **get**; ``PUT``/``PATCH``/``POST`` item → **update**; ``DELETE`` item → **delete**.
  ``GET /pet/findByStatus`` (a list of the parent's entity) is a filtered list;
  ``GET /accountHolders/{id}/balanceAccounts`` is a list of another resource filtered by the column
  that links them. An action on an item (``PUT /users/{id}/sysadmin``) is an update when every field
  it takes is a column of the item.
* Everything else is **skipped** with the reason: no fake semantics.

The units, each in its own module: :mod:`.paths` (collection and item paths), :mod:`.schemas`
(reading operation schemas), :mod:`.resources` (finding collections), :mod:`.keys` (own keys and
key kinds), :mod:`.bodies` (request bodies and envelopes), :mod:`.tables` (a table per collection),
:mod:`.arguments` (parameters to arguments), :mod:`.tools` (operations to tools), :mod:`.reasons`
(why an operation is skipped); :mod:`.ledger` holds what one analysis has found so far.
"""

from __future__ import annotations

from ...naming import identifier
from ...openapi.model import ApiDocument
from ..plan import CrudPlan, TablePlan
from .arguments import ArgumentMapper
from .ledger import Ledger
from .paths import ApiPath
from .reasons import why_not
from .resources import ResourceFinder
from .schemas import list_items
from .tables import build_table, table_names
from .tools import ToolWriter

__all__ = ["analyse_api"]


def analyse_api(api: ApiDocument, name: str, *, keep_operation_names: bool = False) -> CrudPlan:
    """Infer the CRUD plan of ``api`` for an environment called ``name``.

    Tools get CRUD names (``list_pets``, ``get_pet``) unless ``keep_operation_names`` (then each tool is
    named after its operation id, as when the operations are tools of a spec already).
    """
    return _run(Ledger(api, name, keep_operation_names=keep_operation_names))


def _run(ledger: Ledger) -> CrudPlan:
    finder = ResourceFinder(ledger)
    tools = ToolWriter(ledger, finder, ArgumentMapper(ledger))
    remaining = finder.find_resources()
    finder.merge_split_collections()
    finder.link_parents()
    names = table_names(ledger.resources.values())
    ordered = sorted(ledger.resources.values(), key=lambda r: (len(r.path.segments), r.collection))
    tables: list[TablePlan] = []
    for resource in ordered:
        table = build_table(ledger, resource, names[resource.collection])
        if table is None:
            for operation in resource.ops + resource.other_ops:
                ledger.skip(operation, f"no schema describes the entities at {resource.path.template}")
            continue
        resource.table = table
        ledger.item_params[table.name] = resource.item_param
        tables.append(table)
    for resource in ordered:
        if resource.table is None:
            continue
        for operation in resource.list_ops:
            tools.list_tool(resource, operation)
        for operation in resource.create_ops:
            tools.create_tool(resource, operation)
        for operation in resource.get_ops:
            tools.item_tool(resource, operation, "get")
        for operation in resource.update_ops:
            tools.item_tool(resource, operation, "update")
        for operation in resource.delete_ops:
            tools.item_tool(resource, operation, "delete")
        for operation in resource.other_ops:
            if operation.method in ("PUT", "PATCH") and operation.body is not None:
                tools.update_by_body(resource, operation)
            else:
                ledger.skip(operation, "an unrecognised operation on a collection")
    for operation in remaining:
        if id(operation) in ledger.handled:
            continue
        path = ApiPath.of(operation.path)
        if operation.method == "GET" and list_items(operation) is not None:
            search = finder.search_target(operation)
            if search is not None and search.table is not None:
                tools.list_tool(search, operation, kind_name=identifier(operation.operation_id))
                continue
            if tools.related_list(operation):
                continue
        if tools.item_action(operation):
            continue
        ledger.skip(operation, why_not(finder, operation, path))
    if ledger.headers_seen:
        ledger.notes.append("header and cookie parameters (auth, request ids, ETags) are transport details; left out")
    plan_tables = _prune(tables, ledger)
    order = {operation.label: index for index, operation in enumerate(ledger.api.operations)}
    return CrudPlan(
        environment=ledger.name,
        title=ledger.api.title,
        description=ledger.api.description,
        source=ledger.api.path,
        tables=tuple(plan_tables),
        tools=tuple(ledger.tools),
        skipped=tuple(sorted(ledger.skipped, key=lambda s: order.get(s.operation, 0))),
        skipped_parameters=tuple(ledger.skipped_parameters),
        notes=tuple(dict.fromkeys(ledger.notes)),
        license=ledger.api.license,
        url=ledger.api.servers[0] if ledger.api.servers else "",
        version=ledger.api.version,
    )


def _prune(tables: list[TablePlan], ledger: Ledger) -> list[TablePlan]:
    """Keep tables some tool uses, and their ancestors."""
    used = {tool.table for tool in ledger.tools}
    by_name = {table.name: table for table in tables}
    keep: set[str] = set()
    for name in used:
        while name and name not in keep:
            keep.add(name)
            name = by_name[name].parent if name in by_name else ""
    return [table for table in tables if table.name in keep]
