"""``envfactory eval``: a model as the agent on a task set, every task ``trials`` times, scored.

Each trial is one conversation on its own world at the task's initial state (the ``llm/agent``
attempt loop: native or Hermes tool calls, and the simulated user ``llm/user`` when the tasks are
conversational). It is scored as the pipeline scores trajectories: its tool calls are replayed on a
fresh world and the task set's reward compares the final state with the gold state and the calls
with the gold calls (``core/envfactory``: state and trace; the tau-bench tasks use the benchmark's
own state hash). A trial *passes* when it scores at least ``pass_score`` and, where the task names
facts the answer must state, its final answer states them.

Trials run concurrently (``workers`` at a time, each model call under the client's concurrency
limit), are committed one by one to the run store in ``out`` with their trajectories, and are
skipped when already there: a killed evaluation resumes, and a finished one re-run costs no calls.
Every model answer is cached in the same store, so a trial cut off half-way is replayed up to where
it stopped for free. The budget caps (``max_calls``, ``max_cost``) stop the evaluation cleanly.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import attrs

from ..contracts import REWARD
from ..llm.errors import BudgetExceeded
from ..models import Task
from ..pipeline.work import LLMOptions, llm_client
from ..registry import Registry
from ..store import RunStore
from ..synthesis.agent import LLMAgent, ToolFormat, answer_mentions
from ..synthesis.user import LLMUser
from ..tasks.context import TaskContext
from ..tasks.scoring import score_trajectory
from ..tasks.states import StoreStates
from .metrics import Rate, group
from .store import EvalStore, LayeredStates, TrialRow
from .tasksets import TaskSet, task_environment

__all__ = ["EvalOptions", "EvalOutcome", "run_eval"]

Report = Callable[[int, int], None]


@attrs.frozen(kw_only=True)
class EvalOptions:
    """How to evaluate: the model, the trials, the caps, where the results go."""

    out: Path
    model: str
    user_model: str = ""
    """The simulated user's model; empty: the agent's model when the tasks are conversational, else none."""
    trials: int = attrs.field(default=1, validator=attrs.validators.ge(1))
    tasks: int | None = None
    """Evaluate only the first N tasks (in the task set's order)."""
    env: tuple[str, ...] = ()
    """Only the tasks of these environments."""
    reward: str = ""
    pass_score: float = 1.0
    tool_format: ToolFormat = "native"
    max_steps: int = 12
    temperature: float | None = None
    workers: int = attrs.field(default=4, validator=attrs.validators.ge(1))
    seed: int = 0
    llm: LLMOptions = attrs.field(factory=LLMOptions)

    def settings(self, task_set: TaskSet, tasks: list[Task], reward: str, user_model: str) -> dict[str, Any]:
        """What makes two evaluations comparable: a store holds results of one such setting only."""
        return {
            "source": task_set.source,
            "task_ids": [task.id for task in tasks],
            "model": self.model,
            "user_model": user_model,
            "reward": reward,
            "pass_score": self.pass_score,
            "tool_format": self.tool_format,
            "max_steps": self.max_steps,
            "temperature": self.temperature,
            "seed": self.seed,
        }


@attrs.define(kw_only=True)
class EvalOutcome:
    """The evaluation's results: overall and per environment, and what it cost."""

    out: Path
    model: str
    reward: str
    trials: int
    overall: Rate
    environments: dict[str, Rate]
    done_now: int
    """Trials run by this invocation (the rest came from the store)."""
    total: int
    stopped: str = ""
    llm_usage: dict[str, Any] | None = None

    @property
    def complete(self) -> bool:
        return not self.stopped and self.overall.trials == self.total

    def as_json(self) -> dict[str, Any]:
        return {
            "out": str(self.out),
            "model": self.model,
            "reward": self.reward,
            "trials_per_task": self.trials,
            "overall": self.overall.as_json(),
            "environments": {name: rate.as_json() for name, rate in self.environments.items()},
            "trials_run_now": self.done_now,
            "trials_total": self.total,
            "complete": self.complete,
            "stopped": self.stopped,
            "llm_usage": self.llm_usage,
        }


@attrs.frozen(kw_only=True)
class EvalAgent(LLMAgent):
    """``llm/agent``'s attempt loop, its model calls recorded (and budgeted) under the ``eval`` stage."""

    stage: ClassVar[str] = "eval"


def _selected(task_set: TaskSet, options: EvalOptions) -> list[Task]:
    tasks = [task for task in task_set.tasks if not options.env or set(task.environments) & set(options.env)]
    return tasks[: options.tasks] if options.tasks is not None else tasks


def summarize(store: EvalStore, *, out: Path, model: str, reward: str, trials: int, total: int) -> EvalOutcome:
    """The outcome of the trials recorded in ``store``."""
    rows = store.rows()
    everything = group(("all", row.task_id, row.passed, row.score) for row in rows)
    by_environment = group((row.environment, row.task_id, row.passed, row.score) for row in rows)
    return EvalOutcome(
        out=out,
        model=model,
        reward=reward,
        trials=trials,
        overall=Rate.of(everything.get("all", {})),
        environments={name: Rate.of(outcomes) for name, outcomes in sorted(by_environment.items())},
        done_now=0,
        total=total,
    )


def run_eval(task_set: TaskSet, registry: Registry, options: EvalOptions, report: Report | None = None) -> EvalOutcome:
    """Run every missing trial of ``task_set`` into ``options.out`` and summarize all of them."""
    tasks = _selected(task_set, options)
    reward_name = options.reward or task_set.reward
    reward = registry.get(REWARD, reward_name)
    user_model = options.user_model or (options.model if task_set.conversational else "")
    store = RunStore(options.out)
    try:
        results = EvalStore(store)
        results.check_config(options.settings(task_set, tasks, reward_name, user_model))
        done = results.done()
        pending = [(task, trial) for task in tasks for trial in range(options.trials) if (task.id, trial) not in done]
        total = len(tasks) * options.trials
        stopped = ""
        ran = 0
        usage = None
        if pending:
            client = llm_client(registry, str(options.out), options.llm)
            context = TaskContext(
                environments=task_set.environments,
                states=LayeredStates(StoreStates(store), task_set.states),
                llm=client,
                seed=options.seed,
                registry=registry,
            )
            agent = EvalAgent(
                model=options.model,
                k=1,
                tool_format=options.tool_format,
                max_steps=options.max_steps,
                temperature=options.temperature,
            )
            user = LLMUser(model=user_model) if user_model else None
            ran, stopped = asyncio.run(
                _run_trials(pending, agent, user, reward, reward_name, options, context, client, results, report)
            )
            from ..llm import usage_from_store

            totals = usage_from_store(store)
            usage = totals.as_json() if totals.rows else None
        outcome = summarize(
            results, out=options.out, model=options.model, reward=reward_name, trials=options.trials, total=total
        )
        outcome.done_now = ran
        outcome.stopped = stopped
        outcome.llm_usage = usage
        return outcome
    finally:
        store.close()


async def _run_trials(
    pending: list[tuple[Task, int]],
    agent: LLMAgent,
    user: LLMUser | None,
    reward: Any,
    reward_name: str,
    options: EvalOptions,
    context: TaskContext,
    client: Any,
    results: EvalStore,
    report: Report | None,
) -> tuple[int, str]:
    gate = asyncio.Semaphore(options.workers)
    stopped: list[str] = []
    finished = 0

    async def one(task: Task, trial: int) -> None:
        nonlocal finished
        async with gate:
            if stopped:
                return
            tools = agent.tool_definitions(task, context)
            try:
                outcome = await agent.attempt(task, context, client, tools, index=trial, sample=trial, user=user)
            except BudgetExceeded as error:
                stopped.append(str(error))
                return
            scored = score_trajectory(task, outcome.trajectory, [reward], context)
            result = scored.rewards[0]
            answer = next(
                (m.content for m in reversed(scored.messages) if m.role == "assistant" and m.content.strip()), ""
            )
            missing = answer_mentions(answer, task.answer_facts) if task.answer_facts else []
            passed = result.score >= options.pass_score and not missing
            explanation = result.explanation
            if missing:
                explanation = f"the answer does not mention {', '.join(missing)}; {explanation}".strip("; ")
            row = TrialRow(
                task_id=task.id,
                trial=trial,
                environment=task_environment(task),
                passed=passed,
                score=result.score,
                reward=reward_name,
                end=outcome.end,
                explanation=explanation[:1000],
                tool_calls=len(scored.steps),
                llm_calls=outcome.llm_calls,
                input_tokens=outcome.usage.input_tokens,
                output_tokens=outcome.usage.output_tokens,
            )
            results.commit(row, scored)
            finished += 1
            if report is not None:
                report(finished, len(pending))

    try:
        await asyncio.gather(*(one(task, trial) for task, trial in pending))
    finally:
        closer = getattr(client, "aclose", None)
        if closer is not None:
            await closer()
    return finished, stopped[0] if stopped else ""
