"""The test kit's plugin: the scripted fake LLM backend, ``testing/fake``.

A test double, not a production default: no installed envfactory registers it. The test kit's
plugin managers (the ``plugin_manager`` fixture, :func:`~envfactory_testing.fresh_plugin_manager`)
include it, and a test that builds its own manager adds it with
``make_plugin_manager(plugins=TEST_PLUGINS)``. Then ``fake/...`` model ids resolve to the active
:class:`~envfactory_testing.fake_llm.ScriptedLLM` (``fake/echo`` works without one).
"""

from __future__ import annotations

import sys

from envfactory_core.hookspecs import Register
from envfactory_core.plugins import hookimpl

__all__ = ["TEST_PLUGINS", "register_llm_backends"]

ENVFACTORY_NAMESPACE = "testing"


@hookimpl
def register_llm_backends(register: Register) -> None:
    from .fake_llm import FakeBackend

    register(FakeBackend())


TEST_PLUGINS: tuple[tuple[str, object], ...] = ((ENVFACTORY_NAMESPACE, sys.modules[__name__]),)
"""``make_plugin_manager(plugins=TEST_PLUGINS)`` adds the test kit's plugin to a manager."""
