"""TRL adapter: envfactory environments live inside TRL's GRPO rollouts.

Each rollout gets its own episode of the row's environments at the row's starting point; the
environments' tools are the environment class's methods (named ``env__tool``); the reward is a
registered envfactory reward against the row's gold calls and gold final state. Start with
:func:`prepare`; ``docs/how-to/train-with-trl.md`` walks from a run directory to a training run.
"""

from __future__ import annotations

from .compat import SUPPORTED_TRL, TESTED_TRL, UnsupportedTrainerError, check_trl
from .data import read_rows, training_dataset, with_environment
from .environments import EnvFactoryEnvironment, environment_class, environment_key
from .methods import OMITTED, RESERVED_METHOD_NAMES, ToolMethod, build_tool_method
from .rewards import EnvFactoryRewardFunction, RolloutLog, RolloutRecord
from .training import TrlTraining, environment_factories, prepare

__all__ = [
    "OMITTED",
    "RESERVED_METHOD_NAMES",
    "SUPPORTED_TRL",
    "TESTED_TRL",
    "EnvFactoryEnvironment",
    "EnvFactoryRewardFunction",
    "RolloutLog",
    "RolloutRecord",
    "ToolMethod",
    "TrlTraining",
    "UnsupportedTrainerError",
    "build_tool_method",
    "check_trl",
    "environment_class",
    "environment_factories",
    "environment_key",
    "prepare",
    "read_rows",
    "training_dataset",
    "with_environment",
]
