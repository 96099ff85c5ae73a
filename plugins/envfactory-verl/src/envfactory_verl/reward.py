"""verl's reward entry for ``verl/verl`` rows: ``compute_score``.

Point verl at it without copying files::

    reward.custom_reward_function.path=pkg://envfactory_verl.reward
    reward.custom_reward_function.name=compute_score
    +reward.custom_reward_function.reward_kwargs.reward=core/envfactory      # optional
    +reward.custom_reward_function.reward_kwargs.reward_options.tau=0.5        # optional

It scores the response with a registered reward (the paper's by default): the model's
``<tool_call>`` blocks are the calls, the final world state is ``extra_info["final_state"]`` when
the envfactory agent loop recorded it (else the calls are replayed from the row's starting point),
and the gold is the row's ``ground_truth`` and ``gold_state``. It returns ``{"score", <components>}``,
which verl logs. The ``reward_fn.py`` that ``verl/verl`` writes calls the same functions.

The reward and the installed environments come from the worker process's registry
(:func:`~envfactory_verl.worker.current_worker`), built once when the first response is scored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from envfactory_core.export import responses
from envfactory_core.rewards import Reward

from .worker import DEFAULT_REWARD, current_worker

__all__ = ["compute_score", "reward_component", "score_response"]


def reward_component(name: str = DEFAULT_REWARD, options: Mapping[str, Any] | None = None) -> Reward:
    """The registered reward ``name`` with ``options`` applied, from this worker's registry."""
    return current_worker().reward(name, options)


def score_response(
    solution_str: str, ground_truth: Any, extra_info: Mapping[str, Any] | None, *, reward: Reward | None = None
) -> dict[str, float]:
    """The reward of one response (``reward``: default the paper's), replaying on this worker's environments."""
    worker = current_worker()
    return responses.score_response(
        solution_str, ground_truth, extra_info, reward=reward or worker.reward(), environments=worker.environments
    )


def compute_score(
    data_source: str,
    solution_str: str,
    ground_truth: Any,
    extra_info: Mapping[str, Any] | None = None,
    *,
    reward: str = DEFAULT_REWARD,
    reward_options: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> dict[str, float]:
    """The reward of one response to a ``verl/verl`` row (``kwargs``: what else verl passes, ignored)."""
    return score_response(solution_str, ground_truth, extra_info, reward=reward_component(reward, reward_options))
