"""The reward ``taubench/state_hash``: the benchmark's own success test, on our states.

tau-bench scores a state-judged task 1 when the state the agent left hashes (with the benchmark's
hash) to the state the gold actions leave. This reward does the same on EnvFactory world states,
and reports beside it whether our canonical hashes agree, which they must: both hashes see the
same data, so a disagreement means a state that the benchmark's view cannot represent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from envfactory_core.env import hash_state
from envfactory_core.models import RewardResult
from envfactory_core.rewards import RewardInput

from .environment import ENVIRONMENT_NAME
from .state_hash import state_hash

__all__ = ["StateHashReward"]

REWARD_NAME = "taubench/state_hash"


class StateHashReward:
    """tau-bench's state hash: 1 when the final airline state hashes like the gold state."""

    name = "state_hash"
    description = "tau-bench's own state hash: 1 when the final airline state hashes like the gold state, else 0"

    def __init__(self, environment: str = ENVIRONMENT_NAME) -> None:
        self.environment = environment

    def _pick(self, world: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
        if world is None:
            return None
        if self.environment in world:
            return world[self.environment]  # type: ignore[no-any-return]
        return None

    def score(self, data: RewardInput) -> RewardResult:
        gold = self._pick(data.gold_state)
        final = self._pick(data.final_state)
        if gold is None or final is None:
            missing = " and ".join(
                label for label, state in (("gold_state", gold), ("final_state", final)) if state is None
            )
            return RewardResult(
                reward=REWARD_NAME,
                score=0.0,
                components={"state_hash": 0.0},
                explanation=f"no {self.environment!r} state in {missing}: nothing to compare",
            )
        try:
            gold_hash, final_hash = state_hash(gold), state_hash(final)
        except (TypeError, ValueError, AttributeError) as error:
            return RewardResult(
                reward=REWARD_NAME,
                score=0.0,
                components={"state_hash": 0.0},
                explanation=f"a state is not an airline state: {error}",
            )
        same = gold_hash == final_hash
        canonical_same = hash_state(gold) == hash_state(final)
        explanation = (
            f"the final state hashes to the gold state's benchmark hash {gold_hash[:12]}…"
            if same
            else f"benchmark hash {final_hash[:12]}… differs from the gold state's {gold_hash[:12]}…"
        )
        if same != canonical_same:
            explanation += "; our canonical hashes disagree with the benchmark's (a state its view cannot hold)"
        return RewardResult(
            reward=REWARD_NAME,
            score=1.0 if same else 0.0,
            components={"state_hash": 1.0 if same else 0.0, "canonical_state": 1.0 if canonical_same else 0.0},
            explanation=explanation,
        )
