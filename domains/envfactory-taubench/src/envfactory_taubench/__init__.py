"""tau-bench's airline benchmark, hosted on the EnvFactory runtime.

The plugin (:mod:`envfactory_taubench.plugin`, entry point ``taubench``) registers the resource
loader ``taubench/airline``, the reward ``taubench/state_hash``, the ``envfactory taubench airline``
commands and, when ``$ENVFACTORY_TAUBENCH_DATA`` names a data folder, the environment
``taubench/airline``. In Python: :func:`envfactory_taubench.data.read_airline_data`,
:func:`envfactory_taubench.environment.build_environment`, :class:`envfactory_taubench.replay.Replayer`.
"""

import importlib.metadata

__version__ = importlib.metadata.version("envfactory-taubench")  # stated once, in pyproject.toml
