"""EnvFactory LLM backend for Anthropic's Messages API (model ids ``anthropic/MODEL``)."""

import importlib.metadata

from .backend import AnthropicBackend, AnthropicConnection
from .convert import ThinkingMemory, messages_params, parse_message

__all__ = ["AnthropicBackend", "AnthropicConnection", "ThinkingMemory", "messages_params", "parse_message"]
__version__ = importlib.metadata.version("envfactory-anthropic")  # stated once, in pyproject.toml
