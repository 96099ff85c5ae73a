"""The datasette side of the plugin: pages, links between rows, decoded blobs, facets, canned queries.

Only databases that are envfactory run stores (they have ``tasks`` and ``items`` tables) get the
pages, facets and queries; other databases served beside them are left as datasette shows them.
Pages live under ``/-/envfactory/DATABASE``: the run summary there, and ``/task/ID``,
``/trajectory/ID``, ``/environment/NAME``, ``/chain/INDEX`` below it. Each page reads only the rows
it shows; lists are datasette's own paginated table pages over the store's views.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

import pluggy
from datasette.utils import tilde_decode
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup

from .. import data
from ..render import ef_json, setup_environment

hookimpl = pluggy.HookimplMarker("datasette")
"""datasette's own marker (``datasette.hookimpl`` is this), typed."""

__all__ = [
    "FACETS",
    "canned_queries",
    "database_actions",
    "extra_body_script",
    "extra_css_urls",
    "get_metadata",
    "menu_links",
    "prepare_connection",
    "prepare_jinja2_environment",
    "register_routes",
    "render_cell",
    "startup",
]

PREFIX = "/-/envfactory"

FACETS: dict[str, list[str]] = {
    "task_list": ["environment", "kind", "reward", "evaluation"],
    "trajectory_list": ["environment", "agent", "model", "reward"],
    "item_list": ["status", "drop_reason", "environment"],
    "task_environments": ["environment", "kind"],
    "environment_list": ["domain", "passed", "generator"],
    "tool_list": ["environment", "effect"],
    "gate_results": ["verifier", "passed"],
    "reward_scores": ["reward", "score", "agent"],
    "tasks": ["kind"],
    "trajectories": ["agent"],
    "items": ["status", "stage", "code"],
    "blobs": ["kind"],
}
"""Facets each table and view opens with (datasette's own, so any other column can be added)."""

DESCRIPTIONS = {
    "task_list": "Kept tasks, one row each, with the first reward of their trajectory. Open a task_id for its page.",
    "trajectory_list": "Trajectories with agent, model and rewards. Open a trajectory_id for its transcript.",
    "item_list": "Every sampled chain that was processed: kept, or dropped with the stage and code that dropped it.",
    "environment_list": "The run's environments. Open a name for its tools, tables, policy and provenance.",
    "tool_list": "Every tool of every environment with its input and output schema.",
    "gate_results": "Every verifier's verdict on every task and trajectory, with the checks that failed.",
    "reward_scores": "Every reward of every trajectory, with its components.",
    "task_environments": "Which environments each task uses.",
}

QUERIES: dict[str, dict[str, str]] = {
    "drops_by_reason": {
        "title": "Dropped chains by stage and reason",
        "sql": "select stage, code, count(*) as dropped, min(reason) as example from items "
        "where status = 'dropped' group by stage, code order by dropped desc",
    },
    "reward_distribution": {
        "title": "Reward distribution (tenths)",
        "sql": "select reward, round(score, 1) as score, count(*) as trajectories from reward_scores "
        "group by reward, round(score, 1) order by reward, score",
    },
    "lowest_rewards": {
        "title": "Trajectories with the lowest first reward",
        "sql": "select trajectory_id, task_id, agent, model, reward_name, reward, environment from trajectory_list "
        "order by reward asc limit 100",
    },
    "failed_gates": {
        "title": "Gate reports that failed",
        "sql": "select subject, verifier, failed_checks from gate_results where passed = 0 limit 500",
    },
    "llm_cost": {
        "title": "LLM calls, tokens and cost by stage and model",
        "sql": "select stage, model, count(*) as calls, sum(cached) as cached, sum(input_tokens) as input_tokens, "
        "sum(output_tokens) as output_tokens, round(sum(cost_usd), 6) as cost_usd from llm_calls "
        "group by stage, model order by cost_usd desc",
    },
    "world_state": {
        "title": "A world state (or any blob), decoded",
        "sql": "select id, kind, envfactory_blob(encoding, body) as value from blobs where id = :id",
    },
}

JSON_COLUMNS = frozenset(
    {"body", "spec", "report", "detail", "rewards", "input_schema", "output_schema", "components", "config"}
)
CHAIN_TABLES = frozenset({"items", "chains", "tasks", "task_list", "trajectory_list", "item_list"})
ENVIRONMENT_COLUMNS = frozenset({"environment"})

_RUN_STORES: dict[int, set[str]] = {}
"""Names of the databases that are run stores, per datasette instance (found at start-up)."""


def _stores(datasette: Any) -> set[str]:
    return _RUN_STORES.get(id(datasette), set())


@hookimpl
def startup(datasette: Any) -> Callable[[], Any]:
    async def find_run_stores() -> None:
        found = set()
        for name, database in datasette.databases.items():
            if name.startswith("_"):
                continue
            if await database.table_exists("tasks") and await database.table_exists("items"):
                found.add(name)
        _RUN_STORES[id(datasette)] = found

    return find_run_stores


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    """``envfactory_blob(encoding, body)``: a blob's value as JSON text, for SQL of one's own."""

    def envfactory_blob(encoding: str, body: bytes | str | None) -> str | None:
        if body is None:
            return None
        return json.dumps(data.decode_blob(encoding, body), ensure_ascii=False, sort_keys=True)

    conn.create_function("envfactory_blob", 2, envfactory_blob, deterministic=True)


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    setup_environment(env)


@hookimpl
def get_metadata(datasette: Any, key: str, database: str | None, table: str | None) -> dict[str, Any]:
    tables = {
        name: {"facets": facets, **({"description": DESCRIPTIONS[name]} if name in DESCRIPTIONS else {})}
        for name, facets in FACETS.items()
    }
    tables["task_list"]["sort"] = "chain_index"
    tables["item_list"]["sort"] = "chain_index"
    return {"databases": {name: {"tables": tables} for name in _stores(datasette)}}


@hookimpl
def canned_queries(datasette: Any, database: str, actor: Any) -> dict[str, dict[str, str]] | None:
    if database not in _stores(datasette):
        return None
    return QUERIES


@hookimpl
def extra_css_urls(datasette: Any) -> list[str]:
    return [datasette.urls.static_plugins("envfactory_datasette", "envfactory.css")]


@hookimpl
def extra_body_script() -> str:
    # datasette's own pages take the envfactory colours too (dark when the system is dark).
    return "document.body.classList.add('envfactory');"


@hookimpl
def menu_links(datasette: Any) -> list[dict[str, str]]:
    return [
        {"href": datasette.urls.path(f"{PREFIX}/{quote(name)}"), "label": f"Run summary: {name}"}
        for name in sorted(_stores(datasette))
    ]


@hookimpl
def database_actions(datasette: Any, database: str) -> list[dict[str, str]] | None:
    if database not in _stores(datasette):
        return None
    return [{"href": datasette.urls.path(f"{PREFIX}/{quote(database)}"), "label": "Run summary and charts"}]


# --- links between rows ------------------------------------------------------------------------


def page_url(datasette: Any, database: str, kind: str, key: Any) -> str:
    return str(datasette.urls.path(f"{PREFIX}/{quote(database)}/{kind}/{quote(str(key), safe=':')}"))


def linker(datasette: Any, database: str) -> Callable[[str, Any], str | None]:
    """The ``link(kind, key)`` the templates use: the address of another page of this run."""

    def link(kind: str, key: Any) -> str | None:
        if key in (None, ""):
            return None
        if kind in ("task", "trajectory", "environment", "chain", "subject"):
            return page_url(datasette, database, kind, key)
        if kind == "tasks_of":
            return str(datasette.urls.table(database, "task_environments")) + "?" + urlencode({"environment": key})
        if kind == "tools_of":
            return str(datasette.urls.table(database, "tool_list")) + "?" + urlencode({"environment": key})
        return None

    return link


def _anchor(href: str, text: str) -> Markup:
    return Markup('<a href="{}">{}</a>').format(href, text)


@hookimpl
def render_cell(value: Any, column: str, table: str | None, database: str, datasette: Any) -> Markup | None:
    if database not in _stores(datasette) or value in (None, ""):
        return None
    link = linker(datasette, database)
    if table == "blobs" and column == "body" and isinstance(value, bytes):
        return _blob_cell(value)
    if column in ("task_id", "trajectory_id") and isinstance(value, str):
        return _anchor(link(column.removesuffix("_id"), value) or "", value)
    if column == "subject" and isinstance(value, str):
        return _anchor(link("subject", value) or "", value)
    if column == "chain_index" and table in CHAIN_TABLES and isinstance(value, int):
        return _anchor(link("chain", value) or "", str(value))
    if (column in ENVIRONMENT_COLUMNS or (column == "name" and table in ("environments", "environment_list"))) and (
        isinstance(value, str)
    ):
        return _anchor(link("environment", value) or "", value)
    if column in JSON_COLUMNS and isinstance(value, str) and value[:1] in "{[":
        try:
            parsed = json.loads(value)
        except ValueError:
            return None
        folded = '<details class="ef-json"><summary>JSON, {:,} characters</summary><pre>{}</pre></details>'
        return Markup(folded).format(len(value), ef_json(parsed, limit=5000))
    return None


def _blob_cell(body: bytes) -> Markup:
    try:
        value = data.decode_blob("zlib-json", body)
    except (ValueError, zlib.error) as error:
        return Markup("<em>cannot decode: {}</em>").format(str(error))
    return Markup('<details class="ef-json"><summary>{}</summary><pre>{}</pre></details>').format(
        _describe(value), ef_json(value, limit=5000)
    )


def _describe(value: Any) -> str:
    """A one-line description of a decoded blob: a world state's environments, tables and rows."""
    if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
        tables = sum(len(v) for v in value.values())
        rows = sum(len(rows) for v in value.values() for rows in v.values() if isinstance(rows, dict))
        if rows:
            return f"world state: {len(value)} environments, {tables} tables, {rows:,} rows"
    if isinstance(value, dict):
        nodes, edges = value.get("nodes"), value.get("edges")
        if isinstance(nodes, list) and isinstance(edges, list):
            return f"tool graph: {len(nodes):,} nodes, {len(edges):,} edges"
        return f"JSON object, {len(value)} keys"
    return f"JSON {type(value).__name__}"


# --- pages ---------------------------------------------------------------------------------------


async def _database(datasette: Any, request: Any) -> tuple[str, Any]:
    name = request.url_vars["database"]
    if name not in _stores(datasette):
        raise NotFound(f"{name} is not an envfactory run store")
    return name, datasette.get_database(name)


async def _render(datasette: Any, request: Any, template: str, name: str, title: str, page: Any) -> Response:
    context = {
        "page": page,
        "page_title": title,
        "database": name,
        "link": linker(datasette, name),
        "summary_url": datasette.urls.path(f"{PREFIX}/{quote(name)}"),
        "browse_links": [
            (label, datasette.urls.table(name, table))
            for label, table in (
                ("tasks", "task_list"),
                ("trajectories", "trajectory_list"),
                ("work items and drops", "item_list"),
                ("environments", "environment_list"),
                ("tools", "tool_list"),
                ("gate results", "gate_results"),
                ("rewards", "reward_scores"),
            )
        ],
    }
    return Response.html(await datasette.render_template(template, context, request=request))


def _page_view(kind: str, reader: Callable[[sqlite3.Connection, Any], Any], convert: Callable[[str], Any] = str) -> Any:
    async def view(datasette: Any, request: Any) -> Response:
        name, database = await _database(datasette, request)
        raw = tilde_decode(request.url_vars["key"])  # datasette rewrites %XX in paths to ~XX
        try:
            key = convert(raw)
        except ValueError as error:
            raise NotFound(f"{kind} {raw!r} is not a valid key") from error
        page = await database.execute_fn(lambda connection: reader(connection, key))
        if page is None:
            raise NotFound(f"no {kind} {raw} in {name}")
        return await _render(datasette, request, f"envfactory_{kind}.html", name, f"{kind} {raw}", page)

    return view


async def summary_view(datasette: Any, request: Any) -> Response:
    name, database = await _database(datasette, request)
    page = await database.execute_fn(data.run_summary)
    return await _render(datasette, request, "envfactory_summary.html", name, f"run summary {name}", page)


async def subject_view(datasette: Any, request: Any) -> Response:
    """A gate report's subject: a task or a trajectory; redirect to its page."""
    name, database = await _database(datasette, request)
    key = tilde_decode(request.url_vars["key"])

    def kind_of(connection: sqlite3.Connection) -> str | None:
        if connection.execute("SELECT 1 FROM tasks WHERE task_id = ?", (key,)).fetchone():
            return "task"
        if connection.execute("SELECT 1 FROM trajectories WHERE trajectory_id = ?", (key,)).fetchone():
            return "trajectory"
        if connection.execute("SELECT 1 FROM environments WHERE name = ?", (key,)).fetchone():
            return "environment"
        return None

    kind = await database.execute_fn(kind_of)
    if kind is None:
        raise NotFound(f"no task, trajectory or environment {key} in {name}")
    return Response.redirect(page_url(datasette, name, kind, key))


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    key = r"(?P<key>[^/]+)"
    database = r"(?P<database>[^/]+)"
    return [
        (rf"^{PREFIX}/{database}$", summary_view),
        (rf"^{PREFIX}/{database}/task/{key}$", _page_view("task", data.task_page)),
        (rf"^{PREFIX}/{database}/trajectory/{key}$", _page_view("trajectory", data.trajectory_page)),
        (rf"^{PREFIX}/{database}/environment/{key}$", _page_view("environment", data.environment_page)),
        (rf"^{PREFIX}/{database}/chain/{key}$", _page_view("chain", data.chain_page, int)),
        (rf"^{PREFIX}/{database}/subject/{key}$", subject_view),
    ]
