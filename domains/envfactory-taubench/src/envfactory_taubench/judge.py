"""Judging recorded trajectories with our runtime, to check we agree with the benchmark's judge.

For each record whose task is judged by state (it carries ``gt_data_hash``): replay the task's
gold actions and, separately, the agent's recorded calls, each on a fresh episode; the agent
succeeded when both leave states with the same benchmark hash. Agreement with the benchmark
means our gold hash is its ``gt_data_hash`` and our verdict is its ``r_actions``. Each executed
call's output is also compared with the recorded one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from .replay import Replayer, benchmark_text, output_agrees
from .trajectories import TrajectoryRecord

__all__ = ["JudgeSummary", "Verdict", "judge_records", "summarize"]

MAX_MISMATCHES_SHOWN = 5
SNIPPET_CHARS = 300


@attrs.frozen(kw_only=True)
class Verdict:
    """Our judgement of one record, beside the benchmark's."""

    task_id: int
    trial: int | None
    gold_state_hash: str
    agent_state_hash: str
    match: bool
    outputs_compared: int
    outputs_equal: int
    recorded_gt_data_hash: str
    recorded_r_actions: float | None
    gold_errors: tuple[dict[str, Any], ...] = ()
    output_mismatches: tuple[dict[str, Any], ...] = ()

    @property
    def gold_agrees(self) -> bool:
        return self.gold_state_hash == self.recorded_gt_data_hash

    @property
    def verdict_agrees(self) -> bool:
        return self.recorded_r_actions is not None and self.match == (self.recorded_r_actions == 1.0)

    @property
    def agrees(self) -> bool:
        """Our gold hash is the benchmark's, and our verdict is its ``r_actions``."""
        return self.gold_agrees and self.verdict_agrees

    def to_json(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "trial": self.trial,
            "gold_state_hash": self.gold_state_hash,
            "agent_state_hash": self.agent_state_hash,
            "match": self.match,
            "outputs_compared": self.outputs_compared,
            "outputs_equal": self.outputs_equal,
            "recorded_gt_data_hash": self.recorded_gt_data_hash,
            "recorded_r_actions": self.recorded_r_actions,
            "agrees": self.agrees,
            "gold_errors": list(self.gold_errors),
            "output_mismatches": list(self.output_mismatches),
        }


def _snippet(text: str) -> str:
    return text if len(text) <= SNIPPET_CHARS else text[:SNIPPET_CHARS] + "…"


def judge_record(record: TrajectoryRecord, replayer: Replayer) -> Verdict:
    """Replay one record's gold actions and agent calls; compare hashes and outputs."""
    if record.gt_data_hash is None:
        raise ValueError(
            f"record {record.index} (task {record.task_id}) is not judged by state: it has no gt_data_hash"
        )
    gold = replayer.replay_gold(record.task)
    agent = replayer.replay((call.name, call.arguments) for call in record.calls)
    equal = 0
    mismatches: list[dict[str, Any]] = []
    for index, (call, step) in enumerate(zip(record.calls, agent.steps, strict=True)):
        if output_agrees(call.output, step.result):
            equal += 1
        elif len(mismatches) < MAX_MISMATCHES_SHOWN:
            mismatches.append(
                {
                    "index": index,
                    "tool": call.name,
                    "recorded": _snippet(call.output),
                    "ours": _snippet(benchmark_text(step.result)),
                }
            )
    return Verdict(
        task_id=record.task_id,
        trial=record.trial,
        gold_state_hash=gold.state_hash,
        agent_state_hash=agent.state_hash,
        match=gold.state_hash == agent.state_hash,
        outputs_compared=len(record.calls),
        outputs_equal=equal,
        recorded_gt_data_hash=record.gt_data_hash,
        recorded_r_actions=record.r_actions,
        gold_errors=tuple(gold.errors),
        output_mismatches=tuple(mismatches),
    )


def judge_records(records: Iterable[TrajectoryRecord], replayer: Replayer) -> Iterator[Verdict]:
    """A verdict for every record that carries ``gt_data_hash``, in file order."""
    for record in records:
        if record.gt_data_hash is not None:
            yield judge_record(record, replayer)


@attrs.frozen(kw_only=True)
class JudgeSummary:
    """Totals over a trajectories file."""

    records: int
    judged: int
    gold_agree: int
    verdicts_agree: int
    outputs_compared: int
    outputs_equal: int

    @property
    def all_agree(self) -> bool:
        return self.gold_agree == self.judged and self.verdicts_agree == self.judged

    @property
    def output_agreement(self) -> float:
        return self.outputs_equal / self.outputs_compared if self.outputs_compared else 1.0

    def to_json(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "judged": self.judged,
            "gold_agree": self.gold_agree,
            "verdicts_agree": self.verdicts_agree,
            "outputs_compared": self.outputs_compared,
            "outputs_equal": self.outputs_equal,
        }


def summarize(records: int, verdicts: Iterable[Verdict]) -> JudgeSummary:
    items = list(verdicts)
    return JudgeSummary(
        records=records,
        judged=len(items),
        gold_agree=sum(item.gold_agrees for item in items),
        verdicts_agree=sum(item.verdict_agrees for item in items),
        outputs_compared=sum(item.outputs_compared for item in items),
        outputs_equal=sum(item.outputs_equal for item in items),
    )
