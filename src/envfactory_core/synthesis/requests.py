"""What the request writer and refiner are told about a turn, and how their answers are checked.

Both describe the turn's target calls with, for every argument, what the request must do about
it. The guidance is derived from the same facts the solvability check
(:func:`~envfactory_core.tasks.requests.solvability_problems`) uses: values only the user knows
must be stated; values an earlier result holds need not be, unless that result lists several and
the request must say which one. Answers are then held to that check, and the refiner's also to
"no identifier the assistant can look up".
"""

from __future__ import annotations

import json

import attrs

from ..ids import JsonValue
from ..models import GoldCall, Task, Turn
from ..tasks.context import TaskContext
from ..tasks.phrasing import ambiguous, argument_label, descriptor, render_value
from ..tasks.requests import solvability_problems
from ..tasks.values import all_scalars, is_identifier_like, stated_in

__all__ = [
    "calls_text",
    "derivable_identifiers",
    "guidance",
    "must_state",
    "stated_identifiers",
    "turn_problems",
    "with_turn",
]


def _leaf(value: JsonValue, child: str) -> JsonValue:
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return value[0].get(child)
    if isinstance(value, dict):
        return value.get(child)
    return value


def _relevant(call: GoldCall) -> list[tuple[str, JsonValue, str]]:
    return [
        (name, value, call.sources.get(name, "user"))
        for name, value in sorted(call.call.arguments.items())
        if name not in call.masked_arguments and call.sources.get(name) != "default"
    ]


def _binding_hint(task: Task, call: GoldCall, name: str, value: JsonValue) -> tuple[str, JsonValue] | None:
    """``(label, value)`` that singles out a bound value picked from a list of several, if needed."""
    for argument, origin in sorted(call.bindings.items()):
        if argument.partition(".")[0] != name:
            continue
        step, field = origin.split(":", 1)
        output = task.gold_calls[int(step)].output
        leaf = _leaf(value, argument.partition(".")[2]) if argument.partition(".")[2] else value
        if ambiguous(output, field):
            found = descriptor(output, field, leaf)
            return (argument_label(found[0]), found[1]) if found else (argument_label(name), leaf)
    return None


def guidance(task: Task, turn: Turn) -> str:
    """One line per argument of the turn's calls: its value and what the request must do about it."""
    lines: list[str] = []
    for index in turn.calls:
        call = task.gold_calls[index]
        for name, value, source in _relevant(call):
            label = f"{call.call.tool}.{name} = {render_value(value)}"
            if source == "binding":
                hint = _binding_hint(task, call, name, value)
                if hint is None:
                    lines.append(f"- {label}: an earlier result gives it; the request need not state it")
                else:
                    lines.append(
                        f"- {label}: an earlier result lists several; the request must single it out, "
                        f"e.g. by its {hint[0]} {render_value(hint[1])}"
                    )
            elif source == "state":
                lines.append(f"- {label}: an existing record; the request must state this value")
            else:
                lines.append(f"- {label}: only the user knows it; the request must state this value")
    return "\n".join(lines) or "- (no arguments to convey)"


def must_state(task: Task, turn: Turn) -> list[JsonValue]:
    """The values the turn's request must state (list and object values opened into their leaves)."""
    values: list[JsonValue] = []
    for index in turn.calls:
        call = task.gold_calls[index]
        for name, value, source in _relevant(call):
            if source == "binding":
                hint = _binding_hint(task, call, name, value)
                if hint is None:
                    continue
                value = hint[1]
            for leaf in all_scalars(value):
                if leaf not in values:
                    values.append(leaf)
    return values


def calls_text(task: Task, turn: Turn, context: TaskContext) -> str:
    """The turn's target calls: name, description, arguments as JSON."""
    lines: list[str] = []
    for position, index in enumerate(turn.calls, start=1):
        call = task.gold_calls[index]
        name = call.call.qualified_name
        description = context.descriptions.get(name, "").strip().splitlines()
        lines.append(f"{position}. {name} ({call.effect}): {description[0] if description else ''}".rstrip(": "))
        lines.append(f"   arguments: {json.dumps(call.call.arguments, ensure_ascii=False, sort_keys=True)}")
    return "\n".join(lines)


def with_turn(task: Task, index: int, *, request: str, user_intent: str, raw_request: str | None = None) -> Task:
    """``task`` with turn ``index`` carrying a new request (and intent)."""
    turns = list(task.turns)
    turn = turns[index]
    turns[index] = attrs.evolve(
        turn,
        request=request,
        user_intent=user_intent,
        raw_request=turn.raw_request if raw_request is None else raw_request,
    )
    return task.with_changes(turns=tuple(turns))


def turn_problems(task: Task, upto: int) -> list[str]:
    """Solvability problems of turns ``0..upto`` (later turns may not be written yet)."""
    prefixes = tuple(f"turn {index}," for index in range(upto + 1))
    return [problem for problem in solvability_problems(task) if problem.startswith(prefixes)]


def derivable_identifiers(task: Task, upto: int) -> list[tuple[str, JsonValue]]:
    """Identifier values of turns ``0..upto`` that earlier results give the assistant and that no
    argument needs stated: stating them in a refined request gives the lookup away."""
    needed: list[JsonValue] = []
    derivable: list[tuple[str, JsonValue]] = []
    for turn in task.turns[: upto + 1]:
        for index in turn.calls:
            call = task.gold_calls[index]
            for name, value, source in _relevant(call):
                if source == "binding":
                    hint = _binding_hint(task, call, name, value)
                    if hint is not None:
                        needed.append(hint[1])
                    elif is_identifier_like(name, value) and isinstance(value, (str, int)):
                        derivable.append((name, value))
                else:
                    needed.append(value)
    return [(name, value) for name, value in derivable if value not in needed]


def stated_identifiers(text: str, identifiers: list[tuple[str, JsonValue]]) -> list[str]:
    """The identifiers of ``identifiers`` that ``text`` states."""
    return sorted({render_value(value) for _, value in identifiers if stated_in(value, text)})
