"""Turning a vendor SDK's exceptions into our LLM errors, with the vendor's own message.

The OpenAI and Anthropic Python SDKs share one exception design (``APITimeoutError``,
``APIConnectionError``, ``APIStatusError``, ``APIResponseValidationError`` under a root error), so
one translation serves both; a backend plugin passes its SDK module and root error class.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

from .backend import error_for_status, not_json, retry_after_seconds
from .errors import LLMConnectionError, LLMError, LLMResponseError, LLMTimeoutError

__all__ = ["sdk_errors", "timed_out", "vendor_message"]


def timed_out(timeout: float | None, *, backend: str) -> LLMTimeoutError:
    """The error for a request that got no answer within ``timeout`` seconds."""
    after = f" after {timeout:g}s" if timeout else ""
    return LLMTimeoutError(f"request timed out{after}", backend=backend)


def vendor_message(error: Any) -> str:
    """The provider's own error message (from the JSON error body when there is one)."""
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return str(inner["message"])
        if isinstance(body.get("message"), str):
            return str(body["message"])
    return str(getattr(error, "message", None) or error)


@contextmanager
def sdk_errors(sdk: ModuleType, root: type[BaseException], *, backend: str, timeout: float | None) -> Iterator[None]:
    """Raise our ``LLM*Error`` for the SDK exception raised inside the block (async code too)."""
    try:
        yield
    except sdk.APITimeoutError as error:
        raise timed_out(timeout, backend=backend) from error
    except sdk.APIConnectionError as error:
        cause = f" ({error.__cause__})" if error.__cause__ else ""
        raise LLMConnectionError(f"{vendor_message(error)}{cause}", backend=backend) from error
    except sdk.APIStatusError as error:
        retry_after = retry_after_seconds(dict(error.response.headers))
        raise error_for_status(
            error.status_code, vendor_message(error), backend=backend, retry_after=retry_after
        ) from error
    except sdk.APIResponseValidationError as error:
        raise LLMResponseError(f"unexpected response shape: {vendor_message(error)}", backend=backend) from error
    except json.JSONDecodeError as error:
        raise LLMResponseError(not_json(error), backend=backend) from error
    except root as error:
        raise LLMError(vendor_message(error), backend=backend) from error
