"""EnvFactory LLM backend for OpenAI and OpenAI-compatible servers.

Model ids ``openai/MODEL`` use ``OPENAI_BASE_URL`` / ``OPENAI_API_KEY``; any endpoint declared
with ``kind = "openai"`` in the LLM configuration file (``vllm/Qwen3-8B``) uses this backend too.
"""

from __future__ import annotations

import importlib.metadata
from typing import TYPE_CHECKING

from envfactory_core.plugins import lazy_exports

# Imported on first use: every `envfactory` command imports this package, and it should stay light.
if TYPE_CHECKING:
    from .backend import OpenAIBackend, OpenAIConnection
    from .convert import chat_params, parse_chat_completion

__getattr__ = lazy_exports(
    __name__,
    {
        "OpenAIBackend": "backend",
        "OpenAIConnection": "backend",
        "chat_params": "convert",
        "parse_chat_completion": "convert",
    },
)

__all__ = ["OpenAIBackend", "OpenAIConnection", "chat_params", "parse_chat_completion"]
__version__ = importlib.metadata.version("envfactory-openai")  # stated once, in pyproject.toml
