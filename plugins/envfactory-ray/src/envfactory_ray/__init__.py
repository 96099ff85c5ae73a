"""EnvFactory executor on Ray: pipeline work items on Ray actors, on one machine or a cluster.

``envfactory run --executor ray/executor --workers N [--ray-address auto|ADDRESS]``.
"""

from .dispatch import Dispatcher
from .errors import RayExecutorError
from .executor import RayExecutor
from .failures import FAILED_CODE, FAILED_STAGE, failed_item_result

__all__ = ["FAILED_CODE", "FAILED_STAGE", "Dispatcher", "RayExecutor", "RayExecutorError", "failed_item_result"]
__version__ = "0.1.0"
