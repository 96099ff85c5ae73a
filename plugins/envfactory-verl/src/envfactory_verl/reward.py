"""verl's reward entry for ``core/verl`` rows: ``compute_score``.

Point verl at it without copying files::

    reward.custom_reward_function.path=pkg://envfactory_verl.reward
    reward.custom_reward_function.name=compute_score
    +reward.custom_reward_function.reward_kwargs.reward=core/envfactory      # optional
    +reward.custom_reward_function.reward_kwargs.reward_options.tau=0.5        # optional

It scores the response with a registered reward (the paper's by default): the model's
``<tool_call>`` blocks are the calls, the final world state is ``extra_info["final_state"]`` when
the envfactory agent loop recorded it (else the calls are replayed from the row's starting point),
and the gold is the row's ``ground_truth`` and ``gold_state``. It returns ``{"score", <components>}``,
which verl logs. This is the same function ``core/verl``'s generated ``reward_fn.py`` calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from envfactory_core.export.verl_reward import reward_component, score_response

__all__ = ["compute_score"]


def compute_score(
    data_source: str,
    solution_str: str,
    ground_truth: Any,
    extra_info: Mapping[str, Any] | None = None,
    *,
    reward: str = "core/envfactory",
    reward_options: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> dict[str, float]:
    """The reward of one response to a ``core/verl`` row (``kwargs``: what else verl passes, ignored)."""
    return score_response(solution_str, ground_truth, extra_info, reward=reward_component(reward, reward_options))
