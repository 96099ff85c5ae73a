"""Errors of the LLM layer.

Backends turn every vendor failure into one of these, keeping the vendor's own message, so the
client layer decides what to retry without knowing any SDK: rate limits, server errors, timeouts
and broken connections are *transient* (retried with backoff); bad requests, bad keys, unknown
models and unreadable responses are not.

:class:`BudgetExceeded` is deliberately not an :class:`LLMError`: code that counts failed calls
must not swallow the signal that the run has to stop.
"""

from __future__ import annotations

import re

from ..errors import EnvFactoryError

__all__ = [
    "BudgetExceeded",
    "LLMAuthenticationError",
    "LLMConnectionError",
    "LLMContextOverflowError",
    "LLMError",
    "LLMModelNotFoundError",
    "LLMRateLimitError",
    "LLMRequestError",
    "LLMResponseError",
    "LLMServerError",
    "LLMTimeoutError",
    "LLMUnsupportedError",
    "ScriptExhaustedError",
    "failure_code",
    "is_context_overflow",
    "retry_limit",
]


class LLMError(EnvFactoryError, RuntimeError):
    """A call to a language model failed; ``retryable`` says whether trying again may help."""

    retryable: bool = False

    def __init__(self, message: str, *, backend: str = "", status: int | None = None) -> None:
        self.backend = backend
        self.status = status
        self.attempts = 1
        super().__init__(message)

    def __str__(self) -> str:
        text = super().__str__()
        where = f"{self.backend}: " if self.backend else ""
        status = f"HTTP {self.status}: " if self.status is not None else ""
        tries = f" (after {self.attempts} attempts)" if self.attempts > 1 else ""
        return f"{where}{status}{text}{tries}"


class LLMRateLimitError(LLMError):
    """The provider asked us to slow down (HTTP 429); ``retry_after`` is its requested wait in seconds."""

    retryable = True

    def __init__(
        self, message: str, *, backend: str = "", status: int | None = 429, retry_after: float | None = None
    ) -> None:
        super().__init__(message, backend=backend, status=status)
        self.retry_after = retry_after


class LLMServerError(LLMError):
    """The provider failed on its side (HTTP 5xx, overloaded)."""

    retryable = True

    def __init__(
        self, message: str, *, backend: str = "", status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message, backend=backend, status=status)
        self.retry_after = retry_after


class LLMTimeoutError(LLMError, TimeoutError):
    """No response within the configured timeout."""

    retryable = True


class LLMConnectionError(LLMError, ConnectionError):
    """The connection could not be made or broke mid-request."""

    retryable = True


class LLMRequestError(LLMError, ValueError):
    """The provider refused the request as malformed (HTTP 400/422): fix the request, do not retry."""


class LLMContextOverflowError(LLMRequestError):
    """The prompt (plus ``max_tokens``) does not fit the model's context window: shorten it, do not retry."""


_OVERFLOW = re.compile(
    r"context (?:window|length|size)|maximum context|exceeds? (?:the )?(?:model'?s? )?(?:context|max)|"
    r"n_ctx|prompt is too long|too many tokens|input is too long|reduce the length",
    re.IGNORECASE,
)


def is_context_overflow(message: str) -> bool:
    """Whether a refusal's message says the prompt does not fit (the wording of OpenAI, vLLM, llama.cpp…)."""
    return bool(_OVERFLOW.search(message))


def retry_limit(error: LLMError, max_retries: int) -> int:
    """How many retries an error *of this kind* is worth within one call.

    Rate limits, timeouts, broken connections and 502/503/504/529 are transient: up to
    ``max_retries``. A plain HTTP 500 is often deterministic (a server that cannot handle this
    request, such as llama.cpp's answer to ``"content": null``): one retry. Everything else
    (4xx refusals, unreadable bodies) never succeeds on retry.
    """
    if not error.retryable:
        return 0
    if isinstance(error, LLMServerError) and error.status == 500:
        return min(1, max_retries)
    return max_retries


def failure_code(error: BaseException) -> str:
    """A short code for why an item's LLM call failed (``llm_request``, ``llm_context_overflow``…)."""
    name = type(error).__name__
    if name.startswith("LLM"):
        name = name[3:]
    if name.endswith("Error"):
        name = name[: -len("Error")]
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower() or "error"
    return f"llm_{snake}"


class LLMAuthenticationError(LLMError, PermissionError):
    """The API key is missing, wrong, or lacks permission (HTTP 401/403)."""


class LLMModelNotFoundError(LLMError, LookupError):
    """The provider does not serve this model (HTTP 404)."""


class LLMResponseError(LLMError, ValueError):
    """The provider answered with a body we cannot read (not JSON, or not the expected shape)."""


class LLMUnsupportedError(LLMError, NotImplementedError):
    """The backend cannot do this at all (for example embeddings on a chat-only provider)."""


class ScriptExhaustedError(LLMError, AssertionError):
    """The scripted fake backend was asked for more replies than were queued."""


class BudgetExceeded(EnvFactoryError, RuntimeError):
    """A budget cap (``max_cost`` or ``max_calls``) is reached: stop cleanly, the run can resume.

    Responses already in the cache are still served after the cap, so re-running a stopped run
    replays what it has and stops again at the same point unless the cap is raised.
    """

    def __init__(self, cap: str, limit: float, used: float, *, stage: str = "", model: str = "") -> None:
        self.cap = cap
        self.limit = limit
        self.used = used
        self.stage = stage
        self.model = model
        flag = "--max-cost" if cap == "max_cost" else "--max-calls"
        used_text = f"${used:.4f}" if cap == "max_cost" else f"{int(used)} calls"
        limit_text = f"${limit:.4f}" if cap == "max_cost" else f"{int(limit)} calls"
        where = f" (next call: stage {stage!r}, model {model!r})" if stage or model else ""
        super().__init__(
            f"LLM budget reached: {cap} is {limit_text} and {used_text} is used{where}; "
            f"the run stopped cleanly and resumes where it stopped when re-run with a larger {flag}"
        )

    def __reduce__(self) -> tuple[object, tuple[str, float, float, str, str]]:
        # Rebuilt from its fields, so it crosses process boundaries (a worker pool's result queue).
        return (_budget_exceeded, (self.cap, self.limit, self.used, self.stage, self.model))


def _budget_exceeded(cap: str, limit: float, used: float, stage: str, model: str) -> BudgetExceeded:
    return BudgetExceeded(cap, limit, used, stage=stage, model=model)
