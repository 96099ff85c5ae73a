"""The plugin module the ``envfactory`` entry point loads: it registers the backend, nothing more.

Importing it does not import the ``anthropic`` SDK, so a missing SDK shows up as an install hint
when a model is used, not as a broken plugin.
"""

from __future__ import annotations

from envfactory_core import hookimpl
from envfactory_core.hookspecs import Register

from .backend import AnthropicBackend


@hookimpl
def register_llm_backends(register: Register) -> None:
    register(AnthropicBackend(), name="backend")
