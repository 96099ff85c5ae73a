"""Environment classes for TRL's ``environment_factory``: one per set of environments a row uses.

TRL's contract (trl 1.10 to 1.16, read in the wheels; exercised with 1.16.0):

- the factory is called with no arguments; instances are pooled and reused across batches, one
  per rollout in a batch, so every rollout of a GRPO group has its own instance;
- ``reset(**row)`` is called before each rollout with the dataset row's columns (without the
  ``environment`` column when the factory is a dict); returning ``None`` keeps the prompt;
- every public function on the *class* other than ``reset`` and ``get_reward`` is a tool; names
  starting with ``_`` are not. So everything here that is not a tool is private;
- with a dict factory each row's ``environment`` column picks the class, and only that class's
  tools are shown in that row's prompt — which is how a row sees exactly its environments' tools.

Each instance holds one :class:`~envfactory_core.rewards.rollouts.Rollout`: ``reset`` closes the previous
one and opens a fresh world at the row's initial state (earlier turns' gold calls replayed);
tool methods run calls on it and return the same JSON text the exported conversations hold.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import attrs

from envfactory_core.contracts import Reward
from envfactory_core.env import Environment
from envfactory_core.errors import ConfigError, Problem
from envfactory_core.models import RewardResult, qualified_name
from envfactory_core.rewards.rollouts import Rollout, RolloutTask, tool_result_text

from .methods import ToolMethod, build_tool_method

__all__ = ["EnvFactoryEnvironment", "environment_class", "environment_key"]


def environment_key(environments: Sequence[str]) -> str:
    """The name of a set of environments: ``bookshop+notes`` (the row's ``environment`` column)."""
    return "+".join(environments)


class EnvFactoryEnvironment:
    """Base of the generated classes: one live rollout per instance, tools as methods.

    Not used by TRL directly: :func:`environment_class` makes a subclass per environment set.
    """

    _environment_names: ClassVar[tuple[str, ...]] = ()
    _catalog: ClassVar[Mapping[str, Environment]] = {}
    _tool_methods: ClassVar[Mapping[str, ToolMethod]] = {}
    _reward: ClassVar[Reward | None] = None

    def __init__(self) -> None:
        self._rollout: Rollout | None = None

    def reset(self, **row: Any) -> None:
        """Start a rollout of ``row`` (a ``verl/verl`` row): a fresh world at the row's starting point."""
        self._close()
        task = RolloutTask.from_row(row)
        if tuple(task.environments) != self._environment_names:
            raise ConfigError(
                "a row reached the environment class of other environments",
                [
                    Problem(
                        location=f"row {task.task_id} (turn {task.turn})",
                        message=f"uses {environment_key(task.environments)}, this class runs "
                        f"{environment_key(self._environment_names)}",
                        fix="set the row's `environment` column with envfactory_trl.training_dataset",
                    )
                ],
            )
        self._rollout = Rollout(task, self._catalog)

    # --- not tools: everything below is private to TRL --------------------------------------------

    def _call(self, name: str, arguments: dict[str, Any]) -> str:
        if self._rollout is None:
            raise RuntimeError(f"{name} was called before reset(): TRL resets an environment before each rollout")
        return tool_result_text(self._rollout.call(name, arguments))

    @property
    def _live(self) -> Rollout:
        if self._rollout is None:
            raise RuntimeError("no rollout: reset() has not been called")
        return self._rollout

    def _score(self, *, answer: str = "", format_errors: int = 0) -> RewardResult:
        if self._reward is None:
            raise RuntimeError("this environment class has no reward; build it with environment_class(reward=...)")
        return self._live.score(self._reward, answer=answer, format_errors=format_errors)

    def _close(self) -> None:
        if self._rollout is not None:
            self._rollout.close()
            self._rollout = None

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # at interpreter shutdown the connections may be gone already
            self._close()


def _call_tool(self: EnvFactoryEnvironment, name: str, arguments: dict[str, Any]) -> str:
    return self._call(name, arguments)


def _get_reward(self: EnvFactoryEnvironment) -> float:
    """The rollout's reward from the registered reward (TRL's environment-owned reward)."""
    return float(self._score().score)


def environment_class(
    names: Sequence[str],
    catalog: Mapping[str, Environment],
    *,
    reward: Reward | None = None,
    owns_reward: bool = False,
) -> type[EnvFactoryEnvironment]:
    """The TRL environment class of environments ``names``: a method per tool, named ``env__tool``.

    ``owns_reward`` adds ``get_reward`` (TRL then logs one reward column per class); by default
    the reward comes from :class:`~envfactory_trl.rewards.EnvFactoryRewardFunction`, one column
    for every environment set.
    """
    names = tuple(names)
    missing = [name for name in names if name not in catalog]
    if missing:
        raise ConfigError(
            "cannot build a TRL environment class",
            [
                Problem(
                    location=name,
                    message="environment not installed",
                    fix="pip install the domain package that provides it (or set ENVFACTORY_PLUGINS_DIR)",
                )
                for name in missing
            ],
        )
    methods: dict[str, ToolMethod] = {}
    for name in names:
        for spec in catalog[name].spec.tools:
            qualified = attrs.evolve(spec, name=qualified_name(name, spec.name))
            methods[qualified.name] = build_tool_method(qualified, _call_tool)
    namespace: dict[str, Any] = {name: method.function for name, method in methods.items()}
    namespace.update(
        _environment_names=names,
        _catalog={name: catalog[name] for name in names},
        _tool_methods=methods,
        _reward=reward,
        __doc__=f"TRL environment over {environment_key(names)}: {len(methods)} tools as methods.",
        __module__=__name__,
    )
    if owns_reward:
        if reward is None:
            raise ValueError("owns_reward needs a reward")
        namespace["get_reward"] = _get_reward
    class_name = "EnvFactory_" + "_".join(names)
    return type(class_name, (EnvFactoryEnvironment,), namespace)
