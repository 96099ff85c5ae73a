"""What each page shows, read from a run store's SQLite connection as plain dicts.

The datasette pages and the static report render the same dicts with the same templates. Every
reader touches only the rows its page needs (by primary key or an index), so a page answers as
fast on a run of 10,000 tasks as on one of ten; the summary aggregates in SQL.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections import Counter
from collections.abc import Mapping
from typing import Any

import attrs

from envfactory_core.env.state import diff_states

__all__ = [
    "DIFF_ROW_LIMIT",
    "HISTOGRAM_BINS",
    "TableDiff",
    "chain_page",
    "decode_blob",
    "document_operations",
    "environment_page",
    "load_blob",
    "run_summary",
    "sample_task_ids",
    "state_difference",
    "task_page",
    "trajectory_page",
]

DIFF_ROW_LIMIT = 50
"""Rows shown per table and change kind; the page says how many more there are."""

HISTOGRAM_BINS = 10


def decode_blob(encoding: str, body: bytes | str) -> Any:
    """A ``blobs`` row's value: zlib-compressed canonical JSON, or plain JSON text."""
    if encoding == "zlib-json" and isinstance(body, bytes):
        return json.loads(zlib.decompress(body).decode("utf-8"))
    return json.loads(body)


def load_blob(connection: sqlite3.Connection, blob_id: str) -> Any | None:
    """The decoded blob ``blob_id``, or ``None`` when the store does not hold it."""
    if not blob_id:
        return None
    row = connection.execute("SELECT encoding, body FROM blobs WHERE id = ?", (blob_id,)).fetchone()
    return None if row is None else decode_blob(row[0], row[1])


def _json(text: str | None) -> Any:
    return json.loads(text) if text else None


def _has_table(connection: sqlite3.Connection, name: str) -> bool:
    row = connection.execute("SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?", (name,))
    return row.fetchone() is not None


# --- state differences -------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class TableDiff:
    """One table's rows added, removed and changed between two world states."""

    environment: str
    table: str
    added: tuple[dict[str, Any], ...]
    removed: tuple[dict[str, Any], ...]
    changed: tuple[dict[str, Any], ...]
    """Each ``{"key", "fields": [{"field", "before", "after"}]}``."""
    columns: tuple[str, ...]
    more: int = 0
    """Rows left out (past :data:`DIFF_ROW_LIMIT` per change kind)."""

    @property
    def count(self) -> int:
        return len(self.added) + len(self.removed) + len(self.changed) + self.more


def state_difference(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> list[TableDiff]:
    """The difference between two world states (``{environment: {table: {key: row}}}``), by table."""
    before = before or {}
    after = after or {}
    tables: list[TableDiff] = []
    for environment in sorted(set(before) | set(after)):
        diff = diff_states(before.get(environment, {}), after.get(environment, {}), environment=environment)
        grouped: dict[str, list[Any]] = {}
        for change in diff.changes:
            grouped.setdefault(change.table, []).append(change)
        for table, changes in grouped.items():
            added = [dict(c.after or {}) for c in changes if c.change == "added"]
            removed = [dict(c.before or {}) for c in changes if c.change == "removed"]
            changed = [
                {
                    "key": c.key,
                    "fields": [
                        {"field": f, "before": (c.before or {}).get(f), "after": (c.after or {}).get(f)}
                        for f in c.fields
                    ],
                }
                for c in changes
                if c.change == "changed"
            ]
            columns: dict[str, None] = {}
            for row in added[:DIFF_ROW_LIMIT] + removed[:DIFF_ROW_LIMIT]:
                columns.update(dict.fromkeys(row))
            more = sum(max(0, len(part) - DIFF_ROW_LIMIT) for part in (added, removed, changed))
            tables.append(
                TableDiff(
                    environment=environment,
                    table=table,
                    added=tuple(added[:DIFF_ROW_LIMIT]),
                    removed=tuple(removed[:DIFF_ROW_LIMIT]),
                    changed=tuple(changed[:DIFF_ROW_LIMIT]),
                    columns=tuple(columns),
                    more=more,
                )
            )
    return tables


# --- pages --------------------------------------------------------------------------------------


def _gates(connection: sqlite3.Connection, subject: str) -> list[dict[str, Any]]:
    rows = connection.execute(
        "SELECT verifier, passed, body FROM reports WHERE subject = ? ORDER BY verifier", (subject,)
    ).fetchall()
    return [{"verifier": r[0], "passed": bool(r[1]), "checks": (_json(r[2]) or {}).get("checks", [])} for r in rows]


def _item(connection: sqlite3.Connection, chain_index: int | None) -> dict[str, Any] | None:
    if chain_index is None:
        return None
    row = connection.execute(
        "SELECT chain_index, status, stage, code, reason, task_id, trajectory_id FROM items WHERE chain_index = ?",
        (chain_index,),
    ).fetchone()
    keys = ("chain_index", "status", "stage", "code", "reason", "task_id", "trajectory_id")
    return dict(zip(keys, row, strict=True)) if row else None


def _turns(task: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The task's user turns, each with its gold calls (arguments, where each came from, output)."""
    gold = task.get("gold_calls", [])
    turns = []
    for number, turn in enumerate(task.get("turns", []), start=1):
        calls = []
        for index in turn.get("calls", []):
            call = gold[index]
            calls.append(
                {
                    "index": index,
                    "environment": call["call"]["environment"],
                    "tool": call["call"]["tool"],
                    "arguments": call["call"].get("arguments", {}),
                    "sources": call.get("sources", {}),
                    "effect": call.get("effect", "read"),
                    "output": call.get("output"),
                }
            )
        turns.append({"number": number, **turn, "gold": calls})
    return turns


def task_page(connection: sqlite3.Connection, task_id: str) -> dict[str, Any] | None:
    """A task: its turns and gold calls, the initial → gold state difference, gates, trajectories."""
    row = connection.execute("SELECT chain_index, kind, body FROM tasks WHERE task_id = ?", (task_id,)).fetchone()
    if row is None:
        return None
    chain_index, kind, body = row
    task = json.loads(body)
    trajectories = connection.execute(
        "SELECT trajectory_id, agent, rewards FROM trajectories WHERE task_id = ? ORDER BY trajectory_id", (task_id,)
    ).fetchall()
    neighbours = {
        "previous": connection.execute(
            "SELECT task_id FROM tasks WHERE chain_index < ? ORDER BY chain_index DESC LIMIT 1", (chain_index,)
        ).fetchone(),
        "next": connection.execute(
            "SELECT task_id FROM tasks WHERE chain_index > ? ORDER BY chain_index LIMIT 1", (chain_index,)
        ).fetchone(),
    }
    return {
        "task_id": task_id,
        "chain_index": chain_index,
        "kind": kind,
        "task": task,
        "turns": _turns(task),
        "difference": state_difference(
            load_blob(connection, task.get("initial_state_id", "")),
            load_blob(connection, task.get("gold_state_id", "")),
        ),
        "gates": _gates(connection, task_id),
        "item": _item(connection, chain_index),
        "trajectories": [{"trajectory_id": t[0], "agent": t[1], "rewards": _json(t[2]) or []} for t in trajectories],
        "previous": neighbours["previous"][0] if neighbours["previous"] else None,
        "next": neighbours["next"][0] if neighbours["next"] else None,
    }


def _transcript(trajectory: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The messages, each tool result paired with the call it answers (by call id)."""
    names: dict[str, str] = {}
    messages = []
    for message in trajectory.get("messages", []):
        for call in message.get("tool_calls", []):
            names[call.get("id", "")] = call.get("name", "")
        entry = dict(message)
        if message.get("role") == "tool":
            entry["answers"] = names.get(message.get("tool_call_id", ""), message.get("name", ""))
            entry["payload"] = _parse_payload(message.get("content", ""))
        messages.append(entry)
    return messages


def _parse_payload(content: str) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return content


def trajectory_page(connection: sqlite3.Connection, trajectory_id: str) -> dict[str, Any] | None:
    """A trajectory: the transcript, its rewards, the gates, and its task beside it."""
    row = connection.execute(
        "SELECT task_id, agent, body FROM trajectories WHERE trajectory_id = ?", (trajectory_id,)
    ).fetchone()
    if row is None:
        return None
    task_id, agent, body = row
    trajectory = json.loads(body)
    task = task_page(connection, task_id)
    final = load_blob(connection, trajectory.get("final_state_id", ""))
    gold = load_blob(connection, task["task"].get("gold_state_id", "")) if task else None
    return {
        "trajectory_id": trajectory_id,
        "task_id": task_id,
        "agent": agent,
        "trajectory": trajectory,
        "messages": _transcript(trajectory),
        "rewards": trajectory.get("rewards", []),
        "gates": _gates(connection, trajectory_id),
        "task": task,
        "final_vs_gold": state_difference(gold, final) if final is not None and gold is not None else None,
    }


def environment_page(connection: sqlite3.Connection, name: str) -> dict[str, Any] | None:
    """An environment: tools with their schemas, tables, policy, provenance and verification."""
    row = connection.execute(
        "SELECT domain, spec_id, spec, passed, report FROM environments WHERE name = ?", (name,)
    ).fetchone()
    if row is None:
        return None
    domain, spec_id, spec_text, passed, report = row
    spec = json.loads(spec_text)
    tools = []
    for tool in spec.get("tools", []):
        schema = tool.get("input_schema", {})
        required = set(schema.get("required", []))
        parameters = [
            {
                "name": parameter,
                "type": _type_of(definition),
                "required": parameter in required,
                "description": definition.get("description", "") if isinstance(definition, dict) else "",
                "enum": definition.get("enum") if isinstance(definition, dict) else None,
            }
            for parameter, definition in schema.get("properties", {}).items()
        ]
        tools.append({**tool, "parameters": parameters})
    build = None
    if _has_table(connection, "envgen_builds"):
        found = connection.execute(
            "SELECT source, builder, model, status, iterations, reason, generated FROM envgen_builds WHERE name = ? "
            "ORDER BY sequence DESC LIMIT 1",
            (name,),
        ).fetchone()
        if found:
            keys = ("source", "builder", "model", "status", "iterations", "reason")
            build = dict(zip(keys, found[:6], strict=True))
            generated = load_blob(connection, found[6] or "") or {}
            build["resources"] = [
                {**{k: r.get(k, "") for k in ("kind", "name", "uri")}, "operations": document_operations(r)}
                for r in generated.get("resources", [])
            ]
            build["skipped"] = generated.get("skipped", [])
    return {
        "name": name,
        "domain": domain,
        "spec_id": spec_id,
        "spec": spec,
        "passed": bool(passed),
        "checks": (_json(report) or {}).get("checks", []),
        "tools": tools,
        "tables": spec.get("state_schema", {}).get("tables", []),
        "build": build,
    }


HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def document_operations(resource: Mapping[str, Any]) -> list[str]:
    """The operations an OpenAPI document (JSON) describes, as ``METHOD /path (operationId)``."""
    if resource.get("kind") != "openapi":
        return []
    try:
        document = json.loads(resource.get("text", ""))
    except ValueError:  # a YAML document: its operations are the tools' sources
        return []
    operations = []
    for path, item in sorted((document.get("paths") or {}).items()):
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                identifier = operation.get("operationId")
                operations.append(f"{method.upper()} {path}" + (f" ({identifier})" if identifier else ""))
    return operations


def _type_of(definition: Any) -> str:
    if not isinstance(definition, dict):
        return ""
    kind = definition.get("type", "")
    if isinstance(kind, list):
        kind = " | ".join(str(k) for k in kind)
    if kind == "array" and isinstance(definition.get("items"), dict):
        return f"array of {_type_of(definition['items']) or 'any'}"
    if definition.get("format"):
        return f"{kind} ({definition['format']})"
    return str(kind) or ("one of" if "anyOf" in definition or "oneOf" in definition else "")


def chain_page(connection: sqlite3.Connection, chain_index: int) -> dict[str, Any] | None:
    """A sampled chain: its tools and data flow, and what became of it (kept, or dropped and why)."""
    row = connection.execute(
        "SELECT chain_id, valid, body FROM chains WHERE chain_index = ?", (chain_index,)
    ).fetchone()
    if row is None:
        return None
    return {
        "chain_index": chain_index,
        "chain_id": row[0],
        "valid": bool(row[1]),
        "chain": json.loads(row[2]),
        "item": _item(connection, chain_index),
    }


# --- the run's summary --------------------------------------------------------------------------


def _histogram(scores: list[float]) -> list[tuple[str, int]]:
    counts = Counter(min(int(score * HISTOGRAM_BINS), HISTOGRAM_BINS - 1) for score in scores)
    width = 1 / HISTOGRAM_BINS
    return [(f"{b * width:.1f}–{(b + 1) * width:.1f}", counts.get(b, 0)) for b in range(HISTOGRAM_BINS)]


def run_summary(connection: sqlite3.Connection) -> dict[str, Any]:
    """Counts by stage, drops by reason, reward distributions and LLM cost, aggregated in SQL."""

    def scalar(sql: str) -> int:
        return int(connection.execute(sql).fetchone()[0] or 0)

    items = dict(connection.execute("SELECT status, COUNT(*) FROM items GROUP BY status").fetchall())
    counts = {
        "environments": scalar("SELECT COUNT(*) FROM environments"),
        "environments verified": scalar("SELECT COUNT(*) FROM environments WHERE passed"),
        "chains sampled": scalar("SELECT COUNT(*) FROM chains"),
        "chains processed": sum(items.values()),
        "dropped": items.get("dropped", 0),
        "tasks kept": scalar("SELECT COUNT(*) FROM tasks"),
        "trajectories": scalar("SELECT COUNT(*) FROM trajectories"),
    }
    drops = connection.execute(
        "SELECT stage || ': ' || code, COUNT(*) FROM items WHERE status = 'dropped' GROUP BY 1 ORDER BY 2 DESC, 1"
    ).fetchall()
    drops_by_stage = connection.execute(
        "SELECT stage, COUNT(*) FROM items WHERE status = 'dropped' GROUP BY 1 ORDER BY 2 DESC, 1"
    ).fetchall()
    scores: dict[str, list[float]] = {}
    for reward, score in connection.execute("SELECT reward, score FROM reward_scores"):
        scores.setdefault(str(reward), []).append(float(score or 0.0))
    rewards = [
        {
            "reward": name,
            "count": len(values),
            "mean": sum(values) / len(values),
            "histogram": _histogram(values),
        }
        for name, values in sorted(scores.items())
    ]
    stages = [
        {"stage": r[0], "status": r[1], "seconds": r[2] or 0.0, "detail": _json(r[3]) or {}}
        for r in connection.execute("SELECT stage, status, seconds, detail FROM stage_runs ORDER BY position")
    ]
    kinds = connection.execute("SELECT kind, COUNT(*) FROM tasks GROUP BY kind ORDER BY 2 DESC").fetchall()
    environments = connection.execute(
        "SELECT environment, COUNT(*) FROM task_environments GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20"
    ).fetchall()
    llm: list[dict[str, Any]] = []
    if _has_table(connection, "llm_calls"):
        llm = [
            {
                "stage": r[0],
                "model": r[1],
                "calls": r[2],
                "cached": r[3],
                "input_tokens": r[4],
                "output_tokens": r[5],
                "cost_usd": r[6],
            }
            for r in connection.execute(
                "SELECT stage, model, COUNT(*), SUM(cached), SUM(input_tokens), SUM(output_tokens), "
                "SUM(cost_usd) FROM llm_calls GROUP BY stage, model ORDER BY SUM(cost_usd) DESC, stage, model"
            )
        ]
    return {
        "counts": counts,
        "funnel": [
            (label, counts[label]) for label in ("chains sampled", "chains processed", "tasks kept", "trajectories")
        ],
        "drops": [(str(r[0]), int(r[1])) for r in drops],
        "drops_by_stage": [(str(r[0]), int(r[1])) for r in drops_by_stage],
        "rewards": rewards,
        "stages": stages,
        "kinds": [(str(r[0]), int(r[1])) for r in kinds],
        "environments": [(str(r[0]), int(r[1])) for r in environments],
        "llm": llm,
        "llm_bars": [(f"{row['stage']} · {row['model']}", float(row["cost_usd"] or 0.0)) for row in llm],
        "llm_cost": sum(float(row["cost_usd"] or 0.0) for row in llm),
        "llm_calls": sum(int(row["calls"] or 0) for row in llm),
    }


def sample_task_ids(connection: sqlite3.Connection, count: int) -> list[str]:
    """``count`` task ids spread evenly over the run (by chain order), the same on every call."""
    total = int(connection.execute("SELECT COUNT(*) FROM tasks").fetchone()[0])
    if total == 0 or count <= 0:
        return []
    step = max(1, total // count)
    rows = connection.execute(
        "SELECT task_id FROM (SELECT task_id, ROW_NUMBER() OVER (ORDER BY chain_index) - 1 AS n FROM tasks) "
        "WHERE n % ? = 0 ORDER BY n LIMIT ?",
        (step, count),
    ).fetchall()
    return [row[0] for row in rows]
