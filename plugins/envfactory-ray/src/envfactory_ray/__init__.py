"""EnvFactory executor on Ray: pipeline work items on Ray actors, on one machine or a cluster.

``envfactory run --executor ray/executor --workers N [--ray-address auto|ADDRESS]``.
"""

from __future__ import annotations

import importlib.metadata
from typing import TYPE_CHECKING

from envfactory_core.plugins import lazy_exports

# Imported on first use: every `envfactory` command imports this package, and it should stay light.
if TYPE_CHECKING:
    from .dispatch import Dispatcher
    from .errors import RayExecutorError
    from .executor import RayExecutor
    from .failures import FAILED_CODE, FAILED_STAGE, failed_item_result

__getattr__ = lazy_exports(
    __name__,
    {
        "Dispatcher": "dispatch",
        "RayExecutorError": "errors",
        "RayExecutor": "executor",
        "FAILED_CODE": "failures",
        "FAILED_STAGE": "failures",
        "failed_item_result": "failures",
    },
)

__all__ = ["FAILED_CODE", "FAILED_STAGE", "Dispatcher", "RayExecutor", "RayExecutorError", "failed_item_result"]
__version__ = importlib.metadata.version("envfactory-ray")  # stated once, in pyproject.toml
