"""The direct HTTP path: the OpenAI wire format over one shared ``aiohttp`` session, no SDK.

An OpenAI-compatible server (vLLM, SGLang, llama.cpp, DeepSeek, a local stub) takes a JSON body
on ``POST {base_url}/chat/completions`` or ``/embeddings`` and answers with JSON; the SDK adds
nothing to that exchange but client CPU (about 0.5 ms per call: its request-options model, URL
parsing and request building), which at high concurrency lengthens every request's cycle (see
docs/performance.md, "LLM client"). This path sends the same bodies with the same headers the SDK
sends (``Authorization: Bearer``, ``OpenAI-Organization`` and ``OpenAI-Project`` from
``OPENAI_ORG_ID`` / ``OPENAI_PROJECT_ID`` when set, as the SDK does), through the proxy the
environment names and with the certificates the SDK trusts, and fails with the same error types
and messages as the SDK path: the vendor's ``{"error": {"message": ...}}`` for an HTTP error
status (with ``Retry-After``), ``LLMTimeoutError`` after the endpoint's timeout,
``LLMConnectionError`` for a refused or dropped connection.
"""

from __future__ import annotations

import contextlib
import json
import os
import ssl
import urllib.parse
import urllib.request
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from envfactory_core.llm import EndpointConfig, LLMConnectionError, LLMError
from envfactory_core.llm.backend import error_for_status, retry_after_seconds
from envfactory_core.llm.sdk_errors import timed_out, vendor_message

if TYPE_CHECKING:
    import aiohttp

__all__ = ["DEFAULT_BASE_URL", "DirectHTTP", "status_error"]

DEFAULT_BASE_URL = "https://api.openai.com/v1"


def status_error(status: int, text: str, headers: Any, *, backend: str) -> LLMError:
    """The error for an HTTP error status, with the message the SDK path gives for the same body.

    The SDK reads the body as JSON when it can, keeps its ``error`` member, and its message is
    ``vendor_message`` of that (``Error code: N`` when the body has no message).
    """
    body: Any = text.strip()
    with contextlib.suppress(ValueError):
        body = json.loads(body)
    data = body.get("error", body) if isinstance(body, dict) else body
    fallback = f"Error code: {status}"
    inner_message = data.get("message") if isinstance(data, dict) else None
    if isinstance(inner_message, str) and inner_message:
        fallback += f" - {inner_message}"
    message = vendor_message(SimpleNamespace(body=data, message=fallback))
    return error_for_status(status, message, backend=backend, retry_after=retry_after_seconds(dict(headers)))


def env_proxy(url: str) -> str | None:
    """The proxy the environment (``HTTPS_PROXY``, ``NO_PROXY``, ...) names for ``url``, if any.

    Read once per connection: aiohttp's own ``trust_env`` looks it up (and ``~/.netrc``) in a
    worker thread on every request.
    """
    parts = urllib.parse.urlsplit(url)
    proxies = urllib.request.getproxies()
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    if not proxy or (parts.hostname and urllib.request.proxy_bypass(parts.hostname)):
        return None
    return proxy


def tls_context(url: str) -> ssl.SSLContext | bool:
    """The certificates an ``https`` endpoint is checked against: those the SDK's HTTP stack trusts.

    httpcore2 (under the SDK's httpx2) reads ``SSL_CERT_FILE`` / ``SSL_CERT_DIR``, the system
    store (through truststore on macOS and Windows) and the usual CA-file locations; aiohttp's own
    default (``True``) is used when httpcore2 is not installed, and for plain ``http``.
    """
    if urllib.parse.urlsplit(url).scheme != "https":
        return True
    try:
        import httpcore2
    except ImportError:
        return True
    context: ssl.SSLContext = httpcore2.default_ssl_context()
    return context


class DirectHTTP:
    """``POST`` JSON to one endpoint through one ``aiohttp`` session (opened on first use)."""

    def __init__(self, endpoint: EndpointConfig, api_key: str) -> None:
        self.endpoint = endpoint
        self.base_url = (endpoint.base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        self.headers = {
            "Authorization": f"Bearer {api_key}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        for variable, header in (("OPENAI_ORG_ID", "OpenAI-Organization"), ("OPENAI_PROJECT_ID", "OpenAI-Project")):
            if os.environ.get(variable):
                self.headers[header] = os.environ[variable]
        self.proxy = env_proxy(self.base_url)
        self._session: aiohttp.ClientSession | None = None
        import aiohttp

        self._failures: tuple[type[BaseException], ...] = (aiohttp.ClientError, OSError)

    def _open(self) -> aiohttp.ClientSession:
        import aiohttp

        # One connection per call the client layer lets through (its semaphore has the same size),
        # so no call waits for a pooled connection inside the timeout.
        connector = aiohttp.TCPConnector(limit=self.endpoint.concurrency or 0, ssl=tls_context(self.base_url))
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers=self.headers,
            timeout=aiohttp.ClientTimeout(total=self.endpoint.timeout),
            cookie_jar=aiohttp.DummyCookieJar(),
        )
        return self._session

    async def post(self, path: str, payload: dict[str, Any]) -> str:
        """The response body of ``POST base_url + path`` as text; an ``LLM*Error`` for any failure."""
        session = self._session or self._open()
        name = self.endpoint.name
        try:
            async with session.post(
                self.base_url + path, data=json.dumps(payload).encode("utf-8"), proxy=self.proxy
            ) as response:
                raw = await response.read()
        except TimeoutError as error:  # aiohttp's total and socket timeouts are all TimeoutErrors
            raise timed_out(self.endpoint.timeout, backend=name) from error
        except self._failures as error:  # refused, reset, dropped mid-reply, invalid URL
            cause = f" ({error})" if str(error) else ""
            raise LLMConnectionError(f"Connection error.{cause}", backend=name) from error
        text = raw.decode("utf-8", "replace")
        if not 200 <= response.status < 300:
            raise status_error(response.status, text, response.headers, backend=name)
        return text

    async def aclose(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()
