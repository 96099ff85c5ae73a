"""The exception tools raise to refuse a request."""

from __future__ import annotations

from ..errors import EnvFactoryError

__all__ = ["ToolError"]


class ToolError(EnvFactoryError):
    """Raised by a tool to refuse a request: the agent sees the message, the state is rolled back.

    Use it for business rules and missing entities ("reservation ABC123 not found", "refunds are
    allowed within 30 days"). Any other exception is a bug in the tool: the call fails with
    ``kind="crash"`` and the conformance kit reports it.
    """

    def __init__(self, message: str, *, code: str = "refused") -> None:
        self.code = code
        super().__init__(message)
