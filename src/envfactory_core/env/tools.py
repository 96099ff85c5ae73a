"""A tool of an environment: its spec and the function that runs it.

Its own module so that episodes, which call tools, need not import the environment that defines them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from ..models import ToolSpec

__all__ = ["ToolDefinition"]


@attrs.frozen(kw_only=True)
class ToolDefinition:
    """A tool's spec and the function that runs it."""

    spec: ToolSpec
    function: Callable[..., Any] = attrs.field(eq=False, repr=False)
    takes_context: bool = True
    nullable: frozenset[str] = frozenset()
