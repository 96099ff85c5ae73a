"""``llm/agent``: k attempts at a task against live episodes, scored without an LLM judge (pass@k).

Each attempt is a full conversation on its **own** world, opened at the task's initial state (one
SQLite episode per environment), so attempts running concurrently never see each other's writes.
The model calls tools natively (``tool_format = "native"``) or writes Hermes ``<tool_call>``
blocks in its text (``"hermes"``, for raw servers without a tool parser: the tools are listed in
the system message and results go back as ``<tool_response>`` blocks). Either way the trajectory
stores the same native message shape, so exports do not depend on how it was collected. A tool
call whose JSON cannot be read is answered with an error and counted in ``format_errors``.

Selection follows the paper's pass@k (§5.2 steps 5-6) with the judge replaced by a check:
every attempt is replayed and scored with the registered ``reward`` against the gold final
state; an attempt *passes* when it scores at least ``pass_score`` (and, for read tasks, its answer
mentions the task's ``answer_facts``, or the optional ``judge`` accepts it). The best passing
attempt becomes the trajectory; ``metadata`` records the model, every attempt's score and the
pass@k ``accuracy``, which ``min_accuracy`` / ``max_accuracy`` use as a difficulty filter.
A task no attempt solves is dropped (``collect: unsolved``) unless ``drop_unsolved = false``.

With ``user = "llm/user"`` the task is conversational: when the agent answers without a tool
call, the simulated user replies (or ends the conversation).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Sequence
from typing import Any, ClassVar, Literal

import attrs

from ..contracts import AGENT, REWARD, Kind
from ..env import World
from ..errors import ConfigError, Problem
from ..ids import JsonValue
from ..llm.errors import LLMContextOverflowError
from ..llm.hermes import format_tool_call, has_text_tool_calls, parse_text_tool_calls, split_reasoning
from ..llm.records import ChatRequest, ChatResponse, LLMToolCall, ToolDefinition, Usage
from ..models import Message, MessageToolCall, RewardResult, Step, Task, ToolCall, Trajectory, split_qualified_name
from ..rewards import RewardInput
from ..tasks.context import DropTask, TaskContext
from ..tasks.replay import open_world
from ..tasks.scoring import score_trajectory
from ..tasks.values import stated_in
from .base import LLMComponent
from .exchange import AttemptsExhausted
from .render import truncate_middle
from .runtime import ChatClient, client_for, run_async
from .tally import note_answer, note_fallback

__all__ = ["AttemptOutcome", "LLMAgent", "answer_mentions", "shortened"]

ToolFormat = Literal["native", "hermes"]


def answer_mentions(answer: str, facts: Sequence[str]) -> list[str]:
    """The facts ``answer`` does not mention (numbers in any common format, thousands separators too)."""
    plain = re.sub(r"(?<=\d),(?=\d{3}\b)", "", answer)
    missing: list[str] = []
    for fact in facts:
        value: JsonValue = fact
        try:
            parsed = json.loads(fact)
        except (json.JSONDecodeError, TypeError):
            parsed = None
        if isinstance(parsed, (int, float)) and not isinstance(parsed, bool):
            value = parsed
        if not any(stated_in(candidate, text) for candidate in (value, fact) for text in (answer, plain)):
            missing.append(fact)
    return missing


@attrs.frozen(kw_only=True)
class AttemptOutcome:
    """One attempt before scoring: its trajectory, how it ended, what it cost."""

    index: int
    trajectory: Trajectory
    end: str
    llm_calls: int = 0
    usage: Usage = attrs.field(factory=Usage)


@attrs.define
class _Attempt:
    """One attempt's running state: the trajectory's messages, the text-only view a Hermes-mode model
    is sent instead, the executed steps, and what the model calls cost."""

    native: bool
    transcript: list[Message] = attrs.field(factory=list)
    view: list[Message] = attrs.field(factory=list)
    steps: list[Step] = attrs.field(factory=list)
    usage: Usage = attrs.field(factory=Usage)
    llm_calls: int = 0
    format_errors: int = 0
    numbered: int = 0

    def add(self, message: Message, view: Message | None = None) -> None:
        self.transcript.append(message)
        self.view.append(message if self.native or view is None else view)

    def answered(self, response: ChatResponse) -> tuple[LLMToolCall, ...]:
        """Record the model's answer; its tool calls, renumbered ``call_N`` within the attempt."""
        self.llm_calls += 1
        self.usage = self.usage + response.usage
        text, calls, reasoning = _read_response(response.text, response.tool_calls, response.reasoning)
        note_answer("collect", rejected=any(not call.ok for call in calls))
        numbered = []
        for call in calls:
            self.numbered += 1
            numbered.append(attrs.evolve(call, id=f"call_{self.numbered}"))
        stored = tuple(MessageToolCall(id=call.id, name=call.name, arguments=call.arguments) for call in numbered)
        self.add(
            Message(role="assistant", content=text, reasoning=reasoning, tool_calls=stored),
            Message(role="assistant", content=_hermes_text(text, numbered)),
        )
        return tuple(numbered)

    def execute(self, calls: Sequence[LLMToolCall], world: World, limit: int) -> None:
        """Run the calls on the attempt's world and give the model each result (or why it could not run)."""
        responses: list[str] = []
        for call in calls:
            if call.ok:
                environment, tool = split_qualified_name(call.name)
                result = world.call(call.name, call.arguments)
                self.steps.append(
                    Step(call=ToolCall(environment=environment, tool=tool, arguments=call.arguments), result=result)
                )
                payload = result.as_payload()
            else:
                self.format_errors += 1
                payload = _unreadable(call)
            content = truncate_middle(_tool_payload(payload), limit)
            responses.append(content)
            self.transcript.append(Message(role="tool", tool_call_id=call.id, name=call.name, content=content))
            if self.native:
                self.view.append(self.transcript[-1])
        if not self.native:
            blocks = "\n".join(f"<tool_response>\n{item}\n</tool_response>" for item in responses)
            self.view.append(Message(role="user", content=blocks))


def _tool_payload(content: JsonValue) -> str:
    return json.dumps(content, ensure_ascii=False, sort_keys=True)


@attrs.frozen(kw_only=True)
class LLMAgent(LLMComponent):
    """k attempts per task on isolated episodes (native or Hermes tool calls); the best passing one is kept."""

    stage: ClassVar[str] = "collect"
    name: str = "agent"
    description: str = (
        "LLM agent: k concurrent attempts on isolated episodes, native or Hermes tool calls; "
        "best attempt by the registered reward (pass@k)."
    )
    temperature: float | None = 1.0
    k: int = attrs.field(default=4, validator=attrs.validators.ge(1))
    tool_format: ToolFormat = attrs.field(default="native", validator=attrs.validators.in_(("native", "hermes")))
    max_steps: int = attrs.field(default=12, validator=attrs.validators.ge(1))
    reward: str = "core/envfactory"
    pass_score: float = attrs.field(default=1.0, validator=[attrs.validators.ge(0.0), attrs.validators.le(1.0)])
    user: str = ""
    max_user_replies: int = attrs.field(default=4, validator=attrs.validators.ge(1))
    judge: str = ""
    min_accuracy: float = attrs.field(default=0.0, validator=[attrs.validators.ge(0.0), attrs.validators.le(1.0)])
    max_accuracy: float = attrs.field(default=1.0, validator=[attrs.validators.ge(0.0), attrs.validators.le(1.0)])
    drop_unsolved: bool = True
    max_tool_output: int = attrs.field(default=4000, validator=attrs.validators.ge(100))

    # --- the contract ---------------------------------------------------------------------------

    def solve(self, task: Task, context: TaskContext, *, attempt: int = 0) -> Trajectory:
        """Run the k attempts concurrently and return the selected trajectory."""
        client = client_for(context.llm)
        return run_async(client, lambda: self.solve_async(task, context, attempt=attempt, client=client))

    async def solve_async(
        self, task: Task, context: TaskContext, *, attempt: int = 0, client: ChatClient | None = None
    ) -> Trajectory:
        """:meth:`solve` on the running event loop."""
        client = client or client_for(context.llm)
        registry = context.registry
        if registry is None:
            raise ValueError(f"{self.component_name} names its reward: give the TaskContext the run's registry")
        reward = registry.get(REWARD, self.reward)
        user = self._component(registry, AGENT, self.user, "areply") if self.user else None
        judge = self._component(registry, REWARD, self.judge, "ascore") if self.judge else None
        tools = self.tool_definitions(task, context)
        outcomes = await asyncio.gather(
            *(
                self.attempt(task, context, client, tools, index=index, sample=attempt * self.k + index, user=user)
                for index in range(self.k)
            )
        )
        scored = [score_trajectory(task, outcome.trajectory, [reward], context) for outcome in outcomes]
        verdicts = await asyncio.gather(
            *(self._answer_verdict(task, trajectory, client, judge, index) for index, trajectory in enumerate(scored))
        )
        return self._select(task, outcomes, scored, verdicts)

    # --- one attempt ----------------------------------------------------------------------------

    def tool_definitions(self, task: Task, context: TaskContext) -> tuple[ToolDefinition, ...]:
        """Every tool of the task's environments, named ``env__tool``."""
        definitions: list[ToolDefinition] = []
        for name in task.environments:
            environment = context.environments[name]
            for spec in environment.spec.tools:
                definitions.append(ToolDefinition.from_spec(spec, name=f"{name}__{spec.name}"))
        return tuple(definitions)

    def system_prompt(self, task: Task, context: TaskContext, *, conversational: bool) -> str:
        policies = [
            f"{name}:\n{context.environments[name].policy.strip()}"
            for name in task.environments
            if name in context.environments and context.environments[name].policy.strip()
        ]
        rules = self.template("agent.rules_conversational" if conversational else "agent.rules_solo").render()
        return self.template("agent.system").render(rules=rules, policies="\n\n".join(policies) or "(none)")

    async def attempt(
        self,
        task: Task,
        context: TaskContext,
        client: ChatClient,
        tools: tuple[ToolDefinition, ...],
        *,
        index: int,
        sample: int,
        user: Any = None,
    ) -> AttemptOutcome:
        """One conversation on a fresh world at the task's initial state."""
        run = _Attempt(native=self.tool_format == "native")
        system = self.system_prompt(task, context, conversational=user is not None)
        view = system
        if not run.native:
            listing = "\n".join(json.dumps(tool.openai_schema(), ensure_ascii=False) for tool in tools)
            view = system + "\n\n" + self.template("agent.hermes_tools").render(tools=listing)
        run.add(Message(role="system", content=system), Message(role="system", content=view))
        end = "answered"
        with open_world(context.environments, context.states.get(task.initial_state_id)) as world:
            for turn_index, turn in enumerate(task.turns):
                run.add(Message(role="user", content=turn.request))
                end = await self._turn(task, turn_index, context, client, tools, run, world, sample=sample, user=user)
                if end == "max_steps":
                    break  # a turn that did not finish: later turns build on it, so they are not attempted
            final_state_id = context.states.put(world.state())
        trajectory = Trajectory(
            task_id=task.id,
            agent=self.component_name,
            messages=tuple(run.transcript),
            steps=tuple(run.steps),
            final_state_id=final_state_id,
            attempt=index,
            format_errors=run.format_errors,
        )
        return AttemptOutcome(index=index, trajectory=trajectory, end=end, llm_calls=run.llm_calls, usage=run.usage)

    async def _turn(
        self,
        task: Task,
        turn_index: int,
        context: TaskContext,
        client: ChatClient,
        tools: tuple[ToolDefinition, ...],
        run: _Attempt,
        world: World,
        *,
        sample: int,
        user: Any,
    ) -> str:
        """Model calls until the turn ends; returns how it ended."""
        replies = 0
        for _ in range(self.max_steps):
            request = ChatRequest(
                model=self.model_id(),
                messages=tuple(run.view),
                tools=tools if run.native else (),
                temperature=self.temperature,
                max_tokens=self.max_tokens,
                seed=(context.seed + sample) % 2**31,
                sample=sample,
            )
            calls = run.answered(await self._fitting(client, request, run))
            if calls:
                run.execute(calls, world, self.max_tool_output)
                continue
            if user is None:
                return "answered"
            if replies >= self.max_user_replies:
                return "max_user_replies"
            replies += 1
            try:
                reply = await user.areply(task, turn_index, run.transcript, context, client=client, sample=sample)
            except AttemptsExhausted:
                return "user_failed"
            if reply.done:
                return "user_done"
            run.add(Message(role="user", content=reply.message))
        return "max_steps"

    async def _fitting(self, client: ChatClient, request: ChatRequest, run: _Attempt) -> ChatResponse:
        """The call, shortened until it fits the model's context: old tool outputs cut, then old turns
        dropped; the overflow is raised (and the item dropped) only when neither is left to do."""
        level = 0
        while True:
            try:
                return await client.chat(request, stage=self.stage)
            except LLMContextOverflowError:
                while level < 2:
                    level += 1
                    shorter = shortened(run.view, level)
                    if shorter != run.view:
                        break
                else:
                    raise
            note_fallback(f"{self.component_name}: prompt shortened after a context overflow")
            run.view = shorter
            request = attrs.evolve(request, messages=tuple(shorter))

    # --- judging and selection ------------------------------------------------------------------

    async def _answer_verdict(
        self, task: Task, trajectory: Trajectory, client: ChatClient, judge: Any, index: int
    ) -> tuple[bool, str]:
        """For read tasks: whether the final answer reports what was asked (facts, or the judge)."""
        if task.kind != "read":
            return True, ""
        answer = next(
            (m.content for m in reversed(trajectory.messages) if m.role == "assistant" and m.content.strip()), ""
        )
        if judge is not None:
            data = RewardInput(
                gold_calls=task.gold_calls,
                calls=trajectory.calls,
                environments=task.environments,
                answer=answer,
                answer_facts=task.answer_facts,
            )
            result: RewardResult = await judge.ascore(data, client=client, request=task.request, sample=index)
            return result.score >= 1.0, result.explanation
        missing = answer_mentions(answer, task.answer_facts)
        return not missing, f"the answer does not mention {', '.join(missing)}" if missing else ""

    def _select(
        self,
        task: Task,
        outcomes: Sequence[AttemptOutcome],
        scored: Sequence[Trajectory],
        verdicts: Sequence[tuple[bool, str]],
    ) -> Trajectory:
        scores = [trajectory.rewards[0].score for trajectory in scored]
        passed = [score >= self.pass_score and verdict[0] for score, verdict in zip(scores, verdicts, strict=True)]
        accuracy = sum(passed) / len(passed)
        best = min(range(len(scored)), key=lambda i: (not passed[i], -scores[i], len(scored[i].steps), i))
        attempts: list[JsonValue] = []
        for outcome, trajectory, ok, verdict in zip(outcomes, scored, passed, verdicts, strict=True):
            entry: dict[str, JsonValue] = {
                "attempt": outcome.index,
                "score": trajectory.rewards[0].score,
                "passed": ok,
                "end": outcome.end,
                "tool_calls": len(trajectory.steps),
                "final_state_id": trajectory.final_state_id,
                "format_errors": trajectory.format_errors,
                "llm_calls": outcome.llm_calls,
                "input_tokens": outcome.usage.input_tokens,
                "output_tokens": outcome.usage.output_tokens,
            }
            if verdict[1]:
                entry["answer"] = verdict[1]
            attempts.append(entry)
        total = Usage()
        for outcome in outcomes:
            total = total + outcome.usage
        metadata: dict[str, JsonValue] = {
            "model": self.model_id(),
            "tool_format": self.tool_format,
            "conversational": bool(self.user),
            "reward": scored[0].rewards[0].reward,
            "pass_score": self.pass_score,
            "k": self.k,
            "passed": sum(passed),
            "accuracy": round(accuracy, 6),
            "selected_attempt": outcomes[best].index,
            "format_errors": sum(trajectory.format_errors for trajectory in scored),
            "llm_calls": sum(outcome.llm_calls for outcome in outcomes),
            "input_tokens": total.input_tokens,
            "output_tokens": total.output_tokens,
            "attempts": attempts,
        }
        summary = f"{sum(passed)} of {self.k} attempts passed {metadata['reward']} (best score {scores[best]:.2f})"
        if not any(passed) and self.drop_unsolved:
            why = verdicts[best][1] if scores[best] >= self.pass_score else scored[best].rewards[0].explanation
            raise DropTask("unsolved", f"{summary}: {why}")
        measured = f"{summary}; pass@{self.k} accuracy {accuracy:.2f}"
        if accuracy < self.min_accuracy:
            raise DropTask("too_hard", f"{measured} < min_accuracy {self.min_accuracy}")
        if accuracy > self.max_accuracy:
            raise DropTask("too_easy", f"{measured} > max_accuracy {self.max_accuracy}")
        chosen = outcomes[best]
        return scored[best].with_changes(
            metadata=metadata,
            usage={
                "llm_calls": chosen.llm_calls,
                "input_tokens": chosen.usage.input_tokens,
                "output_tokens": chosen.usage.output_tokens,
            },
        )

    def _component(self, registry: Any, kind: Kind[Any], name: str, method: str) -> Any:
        component = registry.get(kind, name)
        if not hasattr(component, method):
            option = "user" if kind == AGENT else "judge"
            raise ConfigError(
                f"{self.component_name} cannot use {name!r}",
                [
                    Problem(
                        location=f"{self.component_name} options.{option}",
                        message=f"{name} has no {method}()",
                        fix='use "llm/user"' if option == "user" else 'use "llm/judge"',
                    )
                ],
            )
        if attrs.has(type(component)) and getattr(component, "model", None) == "":
            component = attrs.evolve(component, model=self.model_id())  # it talks to the agent's model
        return component


def _read_response(
    text: str, calls: tuple[LLMToolCall, ...], reasoning: str
) -> tuple[str, tuple[LLMToolCall, ...], str]:
    """Text, tool calls and reasoning of an answer, reading Hermes blocks, fenced JSON calls and ``<think>``."""
    if not calls and has_text_tool_calls(text, fenced=True):
        text, calls = parse_text_tool_calls(text, fenced=True)
    if not reasoning:
        reasoning, text = split_reasoning(text)
    return text.strip(), calls, reasoning


OLD_OUTPUT_CHARS = 200
KEEP_RECENT = 4


def shortened(view: Sequence[Message], level: int) -> list[Message]:
    """``view`` made shorter for a model whose context it overflowed.

    Level 1 cuts every tool output but the latest to :data:`OLD_OUTPUT_CHARS`; level 2 also drops
    the turns between the first request and the last :data:`KEEP_RECENT` messages. System
    messages and the first request always stay.
    """
    messages = list(view)
    outputs = [
        index
        for index, message in enumerate(messages)
        if message.role == "tool" or (message.role == "user" and message.content.startswith("<tool_response>"))
    ]
    for index in outputs[:-1]:
        message = messages[index]
        if len(message.content) > OLD_OUTPUT_CHARS:
            messages[index] = attrs.evolve(message, content=truncate_middle(message.content, OLD_OUTPUT_CHARS))
    if level < 2:
        return messages
    head = [message for message in messages if message.role == "system"]
    first_user = next((index for index, message in enumerate(messages) if message.role == "user"), None)
    if first_user is None:
        return messages
    head.append(messages[first_user])
    tail = messages[max(first_user + 1, len(messages) - KEEP_RECENT) :]
    while tail and tail[0].role == "tool":  # a tool result without its call is refused
        tail = tail[1:]
    return head + tail


def _unreadable(call: LLMToolCall) -> JsonValue:
    """What the agent is told about a tool call it wrote that could not be read."""
    return {"error": {"kind": "invalid_arguments", "message": f"could not read this tool call: {call.error}"}}


def _hermes_text(text: str, calls: Sequence[LLMToolCall]) -> str:
    """The assistant message as a raw model wrote it: its text, then one block per call."""
    blocks = [
        format_tool_call(call.name, call.arguments) if call.ok else f"<tool_call>\n{call.raw}\n</tool_call>"
        for call in calls
    ]
    return "\n".join(part for part in (text, *blocks) if part)
