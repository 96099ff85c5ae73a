"""The OpenEnv server app (FastAPI, from ``openenv.core.env_server.create_app``) over a task set.

The app serves OpenEnv's routes: ``/ws`` for stateful episodes (one environment instance per
WebSocket session, up to ``max_concurrent_envs``), ``/reset``, ``/step``, ``/state``, ``/schema``,
``/health``. Over plain HTTP every request gets a fresh instance, as OpenEnv defines it, so a
multi-step episode needs the WebSocket client (``openenv.core.GenericEnvClient`` or ``EnvClient``).
"""

from __future__ import annotations

from typing import Any

from openenv.core.env_server.http_server import create_app

from envfactory_core.contracts import REWARD
from envfactory_core.evaluation import TaskSet
from envfactory_core.registry import Registry

from .environment import EnvFactoryAction, EnvFactoryEnvironment, EnvFactoryObservation

__all__ = ["create_openenv_app"]


def create_openenv_app(
    task_set: TaskSet, registry: Registry, *, reward: str = "", max_steps: int = 30, max_concurrent_envs: int = 16
) -> Any:
    """A FastAPI app serving ``task_set`` as the OpenEnv environment ``envfactory``."""
    scorer = registry.get(REWARD, reward or task_set.reward)

    def factory() -> EnvFactoryEnvironment:
        return EnvFactoryEnvironment(task_set, scorer, max_steps=max_steps)

    return create_app(
        factory,
        EnvFactoryAction,
        EnvFactoryObservation,
        env_name="envfactory",
        max_concurrent_envs=max_concurrent_envs,
    )
