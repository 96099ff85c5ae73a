"""``envfactory report RUN --html FILE``: the run's summary and a sample of its tasks, as one page.

The page is self-contained (its style sheet inline, its charts inline SVG, no script), so it can be
mailed or attached to an issue and opened anywhere without a server or a network.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from envfactory_core.store import STORE_FILENAME, RunStore
from envfactory_core.store.pipeline import PipelineStore

from . import data
from .render import css_text, report_environment

__all__ = ["render_report", "write_report"]


def _store_path(run: Path) -> Path:
    return run / STORE_FILENAME if run.is_dir() else run


def render_report(run: Path, *, sample: int = 5) -> str:
    """The report's HTML for the run at ``run`` (a run directory or its ``run.sqlite``)."""
    path = _store_path(run)
    with RunStore(path, create=False) as store:  # applies the views and indexes a store made earlier lacks
        PipelineStore(store)
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        summary = data.run_summary(connection)
        samples: list[dict[str, Any]] = []
        for task_id in data.sample_task_ids(connection, sample):
            task = data.task_page(connection, task_id)
            if task is None:
                continue
            trajectories = [
                page
                for page in (data.trajectory_page(connection, t["trajectory_id"]) for t in task["trajectories"][:1])
                if page is not None
            ]
            samples.append({"task": task, "trajectories": trajectories})
    finally:
        connection.close()
    anchors = {sample["task"]["task_id"]: f"#task-{number}" for number, sample in enumerate(samples, start=1)}

    def link(kind: str, key: Any) -> str | None:
        return anchors.get(str(key)) if kind == "task" else None

    template = report_environment().get_template("envfactory_report.html")
    return template.render(
        title=path.parent.name, source=str(path.name), summary=summary, samples=samples, css=css_text(), link=link
    )


def write_report(run: Path, html: Path, *, sample: int = 5) -> Path:
    html.parent.mkdir(parents=True, exist_ok=True)
    html.write_text(render_report(run, sample=sample), encoding="utf-8")
    return html
