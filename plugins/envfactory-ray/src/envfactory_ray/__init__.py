"""EnvFactory executor on Ray: pipeline work items on Ray actors, on one machine or a cluster.

``envfactory run --executor ray/executor --workers N [--ray-address auto|ADDRESS]``.
"""

import importlib.metadata

from .dispatch import Dispatcher
from .errors import RayExecutorError
from .executor import RayExecutor
from .failures import FAILED_CODE, FAILED_STAGE, failed_item_result

__all__ = ["FAILED_CODE", "FAILED_STAGE", "Dispatcher", "RayExecutor", "RayExecutorError", "failed_item_result"]
__version__ = importlib.metadata.version("envfactory-ray")  # stated once, in pyproject.toml
