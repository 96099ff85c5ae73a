"""The plugin inside datasette, in process: pages, 404s, linked and decoded cells, facets, queries."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from datasette.app import Datasette
from envfactory_testing.export_items import example_export, write_run_store


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from envfactory_core.models import ToolChain
    from envfactory_core.store import RunStore
    from envfactory_core.store.pipeline import PipelineStore

    directory = write_run_store(example_export(tasks=4), tmp_path_factory.mktemp("plugin") / "run")
    with RunStore(directory) as store:  # the test kit's store has no sampled chains: add one
        PipelineStore(store).save_chains([ToolChain(tools=("bookshop__search_books", "bookshop__get_book"))])
    return directory


def _get(run: Path, *paths: str) -> list[Any]:
    async def fetch() -> list[Any]:
        instance = Datasette([str(run / "run.sqlite")])
        await instance.invoke_startup()
        return [await instance.client.get(path) for path in paths]

    # A thread of its own: Playwright's sync API keeps an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, fetch()).result()


def test_pages_answer_and_unknown_keys_are_404(run: Path) -> None:
    import sqlite3

    connection = sqlite3.connect(run / "run.sqlite")
    task_id = connection.execute("SELECT task_id FROM tasks").fetchone()[0]
    trajectory_id = connection.execute("SELECT trajectory_id FROM trajectories").fetchone()[0]
    connection.close()
    responses = _get(
        run,
        "/-/envfactory/run",
        f"/-/envfactory/run/task/{quote(task_id, safe=':')}",
        f"/-/envfactory/run/trajectory/{quote(trajectory_id, safe=':')}",
        "/-/envfactory/run/environment/bookshop",
        "/-/envfactory/run/chain/0",
        "/-/envfactory/run/task/sha256:nothing",
        "/-/envfactory/run/chain/not-a-number",
        "/-/envfactory/elsewhere",
        f"/-/envfactory/run/subject/{quote(task_id, safe=':')}",
    )
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 200, 404, 404, 404, 302]
    assert responses[-1].headers["location"].endswith(f"/task/{task_id}")


def test_cells_link_to_pages_and_blobs_are_decoded(run: Path) -> None:
    tasks, blobs, trajectories = _get(run, "/run/task_list", "/run/blobs", "/run/trajectory_list")
    assert "/-/envfactory/run/task/sha256:" in tasks.text
    assert "/-/envfactory/run/environment/" in tasks.text
    assert "world state:" in blobs.text
    assert "&lt;Binary" not in blobs.text
    assert "/-/envfactory/run/trajectory/sha256:" in trajectories.text


def test_views_open_with_facets_and_canned_queries_exist(run: Path) -> None:
    tasks, items, database, drops = _get(
        run,
        "/run/task_list.json?_extra=facet_results",
        "/run/item_list.json?_extra=facet_results",
        "/run.json",
        "/run/drops_by_reason.json",
    )
    assert {"environment", "kind", "reward"} <= set(tasks.json()["facet_results"])
    assert {"status", "drop_reason"} <= set(items.json()["facet_results"])
    queries = {query["name"] for query in database.json()["queries"]}
    assert {"drops_by_reason", "reward_distribution", "llm_cost", "world_state", "failed_gates"} <= queries
    assert drops.status_code == 200


def test_world_state_query_decodes_a_blob(run: Path) -> None:
    import sqlite3

    connection = sqlite3.connect(run / "run.sqlite")
    blob_id = connection.execute("SELECT id FROM blobs WHERE kind = 'world_state'").fetchone()[0]
    connection.close()
    (response,) = _get(run, f"/run/world_state.json?id={quote(blob_id)}&_shape=array")
    assert response.json()[0]["value"].startswith("{")
