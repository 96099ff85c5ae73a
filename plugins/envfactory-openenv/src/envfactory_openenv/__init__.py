"""EnvFactory environments and tasks as OpenEnv environments (``openenv-core``).

:class:`EnvFactoryEnvironment` is an OpenEnv ``Environment`` over a task set;
:func:`create_openenv_app` serves it; ``envfactory openenv serve TASKS`` runs the server. See the
package README.
"""

from __future__ import annotations

import importlib.metadata
from typing import TYPE_CHECKING

from envfactory_core.plugins import lazy_exports

__version__ = importlib.metadata.version("envfactory-openenv")  # stated once, in pyproject.toml

# Imported on first use: every `envfactory` command imports this package, and OpenEnv is heavy.
if TYPE_CHECKING:
    from .environment import EnvFactoryAction, EnvFactoryEnvironment, EnvFactoryObservation
    from .server import create_openenv_app

__getattr__ = lazy_exports(
    __name__,
    {
        "EnvFactoryAction": "environment",
        "EnvFactoryEnvironment": "environment",
        "EnvFactoryObservation": "environment",
        "create_openenv_app": "server",
    },
)

__all__ = ["EnvFactoryAction", "EnvFactoryEnvironment", "EnvFactoryObservation", "__version__", "create_openenv_app"]
