"""verl adapter: envfactory environments live inside verl's multi-turn rollouts.

- :mod:`envfactory_verl.exporter` — ``verl/verl`` (``envfactory export RUN --format verl``): the
  RL parquet rows, ``tools.yaml`` (schemas normalised by :mod:`envfactory_verl.schema`),
  ``reward_fn.py``, ``agent_loop.yaml`` and ``verl_config.yaml``;
- :mod:`envfactory_verl.tools` — ``EnvironmentTool``, the ``BaseTool`` that ``verl/verl``'s
  ``tools.yaml`` names: one world per trajectory, keyed by the request id;
- :mod:`envfactory_verl.agent_loop` — ``envfactory_agent``, verl's tool agent loop that hands
  each trajectory its row's task and releases its world at the end;
- :mod:`envfactory_verl.reward` — ``compute_score``, the reward entry for ``verl/verl`` rows;
- ``envfactory verl config EXPORT_DIR`` — the settings that tie them together;
- :mod:`envfactory_verl.worker` — the registry a verl worker process builds once and shares.

The verl-facing modules (``tools``, ``agent_loop``) import verl (and check its version) when
imported; this package, ``exporter``, ``reward`` and ``sessions`` do not, so the exporter, the
reward entry and the session store work in any process. ``docs/how-to/train-with-verl.md``
walks from a run directory to a training command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from envfactory_core.plugins import lazy_exports

from .compat import SUPPORTED_VERL, TESTED_VERL, UnsupportedTrainerError, check_verl

if TYPE_CHECKING:
    from .sessions import Handle, Session, TrajectoryStore, default_store

# The session store imports the environment SDK: loaded on first use, not by every command's start-up.
__getattr__ = lazy_exports(
    __name__, {"Handle": "sessions", "Session": "sessions", "TrajectoryStore": "sessions", "default_store": "sessions"}
)

__all__ = [
    "SUPPORTED_VERL",
    "TESTED_VERL",
    "Handle",
    "Session",
    "TrajectoryStore",
    "UnsupportedTrainerError",
    "check_verl",
    "default_store",
]
