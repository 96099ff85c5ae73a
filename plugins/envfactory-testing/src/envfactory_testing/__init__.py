"""Test helpers for envfactory and for plugin authors.

Installed as a pytest plugin (entry point ``pytest11``), so these fixtures are available in any
project that has ``envfactory-core`` installed:

``plugin_manager``
    A fresh plugin manager with the built-ins and the test kit's plugin (no installed plugins).
``registry``
    A :class:`~envfactory_core.registry.Registry` over ``plugin_manager``.
``register_plugin``
    ``register_plugin(obj, name="mine")`` adds an inline plugin to ``plugin_manager`` for one test
    and always removes it afterwards.
``fake_llm``
    A :class:`~envfactory_testing.fake_llm.ScriptedLLM`, active for the test: queue canned
    replies (text, tool calls, errors), inspect every request; ``fake/...`` model ids resolve to it
    in registries that include the test kit's plugin (:data:`TEST_PLUGINS`, backend ``testing/fake``).

Functions: :func:`inline_plugin` (a context manager), :func:`assert_environment_conforms` and
:func:`check_environment` (the conformance kit), and the checks every environment package runs on
its environments (see :mod:`~envfactory_testing.environment_checks`):
:func:`assert_seeds_vary` (``count`` seeds give ``count`` different states),
:func:`assert_hash_stable_across_processes` (a seed's state hash is the same in a fresh process),
:func:`assert_size_scales`, :func:`assert_sizes_give_valid_states`, :func:`assert_domain_environment`
(the shape of a shipped domain environment) and :func:`assert_tool_path` (tools called along a
realistic path succeed and their outputs fit their schemas).

Classes: :class:`EnvironmentPackageTests` (those checks as the standard tests of a package of
environments, to subclass in its tests), :class:`ScriptedLLM` (the fake backend),
:class:`StubLLMServer` and :class:`StubReply` (a local server speaking the OpenAI and Anthropic
wire formats, for testing real SDK backends over HTTP).

Modules: :mod:`~envfactory_testing.requirements` (``require_program``/``require_module``: skip
where a machine lacks a tool, fail in CI), :mod:`~envfactory_testing.strategies` (hypothesis
strategies for JSON values and every record) and :mod:`~envfactory_testing.export_items`
(``example_export()``: real tasks, trajectories and export items from the example environments,
and ``write_run_store()``, for testing exporters and trainer adapters).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from envfactory_core.env.conformance import check_environment
from envfactory_core.plugins import PluginInfo, PluginManager, make_plugin_manager

from .environment_checks import (
    assert_domain_environment,
    assert_hash_stable_across_processes,
    assert_seeds_vary,
    assert_size_scales,
    assert_sizes_give_valid_states,
    assert_tool_path,
    importable_reference,
)
from .fake_llm import ScriptedLLM
from .plugin import TEST_PLUGINS
from .stub_llm_server import StubLLMServer, StubReply

__all__ = [
    "EnvironmentPackageTests",
    "ScriptedLLM",
    "StubLLMServer",
    "StubReply",
    "TEST_PLUGINS",
    "assert_domain_environment",
    "assert_environment_conforms",
    "assert_hash_stable_across_processes",
    "assert_seeds_vary",
    "assert_size_scales",
    "assert_sizes_give_valid_states",
    "assert_tool_path",
    "check_environment",
    "check_environment_property",
    "fresh_plugin_manager",
    "importable_reference",
    "inline_plugin",
]


def fresh_plugin_manager(**options: object) -> PluginManager:
    """A plugin manager with the built-in plugins and the test kit's (the fake LLM backend), no installed ones.

    ``options`` as for ``make_plugin_manager``; ``plugins`` are added after the test kit's.
    """
    options.setdefault("load_entrypoints", False)
    options["plugins"] = (*TEST_PLUGINS, *options.get("plugins", ()))  # type: ignore[misc]
    return make_plugin_manager(**options)  # type: ignore[arg-type]


@contextmanager
def inline_plugin(
    manager: PluginManager, plugin: object, *, name: str = "inline", namespace: str | None = None
) -> Iterator[object]:
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
    # Helpers that need hypothesis (or pytest) load on first use, so the pytest plugin works without
    # hypothesis and the rest of this package imports without pytest.
    if name in {"assert_environment_conforms", "check_environment_property"}:
        from . import conformance

        return getattr(conformance, name)
    if name == "EnvironmentPackageTests":
        from .package_tests import EnvironmentPackageTests

        return EnvironmentPackageTests
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
