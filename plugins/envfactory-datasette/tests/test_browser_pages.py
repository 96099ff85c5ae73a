"""The pages in a real browser: headless Chromium over datasette serving a real run.

Each test opens a page the way a person would and checks what it shows: a task's user turns,
gold calls and state difference; a trajectory's transcript, reward and gates beside its task; an
environment's tool schemas and tables; the run summary's charts; the static report's charts.
Each also saves a screenshot (into docs/how-to/browse/ with ENVFACTORY_WRITE_SCREENSHOTS=1).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.slow


def _write_task(sql: Any) -> tuple[str, int]:
    """A kept write task whose gold calls change rows (so the difference has something to show)."""
    rows = sql("SELECT task_id, chain_index FROM tasks WHERE kind = 'write' ORDER BY chain_index")
    assert rows, "the run kept no write task"
    return rows[0][0], rows[0][1]


def _shot(page: Any, directory: Path, name: str) -> Path:
    path = directory / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    assert path.stat().st_size > 10_000
    return path


def test_task_page_shows_turns_gold_calls_and_state_difference(
    page: Any, datasette_url: str, sql: Any, screenshot_dir: Path
) -> None:
    task_id, _ = _write_task(sql)
    body = json.loads(sql("SELECT body FROM tasks WHERE task_id = ?", task_id)[0][0])
    page.goto(f"{datasette_url}/-/envfactory/run/task/{quote(task_id, safe=':')}")

    assert page.locator("h1").inner_text().startswith("Task sha256:")
    requests = page.locator(".ef-user-request").all_inner_texts()
    assert requests == [turn["request"] for turn in body["turns"]]
    gold_rows = page.locator(".ef-gold-call")
    assert gold_rows.count() == len(body["gold_calls"])
    first = body["gold_calls"][0]["call"]
    assert first["tool"] in gold_rows.first.inner_text()
    for name in first["arguments"]:
        assert name in gold_rows.first.inner_text()

    difference = page.locator(".ef-state-difference")
    tables = difference.locator(".ef-table-diff")
    assert tables.count() >= 1
    # Rows added or fields changed, with the values before and after.
    changed = difference.locator("table.ef-changed tbody tr, table.ef-added tbody tr, table.ef-removed tbody tr")
    assert changed.count() >= 1
    assert changed.first.is_visible()
    assert page.locator(".ef-gates tbody tr").count() >= 4  # gold_replay, noop, minimal, read_answer, ...
    _shot(page, screenshot_dir, "task")


def test_trajectory_page_shows_transcript_beside_task_with_reward_and_gates(
    page: Any, datasette_url: str, sql: Any, screenshot_dir: Path
) -> None:
    task_id, _ = _write_task(sql)
    trajectory_id, body = sql("SELECT trajectory_id, body FROM trajectories WHERE task_id = ?", task_id)[0]
    trajectory = json.loads(body)
    page.goto(f"{datasette_url}/-/envfactory/run/trajectory/{quote(trajectory_id, safe=':')}")

    messages = page.locator(".ef-transcript .ef-message")
    assert messages.count() == len(trajectory["messages"])
    roles = [m["role"] for m in trajectory["messages"]]
    for role in ("user", "assistant", "tool"):
        assert page.locator(f".ef-transcript .ef-{role}").count() == roles.count(role)
    first_call = next(call for m in trajectory["messages"] for call in m.get("tool_calls", []))
    assert first_call["name"] in page.locator(".ef-transcript .ef-tool-call").first.inner_text()
    assert page.locator(".ef-transcript .ef-tool-result").first.is_visible()

    # The task beside the transcript, in the same row of the layout.
    panes = page.locator(".ef-side-by-side > .ef-pane")
    assert panes.count() == 2
    left, right = panes.nth(0).bounding_box(), panes.nth(1).bounding_box()
    assert right["x"] > left["x"] + left["width"] - 1
    assert panes.nth(1).locator(".ef-user-request").count() >= 1

    rewards = page.locator(".ef-rewards tbody tr")
    assert rewards.count() == len(trajectory["rewards"])
    assert trajectory["rewards"][0]["reward"] in rewards.first.inner_text()
    assert "trace" in rewards.first.inner_text()  # the breakdown's components
    assert page.locator(".ef-gates").count() == 2
    _shot(page, screenshot_dir, "trajectory")


def test_environment_page_shows_tool_schemas_tables_and_provenance(
    page: Any, datasette_url: str, sql: Any, screenshot_dir: Path
) -> None:
    name, spec_text = sql("SELECT name, spec FROM environments ORDER BY name")[0]
    spec = json.loads(spec_text)
    page.goto(f"{datasette_url}/-/envfactory/run/environment/{name}")

    tools = page.locator("section.ef-tool")
    assert tools.count() == len(spec["tools"])
    tool = next(t for t in spec["tools"] if t["input_schema"].get("properties"))
    section = page.locator(f"#tool-{tool['name']}")
    parameters = section.locator(".ef-parameters tbody tr")
    assert parameters.count() == len(tool["input_schema"]["properties"])
    for parameter in tool["input_schema"]["properties"]:
        assert parameter in section.locator(".ef-parameters").inner_text()
    section.locator("details.ef-json summary").first.click()
    schema = json.loads(section.locator("details.ef-json pre").first.inner_text())
    assert schema == tool["input_schema"]

    assert page.locator("table.ef-schema").count() == len(spec["state_schema"]["tables"])
    assert "made by" in page.locator(".ef-provenance").inner_text()
    _shot(page, screenshot_dir, "environment")


def test_summary_page_draws_its_charts(page: Any, datasette_url: str, sql: Any, screenshot_dir: Path) -> None:
    page.goto(f"{datasette_url}/-/envfactory/run")
    charts = page.locator("svg.ef-chart")
    assert charts.count() >= 4  # counts by stage, drops by reason, one per reward, kinds, environments
    kept = sql("SELECT COUNT(*) FROM tasks")[0][0]
    stage_chart = charts.first
    assert f"tasks kept: {kept}" in stage_chart.get_attribute("aria-label")
    bars = stage_chart.locator("rect.ef-bar")
    assert bars.count() == 4
    assert all(bars.nth(i).bounding_box()["width"] > 0 for i in range(bars.count()))
    dropped = sql("SELECT COUNT(*) FROM items WHERE status = 'dropped'")[0][0]
    drops = page.locator("figure", has_text="Drops by reason").locator("rect.ef-bar")
    assert drops.count() >= (1 if dropped else 0)
    _shot(page, screenshot_dir, "summary")


def test_task_list_facets_and_links_to_pages(page: Any, datasette_url: str, sql: Any) -> None:
    page.goto(f"{datasette_url}/run/task_list")
    facets = page.locator(".facet-info")
    names = [facets.nth(i).get_attribute("data-column") for i in range(facets.count())]
    assert {"environment", "kind", "reward"} <= set(names)
    page.locator("td.col-task_id a").first.click()
    page.wait_for_load_state()
    assert "/-/envfactory/run/task/" in page.url
    assert page.locator(".ef-user-request").count() >= 1


def test_keyboard_moves_between_tasks_and_focus_is_visible(page: Any, datasette_url: str, sql: Any) -> None:
    task_id, _ = _write_task(sql)
    page.goto(f"{datasette_url}/-/envfactory/run/task/{quote(task_id, safe=':')}")
    following = page.locator("a[rel=next]").get_attribute("href")
    page.keyboard.press("n")
    page.wait_for_url(f"**{following}")
    assert page.locator(".ef-user-request").count() >= 1
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("s")
    page.wait_for_url("**/-/envfactory/run")


def test_dark_scheme_is_dark_and_readable(browser_context: Any, datasette_url: str) -> None:
    page = browser_context.new_page()
    try:
        page.emulate_media(color_scheme="dark")
        page.goto(f"{datasette_url}/-/envfactory/run")
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        colour = page.evaluate("getComputedStyle(document.querySelector('h1')).color")
    finally:
        page.close()

    def luminance(css: str) -> float:
        r, g, b = (int(part) for part in css[css.index("(") + 1 : css.index(")")].split(",")[:3])
        return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255

    assert luminance(background) < 0.2
    assert luminance(colour) > 0.7


def test_report_page_renders_its_charts_offline(
    page: Any, real_run: Path, envfactory_command: list[str], tmp_path: Path, screenshot_dir: Path
) -> None:
    html = tmp_path / "report.html"
    subprocess.run([*envfactory_command, "report", str(real_run), "--html", str(html), "--sample", "3"], check=True)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(html.as_uri())
    charts = page.locator("svg.ef-chart")
    assert charts.count() >= 4
    for index in range(charts.count()):
        box = charts.nth(index).bounding_box()
        assert box["width"] > 100
        assert box["height"] > 10
    assert page.locator("svg.ef-chart rect.ef-bar").count() >= 8
    assert page.locator(".ef-sample").count() == 3
    assert page.locator(".ef-sample .ef-transcript").count() >= 1
    assert requests == [html.as_uri()], "the report loaded something besides itself"
    _shot(page, screenshot_dir, "report")
