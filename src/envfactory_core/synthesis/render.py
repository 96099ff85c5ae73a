"""Turning environments, states, calls and conversations into prompt text.

Prompts show models compact, stable text: the same task gives the same prompt bytes (so the
response cache hits on a re-run), JSON is canonical, and anything that can grow (states, tool
outputs) is cut to a size with a visible marker.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..env import Environment
from ..models import Message, Task, ToolSpec, split_qualified_name

__all__ = [
    "conversation_text",
    "environment_lines",
    "example_rows",
    "rows_by_table",
    "schema_text",
    "state_text",
    "task_tool_names",
    "tool_lines",
    "truncate_middle",
    "world_state_text",
]


def truncate_middle(text: str, limit: int) -> str:
    """``text`` cut to about ``limit`` characters, keeping its start and end."""
    if limit <= 0 or len(text) <= limit:
        return text
    keep = max(0, limit - 40) // 2
    return f"{text[:keep]} …[{len(text) - 2 * keep} characters cut]… {text[-keep:] if keep else ''}"


def environment_lines(environments: Iterable[Environment]) -> str:
    return "\n".join(f"- {environment.name}: {environment.description.strip()}" for environment in environments)


def _spec(environment: Environment, tool: str) -> ToolSpec | None:
    definition = environment.tools.get(tool)
    return definition.spec if definition is not None else None


def tool_lines(
    environments: Mapping[str, Environment], qualified: Sequence[str], *, names: bool = True, distinct: bool = True
) -> str:
    """One line per tool: ``- env__tool (write): description``, or only the description."""
    lines: list[str] = []
    for name in qualified:
        environment_name, tool = split_qualified_name(name)
        environment = environments.get(environment_name)
        spec = _spec(environment, tool) if environment is not None else None
        description = (spec.description if spec is not None else tool.replace("_", " ")).strip().splitlines()
        text = description[0] if description else tool.replace("_", " ")
        line = f"- {name} ({spec.effect if spec else 'read'}): {text}" if names else f"- {text}"
        if distinct and line in lines:
            continue
        lines.append(line)
    return "\n".join(lines)


def schema_text(environment: Environment) -> str:
    """Tables with primary keys and typed columns (``?`` marks a nullable column)."""
    lines: list[str] = []
    for table in environment.spec.state_schema.tables:
        head = f"table {table.name} (primary key: {', '.join(table.primary_key)})"
        if table.description:
            head += f": {table.description.strip()}"
        lines.append(head)
        for column in table.columns:
            nullable = "?" if column.nullable and column.name not in table.primary_key else ""
            detail = f"  - {column.name}: {column.type}{nullable}"
            if column.description:
                detail += f" — {column.description.strip()}"
            lines.append(detail)
    return "\n".join(lines)


def rows_by_table(state: Mapping[str, Mapping[str, Any]]) -> dict[str, list[Any]]:
    """``{table: {key: row}}`` as ``{table: [rows]}`` in key order (the form prompts ask for)."""
    return {table: [rows[key] for key in sorted(rows)] for table, rows in sorted(state.items())}


def example_rows(environment: Environment, *, per_table: int = 2) -> str:
    """A few rows of each table of the environment's own seeded state, as a format example."""
    state = environment.initial_state(seed=0)
    sample = {table: rows[:per_table] for table, rows in rows_by_table(state).items()}
    return json.dumps(sample, ensure_ascii=False, sort_keys=True, indent=1)


def state_text(state: Mapping[str, Mapping[str, Any]], *, limit: int) -> str:
    """One environment's state (``{table: {key: row}}``) as JSON rows per table, cut to ``limit``."""
    return truncate_middle(json.dumps(rows_by_table(state), ensure_ascii=False, sort_keys=True), limit)


def world_state_text(world: Mapping[str, Mapping[str, Mapping[str, Any]]], *, limit: int) -> str:
    """A world state (``{environment: state}``) as JSON rows per table, cut to ``limit``."""
    shown = {name: rows_by_table(part) for name, part in sorted(world.items())}
    return truncate_middle(json.dumps(shown, ensure_ascii=False, sort_keys=True), limit)


def conversation_text(messages: Sequence[Message], *, limit: int = 8000) -> str:
    """What a user sees of a conversation: the user's and the assistant's words, not tool traffic."""
    lines: list[str] = []
    for message in messages:
        if message.role == "user" and message.content.strip():
            lines.append(f"User: {message.content.strip()}")
        elif message.role == "assistant" and message.content.strip():
            lines.append(f"Assistant: {message.content.strip()}")
    return truncate_middle("\n".join(lines), limit) or "(nothing yet)"


def task_tool_names(task: Task) -> tuple[str, ...]:
    """The qualified names of the task's gold calls, in order."""
    return tuple(gold.call.qualified_name for gold in task.gold_calls)
