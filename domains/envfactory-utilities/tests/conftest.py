"""Helpers the utilities scenario tests share: call a tool that must succeed, or must be refused
without touching the state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from envfactory_core.env import Episode


def call_ok(episode: Episode, tool: str, **arguments: object) -> Any:
    result = episode.call(tool, arguments)
    assert result.ok, result.error
    return result.output


def call_refused(episode: Episode, tool: str, **arguments: object) -> str:
    """The refusal message; fails unless the tool refused (``ToolError``) and left the state as it was."""
    before = episode.state_hash()
    result = episode.call(tool, arguments)
    assert not result.ok, f"{tool} should have been refused but returned {result.output}"
    assert result.error.kind == "tool_error", result.error
    assert episode.state_hash() == before, f"{tool} was refused but changed the state"
    return result.error.message


@pytest.fixture
def ok() -> Callable[..., Any]:
    return call_ok


@pytest.fixture
def refused() -> Callable[..., str]:
    return call_refused
