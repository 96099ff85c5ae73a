"""Built-in plugin in namespace ``llm``: the LLM environment builder ``llm/builder``."""

from __future__ import annotations

from ...hookspecs import Register
from ...plugins import hookimpl

ENVFACTORY_NAMESPACE = "llm"


@hookimpl
def register_environment_builders(register: Register) -> None:
    from .builder import LLMBuilder

    register(LLMBuilder())
