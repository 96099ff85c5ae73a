"""EnvFactory environments and tasks as OpenEnv environments (``openenv-core``)."""

from .environment import EnvFactoryAction, EnvFactoryEnvironment, EnvFactoryObservation
from .server import create_openenv_app

__all__ = ["EnvFactoryAction", "EnvFactoryEnvironment", "EnvFactoryObservation", "create_openenv_app"]
