"""What the envfactory pieces of one verl worker process share: one registry, built at first use.

verl builds its tools, agent loops and reward functions itself, from the class and function names
in its config, so no caller can hand them a registry: the worker process is the entry point. The
first piece that needs a component builds the process's :class:`Worker` (a registry from the
installed plugins), and every later one reuses it; the environments and rewards it hands out are
made once each, because a reward function runs for every response.

The plugin settings (``ENVFACTORY_PLUGINS_DIR``, ``ENVFACTORY_LOAD_PLUGINS``,
``ENVFACTORY_DISABLE_PLUGINS``) choose which plugins a registry holds, so a process whose settings
change gets a new worker.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from typing import Any

import attrs

from envfactory_core.contracts import REWARD, Reward
from envfactory_core.env import Environment
from envfactory_core.env.catalog import environment_catalog
from envfactory_core.options import apply_options
from envfactory_core.plugins import make_plugin_manager
from envfactory_core.registry import Registry

__all__ = ["DEFAULT_REWARD", "Worker", "current_worker"]

DEFAULT_REWARD = "core/envfactory"
_SETTINGS = ("ENVFACTORY_PLUGINS_DIR", "ENVFACTORY_LOAD_PLUGINS", "ENVFACTORY_DISABLE_PLUGINS")


@attrs.define
class Worker:
    """A registry and what a worker takes from it: the installed environments and configured rewards."""

    registry: Registry
    _environments: dict[str, Environment] | None = attrs.field(default=None, init=False)
    _rewards: dict[str, Reward] = attrs.field(factory=dict, init=False)
    _lock: threading.Lock = attrs.field(factory=threading.Lock, init=False, repr=False)

    def environments(self) -> dict[str, Environment]:
        """The installed environments by name (collected once)."""
        with self._lock:
            if self._environments is None:
                self._environments = environment_catalog(self.registry)
            return self._environments

    def reward(self, name: str = DEFAULT_REWARD, options: Mapping[str, Any] | None = None) -> Reward:
        """The registered reward ``name`` with ``options`` applied (made once per name and options)."""
        key = json.dumps([name, dict(options or {})], sort_keys=True)
        with self._lock:
            if key not in self._rewards:
                component = self.registry.get(REWARD, name)
                self._rewards[key] = apply_options(component, dict(options or {}), location="reward options")
            return self._rewards[key]


_CURRENT: dict[tuple[str, ...], Worker] = {}
_CURRENT_LOCK = threading.Lock()


def current_worker() -> Worker:
    """This process's worker, built with a fresh registry the first time (or when the plugin settings changed)."""
    settings = tuple(os.environ.get(name, "") for name in _SETTINGS)
    with _CURRENT_LOCK:
        worker = _CURRENT.get(settings)
        if worker is None:
            _CURRENT.clear()
            worker = _CURRENT[settings] = Worker(Registry(make_plugin_manager()))
        return worker
