"""EnvFactory LLM backend for OpenAI and OpenAI-compatible servers.

Model ids ``openai/MODEL`` use ``OPENAI_BASE_URL`` / ``OPENAI_API_KEY``; any endpoint declared
with ``kind = "openai"`` in the LLM configuration file (``vllm/Qwen3-8B``) uses this backend too.
"""

import importlib.metadata

from .backend import OpenAIBackend, OpenAIConnection
from .convert import chat_params, parse_chat_completion

__all__ = ["OpenAIBackend", "OpenAIConnection", "chat_params", "parse_chat_completion"]
__version__ = importlib.metadata.version("envfactory-openai")  # stated once, in pyproject.toml
