"""Quality gates: cheap, automatic checks that a task is meaningful before it ships.

Each gate is a registered task gate (:class:`~envfactory_core.contracts.TaskGate`) returning a
``VerificationReport``:

- ``core/gold_replay``: replaying the gold calls on the initial state succeeds call by call, gives
  the recorded outputs, and reaches the gold state;
- ``core/noop``: for write tasks, the initial and gold states differ, so an agent that does nothing
  does not pass (the trap of seeded states that already satisfy the goal);
- ``core/minimal``: every gold write matters: leaving any one out ends in another state (so the
  state alone tells whether each write was made);
- ``core/read_answer``: for read tasks, the facts a correct answer must mention are recorded;
- ``core/solvable``: every value the agent needs is stated in the request or produced earlier;
- ``core/quality``: the requests read like a person's (no description text, no bracketed asides, no
  reference made twice), the chain serves one goal (no write undone, environments joined by a shared
  entity) and no value is out of range (:mod:`.quality`);
- ``core/unique``: no other task of the run has the same environments, gold calls and request.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import attrs

from ..contracts import TaskGate
from ..ids import canonical_json, content_id
from ..models import Check, Task, VerificationReport
from .context import TaskContext
from .quality import QualityGate
from .replay import replay_calls
from .requests import solvability_problems

__all__ = [
    "GATES",
    "GoldReplayGate",
    "MinimalGate",
    "NoopGate",
    "QualityGate",
    "ReadAnswerGate",
    "SolvableGate",
    "TaskContext",
    "UniqueGate",
    "run_gates",
]


def _report(task: Task, gate: str, checks: Sequence[Check]) -> VerificationReport:
    return VerificationReport(subject=task.id, verifier=f"core/{gate}", checks=tuple(checks))


@attrs.frozen(kw_only=True)
class GoldReplayGate:
    """Replaying the gold calls reproduces the recorded outputs and the gold state."""

    name: str = "gold_replay"
    reads_requests: ClassVar[bool] = False

    def verify_task(self, task: Task, context: TaskContext) -> VerificationReport:
        initial = context.states.get(task.initial_state_id)
        replay = replay_calls(context.environments, initial, [gold.call for gold in task.gold_calls])
        failed = [
            f"call {index} ({gold.call.qualified_name}): {result.error.message if result.error else ''}"
            for index, (gold, result) in enumerate(zip(task.gold_calls, replay.results, strict=True))
            if not result.ok
        ]
        differing = [
            f"call {index} ({gold.call.qualified_name})"
            for index, (gold, result) in enumerate(zip(task.gold_calls, replay.results, strict=True))
            if result.ok and canonical_json(result.output) != canonical_json(gold.output)
        ]
        return _report(
            task,
            self.name,
            [
                Check(
                    name="gold_calls_succeed",
                    passed=not failed,
                    detail="; ".join(failed) or f"{len(task.gold_calls)} calls",
                ),
                Check(
                    name="gold_outputs_reproduce",
                    passed=not differing,
                    detail="; ".join(differing) or "outputs identical",
                ),
                Check(
                    name="gold_state_reached",
                    passed=replay.final_hash == task.gold_state_id,
                    detail=f"replay ended at {replay.final_hash[:19]}…, gold is {task.gold_state_id[:19]}…",
                ),
            ],
        )


@attrs.frozen(kw_only=True)
class NoopGate:
    """For write tasks, doing nothing does not reach the gold state."""

    name: str = "noop"
    reads_requests: ClassVar[bool] = False

    def verify_task(self, task: Task, context: TaskContext) -> VerificationReport:
        if task.kind != "write":
            return _report(task, self.name, [Check(name="noop_fails", passed=True, detail="read task: not applicable")])
        changed = task.initial_state_id != task.gold_state_id
        return _report(
            task,
            self.name,
            [
                Check(
                    name="noop_fails",
                    passed=changed,
                    detail="the gold calls change the state"
                    if changed
                    else "the initial state already equals the gold state",
                )
            ],
        )


@attrs.frozen(kw_only=True)
class MinimalGate:
    """Every gold write call changes the outcome: without it the final state is different."""

    name: str = "minimal"
    reads_requests: ClassVar[bool] = False

    def verify_task(self, task: Task, context: TaskContext) -> VerificationReport:
        initial = context.states.get(task.initial_state_id)
        redundant = []
        for index, gold in enumerate(task.gold_calls):
            if gold.effect != "write":
                continue
            calls = [other.call for position, other in enumerate(task.gold_calls) if position != index]
            if replay_calls(context.environments, initial, calls).final_hash == task.gold_state_id:
                redundant.append(f"call {index} ({gold.call.qualified_name})")
        return _report(
            task,
            self.name,
            [
                Check(
                    name="every_write_matters",
                    passed=not redundant,
                    detail="leaving out " + ", ".join(redundant) + " reaches the gold state too" if redundant else "",
                )
            ],
        )


@attrs.frozen(kw_only=True)
class ReadAnswerGate:
    """For read tasks, the facts a correct answer must mention are recorded."""

    name: str = "read_answer"
    reads_requests: ClassVar[bool] = False

    def verify_task(self, task: Task, context: TaskContext) -> VerificationReport:
        if task.kind != "read":
            return _report(
                task, self.name, [Check(name="answer_facts", passed=True, detail="write task: not applicable")]
            )
        return _report(
            task,
            self.name,
            [
                Check(
                    name="answer_facts",
                    passed=bool(task.answer_facts),
                    detail=", ".join(task.answer_facts) or "the last read returned nothing a user could check",
                )
            ],
        )


@attrs.frozen(kw_only=True)
class SolvableGate:
    """Every value the agent needs is stated in the request or produced by an earlier gold call."""

    name: str = "solvable"
    reads_requests: ClassVar[bool] = True

    def verify_task(self, task: Task, context: TaskContext) -> VerificationReport:
        problems = solvability_problems(task)
        empty = [index for index, turn in enumerate(task.turns) if not turn.request.strip()]
        checks = [
            Check(
                name="requests_written",
                passed=not empty,
                detail=f"turns without a request: {empty}" if empty else "every turn",
            ),
            Check(
                name="solvable",
                passed=not problems,
                detail="; ".join(problems[:3]) or "every value is stated or derivable",
            ),
        ]
        return _report(task, self.name, checks)


@attrs.frozen(kw_only=True)
class UniqueGate:
    """No other task of the run has the same environments, gold calls and request."""

    name: str = "unique"
    reads_requests: ClassVar[bool] = True

    def verify_task(self, task: Task, context: TaskContext) -> VerificationReport:
        key = content_id(
            {
                "environments": list(task.environments),
                "calls": [[gold.call.qualified_name, gold.call.arguments] for gold in task.gold_calls],
                "request": task.request,
            }
        )
        duplicate = key in context.seen
        context.seen.add(key)
        return _report(
            task,
            self.name,
            [Check(name="unique", passed=not duplicate, detail="a duplicate of an earlier task" if duplicate else "")],
        )


GATES: tuple[TaskGate, ...] = (
    GoldReplayGate(),
    NoopGate(),
    MinimalGate(),
    ReadAnswerGate(),
    SolvableGate(),
    QualityGate(),
    UniqueGate(),
)


def run_gates(task: Task, gates: Sequence[TaskGate], context: TaskContext) -> list[VerificationReport]:
    """Every gate's report on ``task`` (all gates run, so a dropped task lists every reason)."""
    return [gate.verify_task(task, context) for gate in gates]
