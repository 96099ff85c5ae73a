"""The paper's reward: trace match, per-environment final-state match, and penalties.

``score = max(0, tau * trace + (1 - tau) * state - length_penalty - format_penalty)`` where

- ``trace`` is 1 when every gold call is matched by a distinct candidate call with the same tool
  and equal non-masked arguments (order not required), else 0;
- ``state`` is the share of the gold calls' environments whose final state equals the gold final
  state exactly (an environment the candidate never touched is compared as it stands, so reading
  a server is not rewarded for itself and leaving it alone is not punished);
- ``length_penalty`` is 0.05 per call beyond the gold count, capped at 0.5;
- ``format_penalty`` is 0.05 per tool call the candidate wrote but that could not be parsed,
  capped at 0.5.
"""

from __future__ import annotations

import attrs

from ..env.state import hash_state
from ..models import RewardResult
from . import RewardInput
from .matching import match_calls

__all__ = ["EnvFactoryReward"]


@attrs.frozen(kw_only=True)
class EnvFactoryReward:
    """The paper's reward: tau * trace + (1 - tau) * state, minus length and format penalties."""

    name: str = "envfactory"
    description: str = "The paper's reward: trace match with masked arguments, per-environment state match, penalties."
    tau: float = attrs.field(default=0.5, validator=[attrs.validators.ge(0.0), attrs.validators.le(1.0)])
    length_penalty: float = attrs.field(default=0.05, validator=attrs.validators.ge(0.0))
    format_penalty: float = attrs.field(default=0.05, validator=attrs.validators.ge(0.0))
    penalty_cap: float = attrs.field(default=0.5, validator=attrs.validators.ge(0.0))

    def score(self, data: RewardInput) -> RewardResult:
        notes: list[str] = []
        match = match_calls(data.gold_calls, data.calls)
        if not data.gold_calls:
            trace = 1.0
        elif not data.calls:
            trace = 0.0
            notes.append("trace: no tool calls")
        else:
            trace = 1.0 if match.all_matched else 0.0
            if not match.all_matched:
                missing = [
                    gold.call.qualified_name
                    for gold, index in zip(data.gold_calls, match.assignment, strict=True)
                    if index is None
                ]
                notes.append(
                    f"trace: {match.matched} of {len(data.gold_calls)} gold calls matched "
                    f"(missing {', '.join(missing)})"
                )
        environments = sorted({gold.call.environment for gold in data.gold_calls}) or sorted(data.environments)
        matching_envs = 0
        for environment in environments:
            gold = (data.gold_state or {}).get(environment)
            final = (data.final_state or {}).get(environment)
            if gold is None or final is None:
                notes.append(f"state: no {'gold' if gold is None else 'final'} state for {environment}")
                continue
            if hash_state(gold) == hash_state(final):
                matching_envs += 1
            else:
                notes.append(f"state: {environment} differs from the gold state")
        state = matching_envs / len(environments) if environments else 1.0
        extra_calls = max(0, len(data.calls) - len(data.gold_calls))
        length = min(self.penalty_cap, self.length_penalty * extra_calls)
        formatting = min(self.penalty_cap, self.format_penalty * data.format_errors)
        if extra_calls:
            notes.append(f"length: {extra_calls} call(s) beyond the gold count")
        if data.format_errors:
            notes.append(f"format: {data.format_errors} unparseable tool call(s)")
        score = max(0.0, self.tau * trace + (1 - self.tau) * state - length - formatting)
        return RewardResult(
            reward=f"core/{self.name}",
            score=round(score, 6),
            components={
                "trace": trace,
                "state": round(state, 6),
                "length_penalty": round(length, 6),
                "format_penalty": round(formatting, 6),
                "tau": self.tau,
            },
            explanation="; ".join(notes)
            if notes
            else "every gold call matched and every environment reached its gold state",
        )
