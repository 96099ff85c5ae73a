"""The LLM layer: one client, many backends.

Stages build a :class:`ChatRequest` (model id ``backend/model``, core ``Message`` history, tool
definitions) and ``await client.chat(request, stage="writer")``; the :class:`LLMClient` resolves
the backend, limits concurrency, retries transient failures, caches by the full request in the run
store, accounts tokens and cost per stage and model, and enforces budget caps. Vendor SDKs live in
plugins (``envfactory-openai``, ``envfactory-anthropic``); the scripted fake for tests is in
:mod:`envfactory_testing.fake_llm`.

Importing this package registers the ``envfactory-llm`` tables with the run store.
"""

from .backend import (
    KNOWN_BACKEND_PLUGINS,
    error_for_status,
    find_backend,
    retry_after_seconds,
)
from .client import Budget, LLMClient
from .config import (
    CONFIG_ENV_VAR,
    EndpointConfig,
    LLMSettings,
    Secret,
    default_config_path,
    load_settings,
    parse_settings,
)
from .errors import (
    BudgetExceeded,
    LLMAuthenticationError,
    LLMConnectionError,
    LLMContextOverflowError,
    LLMError,
    LLMModelNotFoundError,
    LLMRateLimitError,
    LLMRequestError,
    LLMResponseError,
    LLMServerError,
    LLMTimeoutError,
    LLMUnsupportedError,
    ScriptExhaustedError,
)
from .hermes import format_tool_call, format_tool_calls, parse_text_tool_calls, split_reasoning
from .model_id import ModelId
from .prices import DEFAULT_PRICES, Price, PriceTable
from .records import (
    FINISH_REASONS,
    TOOL_CHOICES,
    ChatRequest,
    ChatResponse,
    EmbeddingRequest,
    EmbeddingResponse,
    LLMToolCall,
    ToolDefinition,
    Usage,
)
from .storage import llm_migrations, usage_from_store
from .usage import CallRecord, UsageRow, UsageTotals, summarize

__all__ = [
    "CONFIG_ENV_VAR",
    "DEFAULT_PRICES",
    "FINISH_REASONS",
    "KNOWN_BACKEND_PLUGINS",
    "TOOL_CHOICES",
    "Budget",
    "BudgetExceeded",
    "CallRecord",
    "ChatRequest",
    "ChatResponse",
    "EmbeddingRequest",
    "EmbeddingResponse",
    "EndpointConfig",
    "LLMAuthenticationError",
    "LLMClient",
    "LLMConnectionError",
    "LLMContextOverflowError",
    "LLMError",
    "LLMModelNotFoundError",
    "LLMRateLimitError",
    "LLMRequestError",
    "LLMResponseError",
    "LLMServerError",
    "LLMSettings",
    "LLMTimeoutError",
    "LLMToolCall",
    "LLMUnsupportedError",
    "ModelId",
    "Price",
    "PriceTable",
    "ScriptExhaustedError",
    "Secret",
    "ToolDefinition",
    "Usage",
    "UsageRow",
    "UsageTotals",
    "default_config_path",
    "error_for_status",
    "find_backend",
    "format_tool_call",
    "format_tool_calls",
    "llm_migrations",
    "load_settings",
    "parse_settings",
    "parse_text_tool_calls",
    "retry_after_seconds",
    "split_reasoning",
    "summarize",
    "usage_from_store",
]
