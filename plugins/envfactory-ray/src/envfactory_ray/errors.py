"""The one error this plugin raises on purpose."""

from __future__ import annotations

from envfactory_core.errors import EnvFactoryError

__all__ = ["RayExecutorError"]


class RayExecutorError(EnvFactoryError, RuntimeError):
    """Ray could not be reached, no worker could start, or a work item outside a pipeline failed.

    The message says what happened and what to change; the command line prints it and exits 2.
    """
