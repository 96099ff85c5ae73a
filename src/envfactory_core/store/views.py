"""SQL views over the pipeline's tables: the fields of the JSON bodies as columns.

The JSON bodies stay the source of truth; the views read them, so a person browsing a run with
``datasette`` (or any SQLite client) can filter, sort and facet tasks by environment, kind and
reward, trajectories by agent, model and reward, and work items by drop reason, with the
database's own filters. The few fields that live in the large bodies (a task's environments, a
trajectory's model) are copied into small ``*_fields`` tables by triggers when a row is written,
so a facet over 10,000 tasks reads a few hundred kilobytes instead of parsing every body.

This is a migration set of its own (``envfactory-views``): it adds views, its own tables, triggers
and indexes, and changes no column or row of a table another package owns; a store made before it
gains it when it opens. A later change of a view is a new step that drops and re-creates it.
"""

from __future__ import annotations

import sqlite_utils

from . import Migrations

__all__ = ["FIELDS", "VIEWS", "views_migrations"]

views_migrations = Migrations("envfactory-views")
"""Registered by :mod:`.pipeline`, after the tables the views read."""

FIELDS: dict[str, tuple[str, str, dict[str, str]]] = {
    "task_fields": (
        "tasks",
        "task_id",
        {
            "chain_index": "NEW.chain_index",
            "kind": "NEW.kind",
            "environment": "json_extract(NEW.body, '$.environments[0]')",
            "environments": "(SELECT group_concat(e.value, ' ') FROM json_each(NEW.body, '$.environments') AS e)",
            "environment_list": "json_extract(NEW.body, '$.environments')",
            "turns": "json_array_length(NEW.body, '$.turns')",
            "gold_calls": "json_array_length(NEW.body, '$.gold_calls')",
            "request": "json_extract(NEW.body, '$.turns[0].request')",
            "evaluation": "json_extract(NEW.body, '$.evaluation')",
            "chain_id": "json_extract(NEW.body, '$.chain_id')",
            "initial_state_id": "json_extract(NEW.body, '$.initial_state_id')",
            "gold_state_id": "json_extract(NEW.body, '$.gold_state_id')",
        },
    ),
    "trajectory_fields": (
        "trajectories",
        "trajectory_id",
        {
            "task_id": "NEW.task_id",
            "agent": "NEW.agent",
            "model": "coalesce(json_extract(NEW.body, '$.metadata.model'), '')",
            "messages": "json_array_length(NEW.body, '$.messages')",
            "steps": "json_array_length(NEW.body, '$.steps')",
            "format_errors": "json_extract(NEW.body, '$.format_errors')",
            "attempt": "json_extract(NEW.body, '$.attempt')",
            "reward_name": "json_extract(NEW.rewards, '$[0].reward')",
            "reward": "json_extract(NEW.rewards, '$[0].score')",
            "second_reward_name": "json_extract(NEW.rewards, '$[1].reward')",
            "second_reward": "json_extract(NEW.rewards, '$[1].score')",
        },
    ),
}
"""Fields read out of the large JSON bodies once, when a row is written, by table: (source table,
key, column expressions over ``NEW``). Triggers keep them in step with the bodies; faceting 10,000
tasks by environment would otherwise parse every task's body (gold outputs included) per facet."""

VIEWS: dict[str, str] = {
    # One row per kept task, with the trajectory kept for it (if any) and its first reward.
    "task_list": """
        SELECT
            f.task_id,
            f.chain_index,
            f.kind,
            f.environment,
            f.environments,
            f.turns,
            f.gold_calls,
            f.request,
            f.evaluation,
            i.trajectory_id,
            g.reward_name,
            g.reward,
            f.chain_id,
            f.initial_state_id,
            f.gold_state_id
        FROM task_fields AS f
        LEFT JOIN items AS i ON i.chain_index = f.chain_index
        LEFT JOIN trajectory_fields AS g ON g.trajectory_id = i.trajectory_id
    """,
    # One row per trajectory: who made it, how it scored, how long it is.
    "trajectory_list": """
        SELECT
            g.trajectory_id,
            g.task_id,
            g.agent,
            g.model,
            g.reward_name,
            g.reward,
            g.second_reward_name,
            g.second_reward,
            g.messages,
            g.steps,
            g.format_errors,
            g.attempt,
            f.kind,
            f.environment,
            f.chain_index
        FROM trajectory_fields AS g
        LEFT JOIN task_fields AS f ON f.task_id = g.task_id
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
        SELECT f.task_id, e.value AS environment, f.kind
        FROM task_fields AS f, json_each(f.environment_list) AS e
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
            trajectory_id,
            task_id,
            agent,
            reward,
            score,
            components,
            explanation
        FROM reward_fields
    """,
}
"""The views by name, as the ``SELECT`` each one is."""


def _create_fields(db: sqlite_utils.Database, name: str, source: str, key: str, columns: dict[str, str]) -> None:
    """The fields table ``name`` over ``source``, filled from the rows there now and kept in step by triggers."""
    db.execute(f"DROP TABLE IF EXISTS {name}")
    db.execute(f"CREATE TABLE {name} ({key} TEXT PRIMARY KEY, {', '.join(columns)})")
    db.execute(f"CREATE INDEX {name}_{next(iter(columns))} ON {name} ({next(iter(columns))})")
    names = ", ".join([key, *columns])
    values = ", ".join([f"NEW.{key}", *columns.values()])
    upsert = f"INSERT OR REPLACE INTO {name} ({names}) VALUES ({values});"
    triggers = {
        "insert": f"AFTER INSERT ON {source} BEGIN {upsert} END",
        "update": f"AFTER UPDATE ON {source} BEGIN DELETE FROM {name} WHERE {key} = OLD.{key}; {upsert} END",
        "delete": f"AFTER DELETE ON {source} BEGIN DELETE FROM {name} WHERE {key} = OLD.{key}; END",
    }
    for event, body in triggers.items():
        db.execute(f"DROP TRIGGER IF EXISTS {name}_{event}")
        db.execute(f"CREATE TRIGGER {name}_{event} {body}")
    backfill = ", ".join([key, *(expression.replace("NEW.", "") for expression in columns.values())])
    db.execute(f"INSERT INTO {name} ({names}) SELECT {backfill} FROM {source}")


REWARD_FIELDS = """
    SELECT {row}.trajectory_id, r.key, {row}.task_id, {row}.agent, json_extract(r.value, '$.reward'),
        json_extract(r.value, '$.score'), json_extract(r.value, '$.components'), json_extract(r.value, '$.explanation')
    FROM json_each({row}.rewards) AS r
"""
"""Every reward of one trajectory (``{row}`` is ``NEW`` in a trigger), a row each."""


def _create_reward_fields(db: sqlite_utils.Database) -> None:
    """``reward_fields``: one row per reward of every trajectory, kept in step by triggers."""
    db.execute("DROP TABLE IF EXISTS reward_fields")
    db.execute(
        "CREATE TABLE reward_fields (trajectory_id TEXT, position INTEGER, task_id TEXT, agent TEXT, reward TEXT, "
        "score REAL, components TEXT, explanation TEXT, PRIMARY KEY (trajectory_id, position))"
    )
    insert = "INSERT OR REPLACE INTO reward_fields " + REWARD_FIELDS.format(row="NEW").strip() + ";"
    forget = "DELETE FROM reward_fields WHERE trajectory_id = OLD.trajectory_id;"
    triggers = {
        "insert": f"AFTER INSERT ON trajectories BEGIN {insert} END",
        "update": f"AFTER UPDATE ON trajectories BEGIN {forget} {insert} END",
        "delete": f"AFTER DELETE ON trajectories BEGIN {forget} END",
    }
    for event, body in triggers.items():
        db.execute(f"DROP TRIGGER IF EXISTS reward_fields_{event}")
        db.execute(f"CREATE TRIGGER reward_fields_{event} {body}")
    db.execute(
        "INSERT INTO reward_fields "
        + REWARD_FIELDS.format(row="t").replace("FROM json_each", "FROM trajectories AS t, json_each")
    )


@views_migrations
def m001_fields_views_and_indexes(db: sqlite_utils.Database) -> None:
    for name, (source, key, columns) in FIELDS.items():
        _create_fields(db, name, source, key, columns)
    _create_reward_fields(db)
    for name, select in VIEWS.items():
        db.execute(f"DROP VIEW IF EXISTS {name}")
        db.execute(f"CREATE VIEW {name} AS {select.strip()}")
    # What the pages look rows up by: a task's trajectories, the task before and after.
    db.execute("CREATE INDEX IF NOT EXISTS ef_trajectories_task_id ON trajectories (task_id)")
    db.execute("CREATE INDEX IF NOT EXISTS ef_tasks_chain_index ON tasks (chain_index)")
