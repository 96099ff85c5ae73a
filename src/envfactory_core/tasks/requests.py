"""Writing and refining user requests without an LLM, and checking that they are solvable.

Both components compose requests from each tool's phrase model (:mod:`.natural`), goal first and
without description text.

``core/template`` writes the raw request of each turn, stating every argument value (over-specified,
on purpose: it is what the refiner improves on).

``core/implicit`` is the rule-based calibrated refinement (after the paper's §5.2 step 4):

- values the agent can read from an earlier tool output are no longer stated (when an earlier
  output lists several candidates, the request names the one meant the way a person knows it:
  "the book titled "Tidewater"");
- intermediate lookups (read calls whose outputs feed later calls) are compressed into the goal:
  only the values the user knows stay ("you can find it under noah7@example.com");
- every value only the user can know is kept, and said once;
- the task gets a story (who, what for, by when) when no story stage wrote one.

The solvability check (:func:`solvability_problems`) holds every request to the same standard:
each non-masked argument of each gold call is stated in the requests up to its turn, or produced
by an earlier gold call's output (unambiguously, or singled out by a stated descriptor).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import attrs

from ..models import GoldCall, Task
from .context import TaskContext
from .natural import Composer, write_story
from .phrasing import ambiguous, descriptor, render_value
from .values import all_scalars, is_identifier_like, stated_in, values_at

__all__ = [
    "ImplicitRefiner",
    "TemplateWriter",
    "identifier_count",
    "solvability_problems",
]


@attrs.frozen(kw_only=True)
class TemplateWriter:
    """Write each turn's raw request from the tools' phrase models, stating every argument value."""

    name: str = "template"
    description: str = "Deterministic template writer: each turn goal first, every value stated."
    kind: str = "writer"

    def write(self, task: Task, context: TaskContext) -> Task:
        composer = Composer(task=task, context=context, rng=random.Random(f"template:{task.id}"), state_all=True)
        turns = []
        for number, turn in enumerate(task.turns):
            text = composer.turn(number)
            turns.append(attrs.evolve(turn, request=text, raw_request=text))
        return task.with_changes(turns=tuple(turns), provenance={**task.provenance, "writer": f"core/{self.name}"})


@attrs.frozen(kw_only=True)
class ImplicitRefiner:
    """Rule-based calibrated refinement: drop derivable identifiers, compress lookups, keep user-only values."""

    name: str = "implicit"
    description: str = "Drop values earlier outputs determine, compress lookup steps, keep what only the user knows."
    kind: str = "refiner"

    def refine(self, task: Task, context: TaskContext) -> Task:
        rng = random.Random(f"implicit:{task.id}")
        composer = Composer(task=task, context=context, rng=rng)
        turns = []
        for number, turn in enumerate(task.turns):
            refined = composer.turn(number)
            turns.append(attrs.evolve(turn, request=refined, raw_request=turn.raw_request or turn.request))
        story = task.story or write_story(task, context, rng)
        return task.with_changes(
            turns=tuple(turns), story=story, provenance={**task.provenance, "refiner": f"core/{self.name}"}
        )


def _leaf(value: object, child: str) -> object:
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return value[0].get(child)
    if isinstance(value, dict):
        return value.get(child)
    return value


def solvability_problems(task: Task) -> list[str]:
    """Why the task's requests do not determine its gold calls (empty when solvable)."""
    problems: list[str] = []
    seen_text = ""
    for turn_index, turn in enumerate(task.turns):
        seen_text += "\n" + turn.request
        for index in turn.calls:
            call = task.gold_calls[index]
            earlier = [task.gold_calls[i].output for i in range(index)]
            for name, value in call.call.arguments.items():
                if name in call.masked_arguments or call.sources.get(name) == "default":
                    continue
                where = f"turn {turn_index}, call {index} ({call.call.qualified_name}), argument {name!r}"
                if call.sources.get(name) == "binding":
                    problem = _binding_problem(task, call, name, value, earlier, seen_text)
                    if problem:
                        problems.append(f"{where}: {problem}")
                    continue
                if not stated_in(value, seen_text):
                    problems.append(f"{where}: value {render_value(value)} is not stated in the request")
    return problems


def _binding_problem(task: Task, call: GoldCall, name: str, value: object, earlier: list[object], text: str) -> str:
    origins = {argument: origin for argument, origin in call.bindings.items() if argument.partition(".")[0] == name}
    if not origins:
        produced = {repr(item) for output in earlier for item in all_scalars(output)}
        return (
            "" if repr(value) in produced or stated_in(value, text) else "value is neither stated nor produced earlier"
        )
    for argument, origin in origins.items():
        step, field = origin.split(":", 1)
        output = task.gold_calls[int(step)].output
        leaf = _leaf(value, argument.partition(".")[2]) if argument.partition(".")[2] else value
        at_field = values_at(output, field)
        if leaf not in at_field and leaf not in _flat(at_field):
            return f"the value is not in the output of call {step} at {field}"
        if ambiguous(output, field) and not stated_in(leaf, text):
            found = descriptor(output, field, leaf)
            if found is None or not stated_in(found[1], text):
                return f"call {step} returned several {field} values and the request does not say which"
    return ""


def _flat(values: list[object]) -> list[object]:
    """Values with lists opened: a list of ids holds each of its ids (the list itself is checked apart)."""
    flat: list[object] = []
    for value in values:
        flat.extend(value if isinstance(value, list) else [value])
    return flat


def identifier_count(task: Task, *, raw: bool) -> int:
    """How many identifier values (ids, codes the system assigns) the requests state."""
    text = "\n".join(turn.raw_request if raw else turn.request for turn in task.turns)
    count = 0
    for call in task.gold_calls:
        for name, value in call.call.arguments.items():
            if name in call.masked_arguments:
                continue
            if is_identifier_like(name, value) and stated_in(value, text):
                count += 1
    return count


def with_requests(task: Task, requests: Sequence[str]) -> Task:
    """A copy of ``task`` whose turns carry ``requests`` (testing and tooling helper)."""
    turns = [attrs.evolve(turn, request=text) for turn, text in zip(task.turns, requests, strict=True)]
    return task.with_changes(turns=tuple(turns))
