"""The helpers every backend shares, and finding the backend of a model id.

A backend is a registered component of kind ``llm_backend`` that knows one *kind* of endpoint
(``openai`` speaks the OpenAI wire format to any compatible server, ``anthropic`` the Messages
API, ``fake`` is the scripted test double). Its contract,
:class:`~envfactory_core.contracts.LLMBackend`, has ``connect`` turn an
:class:`~envfactory_core.llm.config.EndpointConfig` into a
:class:`~envfactory_core.contracts.BackendConnection`, which makes the calls. Backends do no
retrying, caching or accounting: the client layer does that once for all of them, so backends stay
small and behave alike. A backend's one duty besides the wire format
is to raise the errors of :mod:`envfactory_core.llm.errors` with the vendor's message.

Write one::

    class MyBackend:
        name = "mine"
        kind = "mine"
        description = "Talks to my provider."

        def connect(self, endpoint):
            return MyConnection(endpoint)

    @hookimpl
    def register_llm_backends(register):
        register(MyBackend())
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..contracts import LLM_BACKEND, LLMBackend
from ..errors import MissingDependencyError, UnknownComponentError
from .config import EndpointConfig
from .errors import (
    LLMAuthenticationError,
    LLMContextOverflowError,
    LLMError,
    LLMModelNotFoundError,
    LLMRateLimitError,
    LLMRequestError,
    LLMResponseError,
    LLMServerError,
    LLMTimeoutError,
    is_context_overflow,
)

if TYPE_CHECKING:
    from ..registry import Registry

__all__ = [
    "KNOWN_BACKEND_PLUGINS",
    "error_for_status",
    "find_backend",
    "json_object_body",
    "missing_api_key",
    "not_json",
    "retry_after_seconds",
]

KNOWN_BACKEND_PLUGINS: Mapping[str, str] = {
    "openai": "envfactory-openai",
    "anthropic": "envfactory-anthropic",
}
"""Backend kinds the project publishes as plugins, with the distribution that provides each."""


def find_backend(registry: Registry, kind: str) -> LLMBackend:
    """The registered backend serving ``kind``, with an install hint when none does."""
    backends = registry.components(LLM_BACKEND)
    matches = [entry for entry in backends if getattr(entry.component, "kind", None) == kind]
    if len(matches) == 1:
        return matches[0].component
    if len(matches) > 1:
        raise UnknownComponentError(
            "llm_backend",
            f"{kind} (served by several plugins: {', '.join(m.name for m in matches)}; disable one with "
            "ENVFACTORY_DISABLE_PLUGINS)",
            tuple(entry.name for entry in backends),
        )
    if kind in KNOWN_BACKEND_PLUGINS:
        distribution = KNOWN_BACKEND_PLUGINS[kind]
        from ..distributions import install_command

        raise MissingDependencyError(distribution, install_command(distribution), purpose=f"models '{kind}/...'")
    kinds = sorted({str(getattr(entry.component, "kind", "?")) for entry in backends})
    raise UnknownComponentError(
        "llm_backend",
        f"{kind} (no backend serves this prefix; known kinds: {', '.join(kinds) or 'none'}; declare "
        f"[backends.{kind}] with kind = ... in the LLM configuration file for a named endpoint)",
        tuple(entry.name for entry in backends),
    )


def retry_after_seconds(headers: Mapping[str, str] | None, *, now: float | None = None) -> float | None:
    """The wait a response asks for: ``retry-after-ms``, ``retry-after`` seconds, or an HTTP date."""
    if not headers:
        return None
    lowered = {key.lower(): value for key, value in headers.items()}
    milliseconds = lowered.get("retry-after-ms")
    if milliseconds:
        try:
            return max(0.0, float(milliseconds) / 1000)
        except ValueError:
            pass
    value = lowered.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def error_for_status(status: int, message: str, *, backend: str, retry_after: float | None = None) -> LLMError:
    """The error for an HTTP error status, keeping the vendor's message."""
    if status == 429:
        return LLMRateLimitError(message, backend=backend, status=status, retry_after=retry_after)
    if status in (401, 403):
        return LLMAuthenticationError(message, backend=backend, status=status)
    if status == 404:
        return LLMModelNotFoundError(message, backend=backend, status=status)
    if status == 408:
        return LLMTimeoutError(message, backend=backend, status=status)
    if status == 409 or status >= 500:
        return LLMServerError(message, backend=backend, status=status, retry_after=retry_after)
    if status in (400, 413, 422) and is_context_overflow(message):
        return LLMContextOverflowError(message, backend=backend, status=status)
    return LLMRequestError(message, backend=backend, status=status)


def missing_api_key(endpoint: EndpointConfig) -> LLMAuthenticationError:
    """The error for an endpoint that needs an API key and has none, saying where to put one."""
    return LLMAuthenticationError(
        f"no API key for endpoint {endpoint.name!r}: set {endpoint.name.upper()}_API_KEY, or api_key_env "
        f"in [backends.{endpoint.name}] of the LLM configuration file",
        backend=endpoint.name,
    )


def not_json(error: json.JSONDecodeError) -> str:
    """What is wrong with a response body that does not parse, and where."""
    return f"the response body is not valid JSON ({error.msg} at line {error.lineno} column {error.colno})"


def json_object_body(text: str, *, backend: str) -> dict[str, Any]:
    """A raw response body read as a JSON object; an ``LLMResponseError`` quoting its start if it is not one."""
    try:
        body = json.loads(text)
    except json.JSONDecodeError as error:
        snippet = text[:120].replace("\n", " ")
        raise LLMResponseError(f"{not_json(error)}: {snippet!r}", backend=backend) from error
    if not isinstance(body, dict):
        raise LLMResponseError(f"the response body is JSON but not an object: {text[:120]!r}", backend=backend)
    return body
