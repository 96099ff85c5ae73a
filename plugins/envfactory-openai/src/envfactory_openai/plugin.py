"""The plugin module the ``envfactory`` entry point loads: it registers the backend, nothing more.

Importing it imports neither the ``openai`` SDK nor the core's LLM stack: the backend module is
imported when the backends are listed or a model is used, so ``envfactory --help`` does not pay for
it and a missing SDK shows up as an install hint, not as a broken plugin.
"""

from __future__ import annotations

from envfactory_core import hookimpl
from envfactory_core.hookspecs import Register


@hookimpl
def register_llm_backends(register: Register) -> None:
    from .backend import OpenAIBackend

    register(OpenAIBackend(), name="backend")
