"""Tool calls and their results."""

from __future__ import annotations

from typing import Literal

import attrs

from ..ids import JsonValue
from ._validators import json_object, json_value

__all__ = ["FailureKind", "ToolCall", "ToolFailure", "ToolResult", "qualified_name", "split_qualified_name"]

SEPARATOR = "__"
"""Joins an environment name and a tool name: ``storefront__create_order``."""

FailureKind = Literal[
    "unknown_tool", "invalid_arguments", "tool_error", "crash", "timeout", "limit", "sandbox_violation"
]


def qualified_name(environment: str, tool: str) -> str:
    """The name a tool has when several environments are served together."""
    return f"{environment}{SEPARATOR}{tool}"


def split_qualified_name(name: str) -> tuple[str, str]:
    """Split ``env__tool`` into ``("env", "tool")``; a bare tool name gives ``("", name)``."""
    environment, sep, tool = name.partition(SEPARATOR)
    if not sep:
        return "", name
    return environment, tool


@attrs.frozen(kw_only=True)
class ToolCall:
    """One call of one tool with JSON arguments, in one environment."""

    environment: str
    tool: str
    arguments: dict[str, JsonValue] = attrs.field(factory=dict, validator=json_object, hash=False)

    @property
    def qualified_name(self) -> str:
        return qualified_name(self.environment, self.tool)


@attrs.frozen(kw_only=True)
class ToolFailure:
    """Why a call failed, in a form an agent can act on.

    ``kind`` is ``tool_error`` when the tool refused the request (business rule, not found),
    ``invalid_arguments`` when the arguments did not fit the schema (``argument`` names the one,
    ``expected`` says what was expected), ``unknown_tool``, ``crash`` for an unexpected exception
    inside the tool (the state is rolled back), ``timeout`` and ``limit`` for sandboxed code, and
    ``sandbox_violation`` when a sandbox worker sent what no honest worker sends (the worker is replaced).
    """

    kind: FailureKind = attrs.field(
        validator=attrs.validators.in_(
            ("unknown_tool", "invalid_arguments", "tool_error", "crash", "timeout", "limit", "sandbox_violation")
        )
    )
    message: str
    argument: str = ""
    expected: str = ""


@attrs.frozen(kw_only=True)
class ToolResult:
    """The outcome of a call: an output when ``ok``, else a structured failure."""

    ok: bool
    output: JsonValue = attrs.field(default=None, validator=json_value, hash=False)
    error: ToolFailure | None = None

    def __attrs_post_init__(self) -> None:
        if self.ok and self.error is not None:
            raise ValueError("a successful ToolResult cannot carry an error")
        if not self.ok and self.error is None:
            raise ValueError("a failed ToolResult needs an error")

    @classmethod
    def success(cls, output: JsonValue) -> ToolResult:
        return cls(ok=True, output=output)

    @classmethod
    def failure(cls, kind: FailureKind, message: str, *, argument: str = "", expected: str = "") -> ToolResult:
        return cls(ok=False, error=ToolFailure(kind=kind, message=message, argument=argument, expected=expected))

    def as_payload(self) -> JsonValue:
        """The JSON an agent sees: the output, or ``{"error": {...}}``."""
        if self.ok:
            return self.output
        assert self.error is not None
        error: dict[str, JsonValue] = {"kind": self.error.kind, "message": self.error.message}
        if self.error.argument:
            error["argument"] = self.error.argument
        if self.error.expected:
            error["expected"] = self.error.expected
        return {"error": error}
