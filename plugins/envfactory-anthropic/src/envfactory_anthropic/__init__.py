"""EnvFactory LLM backend for Anthropic's Messages API (model ids ``anthropic/MODEL``)."""

from __future__ import annotations

import importlib.metadata
from typing import TYPE_CHECKING

from envfactory_core.plugins import lazy_exports

# Imported on first use: every `envfactory` command imports this package, and it should stay light.
if TYPE_CHECKING:
    from .backend import AnthropicBackend, AnthropicConnection
    from .convert import ThinkingMemory, messages_params, parse_message

__getattr__ = lazy_exports(
    __name__,
    {
        "AnthropicBackend": "backend",
        "AnthropicConnection": "backend",
        "ThinkingMemory": "convert",
        "messages_params": "convert",
        "parse_message": "convert",
    },
)

__all__ = ["AnthropicBackend", "AnthropicConnection", "ThinkingMemory", "messages_params", "parse_message"]
__version__ = importlib.metadata.version("envfactory-anthropic")  # stated once, in pyproject.toml
