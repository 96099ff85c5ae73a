"""Test helpers for envfactory and for plugin authors.

Installed as a pytest plugin (entry point ``pytest11``), so these fixtures are available in any
project that has ``envfactory-core`` installed:

``plugin_manager``
    A fresh plugin manager with the built-ins only (no installed plugins).
``registry``
    A :class:`~envfactory_core.registry.Registry` over ``plugin_manager``.
``register_plugin``
    ``register_plugin(obj, name="mine")`` adds an inline plugin to ``plugin_manager`` for one test
    and always removes it afterwards.
``fake_llm``
    A :class:`~envfactory_core.testing.fake_llm.ScriptedLLM`, active for the test: queue canned
    replies (text, tool calls, errors), inspect every request; ``fake/...`` model ids resolve to it.

Functions: :func:`inline_plugin` (a context manager), :func:`assert_environment_conforms` and
:func:`check_environment` (the conformance kit). Classes: :class:`ScriptedLLM` (the fake
backend), :class:`StubLLMServer` and :class:`StubReply` (a local server speaking the OpenAI and
Anthropic wire formats, for testing real SDK backends over HTTP).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..conformance import check_environment
from ..plugins import PluginInfo, PluginManager, make_plugin_manager
from .fake_llm import ScriptedLLM
from .stub_llm_server import StubLLMServer, StubReply

__all__ = [
    "ScriptedLLM",
    "StubLLMServer",
    "StubReply",
    "assert_environment_conforms",
    "check_environment",
    "check_environment_property",
    "fresh_plugin_manager",
    "inline_plugin",
]


def fresh_plugin_manager(**options: object) -> PluginManager:
    """A plugin manager with only the built-in plugins (and ``options`` as for ``make_plugin_manager``)."""
    options.setdefault("load_entrypoints", False)
    return make_plugin_manager(**options)  # type: ignore[arg-type]


@contextmanager
def inline_plugin(manager: PluginManager, plugin: object, *, name: str = "inline", namespace: str | None = None) -> Iterator[object]:
    """Register ``plugin`` (a module, class or object with ``@hookimpl`` functions) for a ``with`` block.

    The plugin is checked like an installed one (a misspelled hook raises ``PluginError``) and
    always unregistered at the end.
    """
    manager.add_plugin(plugin, PluginInfo(name=name, namespace=namespace or name, distribution="", version=""))
    try:
        manager.check()
        yield plugin
    finally:
        manager.remove_plugin(name)


def __getattr__(name: str) -> object:
    # Helpers that need hypothesis load on first use, so the pytest plugin works without it.
    if name in {"assert_environment_conforms", "check_environment_property"}:
        from . import conformance

        return getattr(conformance, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
