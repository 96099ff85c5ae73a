"""The benchmark's tasks as EnvFactory tasks, grounded by replaying their gold actions.

Each becomes a :class:`~envfactory_core.models.Task` marked ``evaluation``: one user turn (the
simulated user's instruction), the gold calls with the outputs our environment gives them, the
world-state ids before and after, and the benchmark's expected ``outputs`` as answer facts. The
benchmark's own ids and hash travel in ``provenance``.
"""

from __future__ import annotations

from collections.abc import Iterable

from envfactory_core.env import world_hash_from
from envfactory_core.models import GoldCall, Task, Turn

from .environment import ENVIRONMENT_NAME
from .replay import Replayer
from .tasks import TauTask

__all__ = ["core_tasks"]


def core_tasks(tasks: Iterable[TauTask], replayer: Replayer) -> tuple[Task, ...]:
    """Ground every task on fresh episodes of ``replayer``'s environment."""
    environment = replayer.environment
    initial = replayer.replay(())
    initial_state_id = world_hash_from({ENVIRONMENT_NAME: initial.canonical_hash})
    grounded: list[Task] = []
    for task in tasks:
        replay = replayer.replay_gold(task)
        gold_calls = []
        for step in replay.steps:
            definition = environment.tools.get(step.call.tool)
            gold_calls.append(
                GoldCall(
                    call=step.call,
                    output=step.result.as_payload(),
                    effect=definition.spec.effect if definition else "read",
                    masked_arguments=definition.spec.masked_arguments if definition else (),
                )
            )
        writes = any(call.effect == "write" for call in gold_calls)
        provenance = {
            "source": "tau-bench airline",
            "task_id": str(task.task_id),
            "user_id": task.user_id,
            "benchmark_state_hash": replay.state_hash,
        }
        if task.gold_state_hash is not None:
            provenance["benchmark_gold_state_hash"] = task.gold_state_hash
        grounded.append(
            Task(
                environments=(ENVIRONMENT_NAME,),
                gold_calls=tuple(gold_calls),
                turns=(
                    Turn(
                        request=task.instruction,
                        raw_request=task.instruction,
                        user_intent=task.instruction,
                        calls=tuple(range(len(gold_calls))),
                    ),
                ),
                initial_state_id=initial_state_id,
                gold_state_id=world_hash_from({ENVIRONMENT_NAME: replay.canonical_hash}),
                kind="write" if writes else "read",
                answer_facts=task.outputs,
                evaluation=True,
                provenance=provenance,
            )
        )
    return tuple(grounded)
