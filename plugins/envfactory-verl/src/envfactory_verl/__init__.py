"""verl adapter: envfactory environments live inside verl's multi-turn rollouts.

- :mod:`envfactory_verl.tools` — ``EnvironmentTool``, the ``BaseTool`` that ``core/verl``'s
  ``tools.yaml`` names: one world per trajectory, keyed by the request id;
- :mod:`envfactory_verl.agent_loop` — ``envfactory_agent``, verl's tool agent loop that hands
  each trajectory its row's task and releases its world at the end;
- :mod:`envfactory_verl.reward` — ``compute_score``, the reward entry for ``core/verl`` rows;
- ``envfactory verl config EXPORT_DIR`` — the settings that tie them together.

The verl-facing modules import verl (and check its version) when imported; this package and
:mod:`envfactory_verl.sessions` do not, so the reward entry and the session store work in any
process. ``docs/how-to/train-with-verl.md`` walks from a run directory to a training command.
"""

from __future__ import annotations

from .compat import SUPPORTED_VERL, TESTED_VERL, UnsupportedTrainerError, check_verl
from .sessions import Handle, Session, TrajectoryStore, default_store

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
