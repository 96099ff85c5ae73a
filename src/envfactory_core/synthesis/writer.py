"""``llm/writer``: the first-person request for each turn, with the user's intent (paper §5.2 step 3).

The writer sees the story, the earlier requests and the turn's target calls with, for every
argument, whether the request must state it. Its answer must pass our solvability check for the
turns written so far and must not name tools; otherwise the problems go back to the model, and
after ``max_attempts`` the task is dropped (``write: request_invalid``).

Some tasks no wording can make solvable (a bound value that is not in the output it is bound
to); they are found before any call, by checking a request that states every value, and dropped
as ``write: unsolvable`` without spending a call.
"""

from __future__ import annotations

import json
from typing import ClassVar

import attrs

from ..llm.records import ChatResponse
from ..models import Task, Turn
from ..tasks.context import DropTask, TaskContext
from ..tasks.values import all_scalars
from .base import LLMComponent
from .exchange import AttemptsExhausted, ask
from .parsing import OutputProblem, tagged
from .render import task_tool_names
from .requests import calls_text, guidance, must_state, turn_problems, with_turn
from .runtime import client_for
from .story import tool_name_mentions

__all__ = ["LLMWriter", "answered_turn", "earlier_requests", "parse_request", "structural_problems", "task_now"]


def task_now(task: Task, context: TaskContext) -> str:
    """The clock of the task's first environment (every environment of a domain shares one)."""
    for name in task.environments:
        environment = context.environments.get(name)
        if environment is not None:
            return environment.spec.now
    return "unknown"


def earlier_requests(task: Task, index: int) -> str:
    lines = [f"{position + 1}. {turn.request}" for position, turn in enumerate(task.turns[:index]) if turn.request]
    return "\n".join(lines) or "(none)"


def structural_problems(task: Task, index: int) -> list[str]:
    """Problems of turn ``index`` that remain even when its request states every value: no request
    can fix them."""
    turn: Turn = task.turns[index]
    values = [
        value
        for position in turn.calls
        for argument in task.gold_calls[position].call.arguments.values()
        for value in all_scalars(argument)
    ]
    values += must_state(task, turn)
    everything = " ; ".join(str(value) for value in values) or "(nothing)"
    return turn_problems(with_turn(task, index, request=everything, user_intent=""), index)


def parse_request(response: ChatResponse, tools: tuple[str, ...]) -> tuple[str, str]:
    """``(user_intent, query)`` from an answer; the query must not name tools."""
    query = tagged(response.text, "query")
    intent = tagged(response.text, "user_intent")
    named = tool_name_mentions(query, tools)
    if named:
        raise OutputProblem(f"the request names the tool(s) {', '.join(named)}; say what you want, not which tool")
    return intent, query


def answered_turn(
    task: Task,
    index: int,
    response: ChatResponse,
    tools: tuple[str, ...],
    *,
    unsolvable: str,
    raw_request: str | None = None,
) -> tuple[Task, str]:
    """``(task with turn index carrying the answer's request, the request)``; :class:`OutputProblem`
    starting with ``unsolvable`` when the turns so far then fail the solvability check.

    ``raw_request`` is kept as the turn's pre-refinement request (``None``: the answer's request).
    """
    intent, query = parse_request(response, tools)
    candidate = with_turn(
        task, index, request=query, user_intent=intent, raw_request=query if raw_request is None else raw_request
    )
    problems = turn_problems(candidate, index)
    if problems:
        raise OutputProblem(f"{unsolvable}:\n" + "\n".join(f"- {problem}" for problem in problems[:10]))
    return candidate, query


@attrs.frozen(kw_only=True)
class LLMWriter(LLMComponent):
    """Write each turn's first-person request and user intent; it must pass the solvability check."""

    stage: ClassVar[str] = "write"
    name: str = "writer"
    description: str = (
        "LLM request writer: a first-person request and user intent per turn, held to the solvability check."
    )

    def write(self, task: Task, context: TaskContext) -> Task:
        client = client_for(context.llm)
        tools = task_tool_names(task)
        for index, turn in enumerate(task.turns):
            unfixable = structural_problems(task, index)
            if unfixable:
                raise DropTask("unsolvable", "no request can make the task solvable: " + "; ".join(unfixable[:3]))
            current = task

            def parse(response: ChatResponse, index: int = index, current: Task = current) -> Task:
                unsolvable = "the request does not let the assistant determine every value it needs"
                return answered_turn(current, index, response, tools, unsolvable=unsolvable)[0]

            exchange = self.exchange(
                "writer",
                parse,
                what=f"request of turn {index}",
                seed=context.seed + index,
                story=context.story or task.story or "(no story: write as an ordinary user)",
                now=task_now(task, context),
                earlier=earlier_requests(task, index),
                turn=f"{index + 1} of {len(task.turns)}",
                calls=calls_text(task, turn, context),
                guidance=guidance(task, turn),
                required=json.dumps(must_state(task, turn), ensure_ascii=False),
            )
            try:
                task = ask(client, exchange)
            except AttemptsExhausted as error:
                raise DropTask("request_invalid", str(error)) from None
        return task.with_changes(
            provenance={**task.provenance, "writer": self.component_name, "writer_model": self.model_id()}
        )
