"""SQL views over the pipeline's tables: the fields of the JSON bodies as columns.

The JSON bodies stay the source of truth; these views only read them, so a person browsing a run
with ``datasette`` (or any SQLite client) can filter, sort and facet tasks by environment, kind
and reward, trajectories by agent, model and reward, and work items by drop reason, with the
database's own filters. The views are a migration set of their own (``envfactory-views``): they
change no table another package owns, and a store made before them gains them when it opens.
A later change of a view is a new step that drops and re-creates it.
"""

from __future__ import annotations

import sqlite_utils

from . import Migrations

__all__ = ["VIEWS", "views_migrations"]

views_migrations = Migrations("envfactory-views")
"""Registered by :mod:`.pipeline`, after the tables the views read."""

VIEWS: dict[str, str] = {
    # One row per kept task, with the trajectory kept for it (if any) and its first reward.
    "task_list": """
        SELECT
            t.task_id,
            t.chain_index,
            t.kind,
            json_extract(t.body, '$.environments[0]') AS environment,
            (SELECT group_concat(e.value, ' ') FROM json_each(t.body, '$.environments') AS e) AS environments,
            json_array_length(t.body, '$.turns') AS turns,
            json_array_length(t.body, '$.gold_calls') AS gold_calls,
            json_extract(t.body, '$.turns[0].request') AS request,
            json_extract(t.body, '$.evaluation') AS evaluation,
            i.trajectory_id,
            json_extract(tr.rewards, '$[0].reward') AS reward_name,
            json_extract(tr.rewards, '$[0].score') AS reward,
            json_extract(t.body, '$.chain_id') AS chain_id,
            json_extract(t.body, '$.initial_state_id') AS initial_state_id,
            json_extract(t.body, '$.gold_state_id') AS gold_state_id
        FROM tasks AS t
        LEFT JOIN items AS i ON i.chain_index = t.chain_index
        LEFT JOIN trajectories AS tr ON tr.trajectory_id = i.trajectory_id
    """,
    # One row per trajectory: who made it, how it scored, how long it is.
    "trajectory_list": """
        SELECT
            tr.trajectory_id,
            tr.task_id,
            tr.agent,
            coalesce(json_extract(tr.body, '$.metadata.model'), '') AS model,
            json_extract(tr.rewards, '$[0].reward') AS reward_name,
            json_extract(tr.rewards, '$[0].score') AS reward,
            json_extract(tr.rewards, '$[1].reward') AS second_reward_name,
            json_extract(tr.rewards, '$[1].score') AS second_reward,
            json_array_length(tr.body, '$.messages') AS messages,
            json_array_length(tr.body, '$.steps') AS steps,
            json_extract(tr.body, '$.format_errors') AS format_errors,
            json_extract(tr.body, '$.attempt') AS attempt,
            t.kind,
            json_extract(t.body, '$.environments[0]') AS environment,
            t.chain_index
        FROM trajectories AS tr
        LEFT JOIN tasks AS t ON t.task_id = tr.task_id
    """,
    # Every work item, kept or dropped, with the stage and gate that dropped it.
    "item_list": """
        SELECT
            i.chain_index,
            i.status,
            CASE WHEN i.status = 'dropped' THEN i.stage || ': ' || i.code ELSE '' END AS drop_reason,
            i.stage,
            i.code,
            i.reason,
            substr(
                json_extract(c.body, '$.tools[0]'), 1, instr(json_extract(c.body, '$.tools[0]'), '__') - 1
            ) AS environment,
            json_array_length(c.body, '$.tools') AS tools,
            i.task_id,
            i.trajectory_id,
            c.chain_id
        FROM items AS i
        LEFT JOIN chains AS c ON c.chain_index = i.chain_index
    """,
    # The environments a task uses, one row each (a task may use several).
    "task_environments": """
        SELECT t.task_id, e.value AS environment, t.kind
        FROM tasks AS t, json_each(t.body, '$.environments') AS e
    """,
    "environment_list": """
        SELECT
            e.name,
            e.domain,
            e.passed,
            json_extract(e.spec, '$.description') AS description,
            json_array_length(e.spec, '$.tools') AS tools,
            json_array_length(e.spec, '$.state_schema.tables') AS tables,
            json_extract(e.spec, '$.provenance.source') AS source,
            json_extract(e.spec, '$.provenance.url') AS url,
            json_extract(e.spec, '$.provenance.generator') AS generator,
            json_extract(e.spec, '$.provenance.license') AS license,
            json_extract(e.spec, '$.evaluation_only') AS evaluation_only,
            json_extract(e.spec, '$.trusted') AS trusted,
            json_extract(e.spec, '$.version') AS version,
            e.spec_id
        FROM environments AS e
    """,
    # Every tool of every environment, with its schemas.
    "tool_list": """
        SELECT
            e.name AS environment,
            json_extract(t.value, '$.name') AS tool,
            json_extract(t.value, '$.effect') AS effect,
            json_extract(t.value, '$.description') AS description,
            (SELECT group_concat(r.value, ', ') FROM json_each(t.value, '$.input_schema.required') AS r) AS required,
            json_extract(t.value, '$.input_schema') AS input_schema,
            json_extract(t.value, '$.output_schema') AS output_schema
        FROM environments AS e, json_each(e.spec, '$.tools') AS t
    """,
    # Every verifier's verdict on a task or trajectory, with the checks that failed.
    "gate_results": """
        SELECT
            r.subject,
            r.verifier,
            r.passed,
            (
                SELECT group_concat(json_extract(c.value, '$.name') || ': ' || json_extract(c.value, '$.detail'), '; ')
                FROM json_each(r.body, '$.checks') AS c
                WHERE json_extract(c.value, '$.passed') = 0
            ) AS failed_checks,
            json_array_length(r.body, '$.checks') AS checks
        FROM reports AS r
    """,
    # Every reward of every trajectory, with its components.
    "reward_scores": """
        SELECT
            tr.trajectory_id,
            tr.task_id,
            tr.agent,
            json_extract(r.value, '$.reward') AS reward,
            json_extract(r.value, '$.score') AS score,
            json_extract(r.value, '$.components') AS components,
            json_extract(r.value, '$.explanation') AS explanation
        FROM trajectories AS tr, json_each(tr.rewards) AS r
    """,
}
"""The views by name, as the ``SELECT`` each one is."""


@views_migrations
def m001_browse_views(db: sqlite_utils.Database) -> None:
    for name, select in VIEWS.items():
        db.execute(f"DROP VIEW IF EXISTS {name}")
        db.execute(f"CREATE VIEW {name} AS {select.strip()}")


@views_migrations
def m002_browse_indexes(db: sqlite_utils.Database) -> None:
    """Indexes a browser's pages look rows up by: a task's trajectories, the task before and after."""
    db.execute("CREATE INDEX IF NOT EXISTS ef_trajectories_task_id ON trajectories (task_id)")
    db.execute("CREATE INDEX IF NOT EXISTS ef_tasks_chain_index ON tasks (chain_index)")
