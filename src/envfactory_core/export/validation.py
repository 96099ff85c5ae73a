"""Checks shared by the chat formats, and the one way exporters report a record they cannot write.

Each exporter checks every row it builds before writing it; a row that breaks its format means a
bug in the exporter or an input the format cannot express, and stops the export with
:class:`~envfactory_core.export.ExportError` naming the task and every problem.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import Problem
from . import ExportError, ExportItem

__all__ = ["OPENAI_TOOL_NAME", "chat_problems", "raise_problems", "tool_list_problems"]

OPENAI_TOOL_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
ROLES = ("system", "user", "assistant", "tool")


def raise_problems(exporter: str, item: ExportItem, problems: Sequence[str]) -> None:
    """Stop the export when ``problems`` is not empty."""
    if problems:
        raise ExportError(
            f"{exporter} would write an invalid record for task {item.task.id}",
            [Problem(location=f"task {item.task.id}", message=problem) for problem in problems],
        )


def tool_list_problems(tools: Any) -> list[str]:
    """A ``tools`` list in the OpenAI shape: unique, valid names; object parameters."""
    problems: list[str] = []
    if not isinstance(tools, list):
        return ["tools must be a list"]
    seen: set[str] = set()
    for index, tool in enumerate(tools):
        where = f"tools[{index}]"
        function = tool.get("function") if isinstance(tool, dict) else None
        if not isinstance(tool, dict) or tool.get("type") != "function" or not isinstance(function, dict):
            problems.append(f"{where} must be {{'type': 'function', 'function': {{...}}}}")
            continue
        name = function.get("name")
        if not isinstance(name, str) or not OPENAI_TOOL_NAME.match(name):
            problems.append(f"{where}.function.name {name!r} is not a valid tool name")
        elif name in seen:
            problems.append(f"{where}.function.name {name!r} appears twice")
        else:
            seen.add(name)
        if not isinstance(function.get("description"), str):
            problems.append(f"{where}.function.description must be a string")
        parameters = function.get("parameters")
        if not isinstance(parameters, dict) or parameters.get("type") != "object":
            problems.append(f"{where}.function.parameters must be an object schema")
    return problems


def chat_problems(
    messages: Any, tools: Sequence[Mapping[str, Any]], *, string_arguments: bool, open_end: bool = False
) -> list[str]:
    """An OpenAI-shaped conversation: roles, tool calls answered by matching tool messages.

    ``string_arguments`` says whether arguments must be JSON text (OpenAI fine-tuning) or
    objects (Hugging Face chat templates); ``open_end`` allows the last assistant message's calls
    to be unanswered (a per-step row ends at the step it teaches).
    """
    if not isinstance(messages, list) or not messages:
        return ["messages must be a non-empty list"]
    names = {tool["function"]["name"] for tool in tools if isinstance(tool.get("function"), dict)}
    problems: list[str] = []
    pending: list[str] = []  # tool call ids still waiting for their result
    for index, message in enumerate(messages):
        where = f"messages[{index}]"
        role = message.get("role") if isinstance(message, dict) else None
        if role not in ROLES:
            problems.append(f"{where}.role must be one of {', '.join(ROLES)}, got {role!r}")
            continue
        if role == "system" and index != 0:
            problems.append(f"{where}: a system message may only come first")
        if role != "tool" and pending:
            problems.append(f"{where}: tool calls {', '.join(pending)} have no result before this message")
            pending = []
        if role == "assistant":
            problems.extend(_call_problems(where, message.get("tool_calls") or [], names, pending, string_arguments))
            if not message.get("tool_calls") and not isinstance(message.get("content"), str):
                problems.append(f"{where}: an assistant message needs content or tool calls")
        elif role == "tool":
            call_id = message.get("tool_call_id")
            if call_id in pending:
                pending.remove(call_id)
            else:
                problems.append(f"{where}.tool_call_id {call_id!r} answers no pending tool call")
        if not isinstance(message.get("content", ""), str):
            problems.append(f"{where}.content must be a string")
    if pending and not open_end:
        problems.append(f"tool calls {', '.join(pending)} have no result")
    if not any(isinstance(m, dict) and m.get("role") == "assistant" for m in messages):
        problems.append("the conversation has no assistant message to learn from")
    return problems


def _call_problems(where: str, calls: Any, names: set[str], pending: list[str], string_arguments: bool) -> list[str]:
    problems: list[str] = []
    if not isinstance(calls, list):
        return [f"{where}.tool_calls must be a list"]
    for number, call in enumerate(calls):
        here = f"{where}.tool_calls[{number}]"
        function = call.get("function") if isinstance(call, dict) else None
        if not isinstance(function, dict) or call.get("type") != "function":
            problems.append(f"{here} must be {{'type': 'function', 'function': {{name, arguments}}}}")
            continue
        if function.get("name") not in names:
            problems.append(f"{here} calls {function.get('name')!r}, which is not in tools")
        arguments = function.get("arguments")
        if string_arguments:
            if not isinstance(arguments, str):
                problems.append(f"{here}.function.arguments must be a JSON string")
            else:
                try:
                    if not isinstance(json.loads(arguments), dict):
                        problems.append(f"{here}.function.arguments must encode an object")
                except json.JSONDecodeError:
                    problems.append(f"{here}.function.arguments is not valid JSON")
        elif not isinstance(arguments, dict):
            problems.append(f"{here}.function.arguments must be an object")
        call_id = call.get("id")
        if not isinstance(call_id, str) or not call_id:
            problems.append(f"{here}.id must be a non-empty string")
        elif call_id in pending:
            problems.append(f"{here}.id {call_id!r} is used twice")
        else:
            pending.append(call_id)
    return problems
