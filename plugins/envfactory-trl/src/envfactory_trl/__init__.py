"""TRL adapter: envfactory environments live inside TRL's GRPO rollouts.

Each rollout gets its own episode of the row's environments at the row's starting point; the
environments' tools are the environment class's methods (named ``env__tool``); the reward is a
registered envfactory reward against the row's gold calls and gold final state. Start with
:func:`prepare`; ``docs/how-to/train-with-trl.md`` walks from a run directory to a training run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from envfactory_core.plugins import lazy_exports

# Imported on first use: every `envfactory` command imports this package, and it should stay light.
if TYPE_CHECKING:
    from .compat import SUPPORTED_TRL, TESTED_TRL, UnsupportedTrainerError, check_trl
    from .data import read_rows, training_dataset, with_environment
    from .environments import EnvFactoryEnvironment, environment_class, environment_key
    from .methods import OMITTED, RESERVED_METHOD_NAMES, ToolMethod, build_tool_method
    from .rewards import EnvFactoryRewardFunction, RolloutLog, RolloutRecord
    from .training import TrlTraining, environment_factories, prepare

__getattr__ = lazy_exports(
    __name__,
    {
        "SUPPORTED_TRL": "compat",
        "TESTED_TRL": "compat",
        "UnsupportedTrainerError": "compat",
        "check_trl": "compat",
        "read_rows": "data",
        "training_dataset": "data",
        "with_environment": "data",
        "EnvFactoryEnvironment": "environments",
        "environment_class": "environments",
        "environment_key": "environments",
        "OMITTED": "methods",
        "RESERVED_METHOD_NAMES": "methods",
        "ToolMethod": "methods",
        "build_tool_method": "methods",
        "EnvFactoryRewardFunction": "rewards",
        "RolloutLog": "rewards",
        "RolloutRecord": "rewards",
        "TrlTraining": "training",
        "environment_factories": "training",
        "prepare": "training",
    },
)

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
