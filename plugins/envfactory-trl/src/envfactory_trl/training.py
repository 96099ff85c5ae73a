"""Everything ``GRPOTrainer`` needs to train on exported rows with live environments.

::

    from trl import GRPOConfig, GRPOTrainer
    from envfactory_trl import prepare

    training = prepare("runs/demo/exports/verl")            # rows, environment classes, reward
    trainer = GRPOTrainer(
        model=model, processing_class=tokenizer, args=GRPOConfig(...),
        train_dataset=training.dataset,
        environment_factory=training.environment_factory,   # {"bookshop+notes": class, ...}
        reward_funcs=training.reward_funcs,                  # [EnvFactoryRewardFunction]
    )
    trainer.train()
    training.log.records                                     # every scored rollout
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from envfactory_core import load_registry
from envfactory_core.contracts import REWARD, Reward
from envfactory_core.env import Environment
from envfactory_core.env.catalog import environment_catalog
from envfactory_core.options import apply_options
from envfactory_core.registry import Registry
from envfactory_core.rewards.rollouts import RolloutTask

from .compat import check_trl
from .data import read_rows, training_dataset
from .environments import EnvFactoryEnvironment, environment_class, environment_key
from .rewards import EnvFactoryRewardFunction, RolloutLog

__all__ = ["TrlTraining", "environment_factories", "prepare"]


def environment_factories(
    rows: Iterable[Mapping[str, Any]],
    *,
    environments: Mapping[str, Environment],
    reward: Reward | None = None,
    owns_reward: bool = False,
) -> dict[str, type[EnvFactoryEnvironment]]:
    """One environment class per set of environments the rows use, keyed as their ``environment`` column.

    ``environments`` are the installed environments by name (``environment_catalog(registry)``).
    """
    keys: dict[str, tuple[str, ...]] = {}
    for row in rows:
        task = RolloutTask.from_row(row)
        keys.setdefault(environment_key(task.environments), tuple(task.environments))
    return {
        key: environment_class(names, environments, reward=reward, owns_reward=owns_reward)
        for key, names in sorted(keys.items())
    }


@attrs.frozen(kw_only=True)
class TrlTraining:
    """The dataset, environment factory and reward functions for ``GRPOTrainer``, and the rollout log."""

    dataset: Any = attrs.field(eq=False)
    environment_factory: dict[str, type[EnvFactoryEnvironment]] = attrs.field(eq=False)
    reward_funcs: list[Any] = attrs.field(eq=False)
    log: RolloutLog = attrs.field(eq=False)
    reward: Reward = attrs.field(eq=False)


def prepare(
    rows: str | Path | Iterable[Mapping[str, Any]],
    *,
    split: str = "train",
    environments: Mapping[str, Environment] | None = None,
    reward: str | Reward = "core/envfactory",
    reward_options: Mapping[str, Any] | None = None,
    log_path: str | Path | None = None,
    owns_reward: bool = False,
    registry: Registry | None = None,
) -> TrlTraining:
    """Read ``verl/verl`` rows (an export directory, a file, or rows) and build the TRL pieces.

    ``reward`` names a registered reward (options via ``reward_options``) or is a reward object;
    ``log_path`` appends every scored rollout to a JSONL file. ``owns_reward=True`` uses TRL's
    environment-owned reward (``get_reward``) instead of a reward function: one reward column
    per environment set, and no component metrics.

    Registered rewards and the installed environments come from ``registry``; a training script
    starts here, so without one a registry of the installed plugins is built once (and only when
    ``reward`` is a name or ``environments`` is not given).
    """
    check_trl()
    loaded = read_rows(rows, split=split) if isinstance(rows, (str, Path)) else list(rows)
    scorer = None if isinstance(reward, str) else reward
    catalog = environments
    if scorer is None or catalog is None:
        registry = registry if registry is not None else load_registry()
        if isinstance(reward, str):
            scorer = apply_options(registry.get(REWARD, reward), reward_options, location="reward options")
        if catalog is None:
            catalog = environment_catalog(registry)
    assert scorer is not None
    factory = environment_factories(loaded, environments=catalog, reward=scorer, owns_reward=owns_reward)
    log = RolloutLog(log_path)
    reward_funcs: list[Any] = [] if owns_reward else [EnvFactoryRewardFunction(log)]
    return TrlTraining(
        dataset=training_dataset(loaded),
        environment_factory=factory,
        reward_funcs=reward_funcs,
        log=log,
        reward=scorer,
    )
