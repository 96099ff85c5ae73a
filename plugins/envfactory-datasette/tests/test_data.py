"""What the pages show, read from a store: state differences, pages, the summary, decoded blobs."""

from __future__ import annotations

import sqlite3
import zlib
from pathlib import Path

import pytest
from envfactory_datasette import data
from envfactory_datasette.charts import bar_chart
from envfactory_testing.export_items import example_export, write_run_store


@pytest.fixture(scope="module")
def connection(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    run = write_run_store(example_export(tasks=6), tmp_path_factory.mktemp("data") / "run")
    return sqlite3.connect(run / "run.sqlite", check_same_thread=False)


def test_state_difference_lists_rows_added_removed_and_fields_changed() -> None:
    before = {"shop": {"orders": {"1": {"id": 1, "status": "open"}, "2": {"id": 2, "status": "open"}}}}
    after = {"shop": {"orders": {"1": {"id": 1, "status": "paid"}, "3": {"id": 3, "status": "open"}}}}
    (table,) = data.state_difference(before, after)
    assert (table.environment, table.table) == ("shop", "orders")
    assert table.added == ({"id": 3, "status": "open"},)
    assert table.removed == ({"id": 2, "status": "open"},)
    assert table.changed == ({"key": "1", "fields": [{"field": "status", "before": "open", "after": "paid"}]},)
    assert table.columns == ("id", "status")


def test_state_difference_is_cut_past_the_row_limit() -> None:
    after = {"e": {"t": {str(i): {"id": i} for i in range(data.DIFF_ROW_LIMIT + 7)}}}
    (table,) = data.state_difference({}, after)
    assert len(table.added) == data.DIFF_ROW_LIMIT
    assert table.more == 7
    assert table.count == data.DIFF_ROW_LIMIT + 7


def test_task_page_has_turns_gold_calls_and_the_difference(connection: sqlite3.Connection) -> None:
    task_id = connection.execute(
        "SELECT task_id FROM task_list WHERE kind = 'write' AND initial_state_id != gold_state_id ORDER BY chain_index"
    ).fetchone()[0]
    page = data.task_page(connection, task_id)
    assert page is not None
    assert page["turns"][0]["request"]
    gold = [call for turn in page["turns"] for call in turn["gold"]]
    assert len(gold) == len(page["task"]["gold_calls"])
    assert all(call["tool"] for call in gold)
    assert page["difference"], "a write task's gold calls change the state"
    assert page["trajectories"]
    assert data.task_page(connection, "sha256:nothing") is None


def test_trajectory_page_pairs_tool_results_with_their_calls(connection: sqlite3.Connection) -> None:
    trajectory_id = connection.execute("SELECT trajectory_id FROM trajectories").fetchone()[0]
    page = data.trajectory_page(connection, trajectory_id)
    assert page is not None
    calls = {c["id"]: c["name"] for m in page["messages"] for c in m.get("tool_calls", [])}
    results = [m for m in page["messages"] if m["role"] == "tool"]
    assert results
    assert all(m["answers"] == calls[m["tool_call_id"]] for m in results)
    assert page["task"]["task_id"] == page["task_id"]
    assert page["final_vs_gold"] == []  # the oracle reaches the gold state


def test_environment_page_lists_parameters_with_types(connection: sqlite3.Connection) -> None:
    page = data.environment_page(connection, "bookshop")
    assert page is not None
    parameters = {p["name"]: p for tool in page["tools"] for p in tool["parameters"]}
    assert parameters
    assert all(p["type"] for p in parameters.values())
    assert any(p["required"] for p in parameters.values())
    assert page["tables"]
    assert data.environment_page(connection, "nowhere") is None


def test_run_summary_counts_and_histograms(connection: sqlite3.Connection) -> None:
    summary = data.run_summary(connection)
    assert summary["counts"]["tasks kept"] == 6
    assert summary["counts"]["trajectories"] == 6
    for reward in summary["rewards"]:
        assert sum(count for _, count in reward["histogram"]) == reward["count"] == 6
        assert len(reward["histogram"]) == data.HISTOGRAM_BINS
    assert summary["llm"] == []


def test_run_summary_adds_up_llm_cost_by_stage_and_model(tmp_path: Path) -> None:
    from envfactory_core.llm.storage import llm_migrations  # noqa: F401  (its tables)
    from envfactory_core.store import RunStore

    with RunStore(tmp_path / "run") as store:
        for seq, (stage, cost) in enumerate([("write", 0.25), ("write", 0.5), ("refine", 0.125)]):
            store.connection.execute(
                "INSERT INTO llm_calls (seq, stage, model, cached, input_tokens, output_tokens, cost_usd) "
                "VALUES (?, ?, 'm', 0, 10, 5, ?)",
                (seq, stage, cost),
            )
        summary = data.run_summary(store.connection)
    assert summary["llm_cost"] == 0.875
    assert summary["llm_bars"] == [("write · m", 0.75), ("refine · m", 0.125)]


def test_sample_spreads_over_the_run_and_repeats(connection: sqlite3.Connection) -> None:
    first = data.sample_task_ids(connection, 3)
    assert len(first) == 3
    assert len(set(first)) == 3
    assert data.sample_task_ids(connection, 3) == first


def test_blobs_decode(connection: sqlite3.Connection) -> None:
    encoding, body = connection.execute("SELECT encoding, body FROM blobs LIMIT 1").fetchone()
    state = data.decode_blob(encoding, body)
    assert isinstance(state, dict)
    assert data.decode_blob("zlib-json", zlib.compress(b'{"a": 1}')) == {"a": 1}


def test_bar_chart_scales_bars_and_escapes_labels() -> None:
    svg = str(bar_chart("Drops", [("gate: <noop>", 4), ("ground", 2)]))
    assert svg.count('class="ef-bar"') == 2
    assert "&lt;noop&gt;" in svg
    assert 'width="320"' in svg  # the longest bar fills the width
    assert 'width="160"' in svg
    assert "none in this run" in str(bar_chart("Drops", []))


def test_json_is_cut_at_the_limit() -> None:
    from envfactory_datasette.render import ef_json

    big = {"rows": [{"id": i, "name": f"row {i}"} for i in range(10_000)]}
    text = ef_json(big, limit=500)
    assert len(text) < 600
    assert text.endswith("(cut here)")
    assert ef_json({"a": [1, 2]}, compact=True) == '{"a": [1, 2]}'


def test_a_generated_environment_shows_its_document_and_operations(tmp_path: Path) -> None:
    import json

    from envfactory_core.store import RunStore

    document = {
        "openapi": "3.0.0",
        "paths": {"/pets": {"get": {"operationId": "listPets"}, "post": {}}, "/pets/{id}": {"delete": {}}},
    }
    run = write_run_store(example_export(tasks=1, variants=False), tmp_path / "run")
    with RunStore(run) as store:
        generated = store.put_blob(
            "envgen_generated",
            {
                "resources": [{"kind": "openapi", "name": "pets", "uri": "pets.json", "text": json.dumps(document)}],
                "skipped": [{"operation": "GET /health", "reason": "reads no state", "source": "pets"}],
            },
        )
        store.connection.execute(
            # The store may already hold envgen's table (its migrations run where the plugin is installed).
            "CREATE TABLE IF NOT EXISTS envgen_builds (key TEXT, name TEXT, source TEXT, builder TEXT, model TEXT, "
            "status TEXT, generated TEXT, report TEXT, reason TEXT, iterations INTEGER, sequence INTEGER)"
        )
        store.connection.execute(
            "INSERT INTO envgen_builds (key, name, source, builder, model, status, generated, report, reason, "
            "iterations, sequence) "
            "VALUES ('k', 'bookshop', 'pets.json', 'envgen/crud', '', 'verified', ?, '', '', 2, 1)",
            (generated,),
        )
        page = data.environment_page(store.connection, "bookshop")
    assert page is not None
    assert page["build"]["builder"] == "envgen/crud"
    (resource,) = page["build"]["resources"]
    assert resource["operations"] == ["GET /pets (listPets)", "POST /pets", "DELETE /pets/{id}"]
    assert page["build"]["skipped"][0]["operation"] == "GET /health"
    from envfactory_datasette.render import report_environment

    template = report_environment().get_template("_envfactory_environment_body.html")
    html = template.render(page=page, link=lambda kind, key: None)
    assert "GET /pets (listPets)" in html
    assert "reads no state" in html
