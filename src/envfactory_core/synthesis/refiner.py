"""``llm/refiner``: calibrated refinement (paper §5.2 step 4), held to our solvability check.

The refiner rewrites each turn's request toward implicit intent: implicit references instead of
identifiers, compressed steps, justified ambiguity, merged goals. The paper's "calibration" is a
constraint in the prompt; here it is checked: the refined request must still pass
:func:`~envfactory_core.tasks.requests.solvability_problems` for the turns so far, and must not
state an identifier the assistant can read from an earlier result (stating it would undo the
refinement). A failing answer goes back with its problems; after ``max_attempts`` the task is
dropped (``refine: refinement_unsolvable``), or with ``on_failure = "keep"`` the turn keeps the
writer's request and the task records that in its provenance.
"""

from __future__ import annotations

import json
from typing import ClassVar, Literal

import attrs

from ..ids import JsonValue
from ..llm.records import ChatResponse
from ..models import Task
from ..tasks.context import DropTask, TaskContext
from .base import LLMComponent
from .exchange import AttemptsExhausted, ask
from .parsing import OutputProblem
from .render import task_tool_names
from .requests import calls_text, derivable_identifiers, guidance, must_state, stated_identifiers
from .runtime import client_for
from .writer import answered_turn, earlier_requests

__all__ = ["LLMRefiner"]


@attrs.frozen(kw_only=True)
class LLMRefiner(LLMComponent):
    """Rewrite requests toward implicit intent; the solvability check must still pass (else retry, then drop)."""

    stage: ClassVar[str] = "refine"
    name: str = "refiner"
    description: str = "LLM calibrated refinement: implicit references, compressed steps; must stay solvable."
    on_failure: Literal["drop", "keep"] = attrs.field(default="drop", validator=attrs.validators.in_(("drop", "keep")))

    def refine(self, task: Task, context: TaskContext) -> Task:
        client = client_for(context.llm)
        tools = task_tool_names(task)
        kept: list[str] = []
        for index, turn in enumerate(task.turns):
            current = task
            forbidden = derivable_identifiers(task, index)
            original = turn.raw_request or turn.request

            def parse(
                response: ChatResponse,
                index: int = index,
                current: Task = current,
                original: str = original,
                forbidden: list[tuple[str, JsonValue]] = forbidden,
            ) -> Task:
                candidate, query = answered_turn(
                    current,
                    index,
                    response,
                    tools,
                    raw_request=original,
                    unsolvable="the rewritten request is no longer solvable",
                )
                leaked = stated_identifiers(query, forbidden)
                if leaked:
                    raise OutputProblem(
                        f"the rewritten request states {', '.join(leaked)}, which the assistant can look up "
                        "from an earlier result; refer to it implicitly instead"
                    )
                return candidate

            exchange = self.exchange(
                "refiner",
                parse,
                what=f"refinement of turn {index}",
                seed=context.seed + index,
                story=context.story or task.story or "(no story)",
                earlier=earlier_requests(task, index),
                request=turn.request,
                user_intent=turn.user_intent or "(not written)",
                calls=calls_text(task, turn, context),
                guidance=guidance(task, turn),
                required=json.dumps(must_state(task, turn), ensure_ascii=False),
                forbidden=json.dumps([value for _, value in forbidden], ensure_ascii=False),
            )
            try:
                task = ask(client, exchange)
            except AttemptsExhausted as error:
                if self.on_failure == "drop":
                    raise DropTask("refinement_unsolvable", str(error)) from None
                kept.append(str(index))
        provenance = {**task.provenance, "refiner": self.component_name, "refiner_model": self.model_id()}
        if kept:
            provenance["refiner_kept_unrefined_turns"] = ",".join(kept)
        return task.with_changes(provenance=provenance)
