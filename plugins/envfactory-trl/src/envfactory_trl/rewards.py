"""The reward TRL optimises: our registered reward over each rollout's live episode, recorded.

TRL calls every reward function once per batch with the prompts, the completions (the assistant
and tool messages of each rollout) and, with an ``environment_factory``, ``environments``: the
instance each rollout ran on. :class:`EnvFactoryRewardFunction` scores each instance's rollout
with a registered reward (the paper's, ``core/envfactory``, by default) against the row's gold
calls and gold final state, logs the reward's components as metrics (``envfactory/trace``, …)
and its explanation as a column of the completions table, and appends a
:class:`RolloutRecord` per rollout to a :class:`RolloutLog` (and to a JSONL file when given one).

The candidate's calls are the calls that reached the environment; a ``<tool_call>`` block left
unparsed in an assistant message (TRL could not read it) counts as a format error.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from envfactory_core.llm.hermes import parse_text_tool_calls
from envfactory_core.models import RewardResult, ToolCall

from .environments import EnvFactoryEnvironment, environment_key

__all__ = ["EnvFactoryRewardFunction", "RolloutLog", "RolloutRecord"]


@attrs.frozen(kw_only=True)
class RolloutRecord:
    """One scored rollout: which row, what the policy called, and what our reward said."""

    step: int
    task_id: str
    turn: int
    environment: str
    calls: tuple[ToolCall, ...]
    failed_calls: int
    format_errors: int
    score: float
    components: dict[str, float] = attrs.field(hash=False)
    explanation: str
    final_state_hash: str

    def as_json(self) -> dict[str, Any]:
        data = attrs.asdict(self, recurse=False)
        data["calls"] = [{"name": call.qualified_name, "arguments": dict(call.arguments)} for call in self.calls]
        return data


class RolloutLog:
    """Every scored rollout, in order; with ``path``, also appended to a JSONL file as it happens."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.records: list[RolloutRecord] = []
        self.path = Path(path) if path is not None else None

    def add(self, record: RolloutRecord) -> None:
        self.records.append(record)
        if self.path is not None:
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(record.as_json(), ensure_ascii=False, sort_keys=True) + "\n")

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[RolloutRecord]:
        return iter(self.records)

    def mean_score(self) -> float:
        return sum(r.score for r in self.records) / len(self.records) if self.records else math.nan


def _assistant_texts(completion: Any) -> list[str]:
    if isinstance(completion, str):
        return [completion]
    texts = []
    for message in completion or ():
        if isinstance(message, Mapping) and message.get("role") == "assistant":
            content = message.get("content")
            if isinstance(content, str):
                texts.append(content)
            elif isinstance(content, list):
                texts.extend(str(part.get("text", "")) for part in content if isinstance(part, Mapping))
    return texts


def _format_errors(texts: Sequence[str]) -> int:
    """``<tool_call>`` blocks TRL left in the text: it could not parse them, so the model wrote them wrong."""
    return sum(len(parse_text_tool_calls(text)[1]) for text in texts)


def _answer(texts: Sequence[str]) -> str:
    for text in reversed(texts):
        said, _ = parse_text_tool_calls(text)
        if said.strip():
            return said.strip()
    return ""


class EnvFactoryRewardFunction:
    """A TRL reward function: the registered reward of each rollout's environment, recorded.

    Pass it in ``GRPOTrainer(reward_funcs=[...])``; TRL logs it as ``rewards/envfactory``.
    """

    def __init__(self, log: RolloutLog | None = None, *, name: str = "envfactory") -> None:
        self.log = log if log is not None else RolloutLog()
        self.__name__ = name

    def __call__(
        self,
        prompts: Sequence[Any],
        completions: Sequence[Any],
        environments: Sequence[Any] | None = None,
        trainer_state: Any = None,
        log_metric: Any = None,
        log_extra: Any = None,
        **columns: Any,
    ) -> list[float | None]:
        if environments is None:
            raise ValueError(
                "EnvFactoryRewardFunction needs TRL's `environments`: pass environment_factory to GRPOTrainer"
            )
        step = int(getattr(trainer_state, "global_step", 0) or 0)
        scores: list[float | None] = []
        results: list[RewardResult | None] = []
        for completion, environment in zip(completions, environments, strict=True):
            if not isinstance(environment, EnvFactoryEnvironment):
                scores.append(None)  # another adapter's environment: not ours to score
                results.append(None)
                continue
            texts = _assistant_texts(completion)
            format_errors = _format_errors(texts)
            result = environment._score(answer=_answer(texts), format_errors=format_errors)
            rollout = environment._live
            self.log.add(
                RolloutRecord(
                    step=step,
                    task_id=rollout.task.task_id,
                    turn=rollout.task.turn,
                    environment=environment_key(rollout.task.environments),
                    calls=tuple(rollout.calls),
                    failed_calls=sum(not r.ok for r in rollout.results),
                    format_errors=format_errors,
                    score=float(result.score),
                    components=dict(result.components),
                    explanation=result.explanation,
                    final_state_hash=rollout.state_hash(),
                )
            )
            scores.append(float(result.score))
            results.append(result)
        scored = [result for result in results if result is not None]
        if log_metric is not None and scored:
            for component in sorted({key for result in scored for key in result.components}):
                values = [result.components[component] for result in scored if component in result.components]
                log_metric(f"{self.__name__}/{component}", sum(values) / len(values))
            calls = [len(env._live.calls) for env in environments if isinstance(env, EnvFactoryEnvironment)]
            log_metric(f"{self.__name__}/tool_calls", sum(calls) / len(calls))
        if log_extra is not None:
            log_extra(f"{self.__name__}_explanation", [result.explanation if result else "" for result in results])
        return scores
