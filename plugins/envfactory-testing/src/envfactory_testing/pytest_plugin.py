"""Fixtures envfactory ships for its own tests and for plugin authors (see ``envfactory_testing``)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from envfactory_core.plugins import PluginInfo, PluginManager
from envfactory_core.registry import Registry

from . import fresh_plugin_manager
from .fake_llm import ScriptedLLM


@pytest.fixture
def plugin_manager() -> PluginManager:
    """A fresh plugin manager with the built-in plugins and the test kit's (the fake LLM backend ``testing/fake``)."""
    return fresh_plugin_manager()


@pytest.fixture
def registry(plugin_manager: PluginManager) -> Registry:
    """A registry over ``plugin_manager``; build it after registering inline plugins."""
    return Registry(plugin_manager)


@pytest.fixture
def register_plugin(plugin_manager: PluginManager) -> Iterator[Callable[..., Any]]:
    """Register inline plugins on ``plugin_manager`` for one test; they are removed afterwards."""
    added: list[str] = []

    def register(plugin: object, *, name: str = "inline", namespace: str | None = None) -> object:
        plugin_manager.add_plugin(
            plugin, PluginInfo(name=name, namespace=namespace or name, distribution="", version="")
        )
        added.append(name)
        plugin_manager.check()
        return plugin

    yield register
    for name in added:
        with contextlib.suppress(ValueError, KeyError):
            plugin_manager.remove_plugin(name)


@pytest.fixture
def fake_llm() -> Iterator[ScriptedLLM]:
    """A scripted fake LLM, active for this test: ``fake/...`` model ids of any client resolve to it."""
    fake = ScriptedLLM()
    with fake.activate():
        yield fake
