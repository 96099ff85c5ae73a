"""How a set of tasks reads and holds together: the quality figures of a run, and a gate on them.

The figures say whether requests sound like a person or like the tool list they came from, and
whether a chain serves one goal:

- **description copy**: a user turn holding a 6-word span of any tool description (pasted docstrings);
- **parenthesis**: a user turn with a parenthesis (asides copied from descriptions);
- **distinct 4-grams**: distinct word 4-grams over all 4-grams of all turns (the same frames again and
  again push it down);
- **repeated reference**: a turn naming the same thing twice ("the one called X ... the one called X");
- **undo pair**: a write undone by a later write of the same chain on the same entity (create, then
  cancel), or a decision taken by the one who asked for it (apply, then approve);
- **value-range violations**: values no one would give (:mod:`envfactory_core.env.plausible`);
- **unshared environments**: a chain over several environments whose calls share no value (person,
  place, date, amount or item) between some environment and the others.

:func:`task_problems` gives one task's problems (the ``core/quality`` gate drops on them);
:func:`quality_figures` gives the run's shares.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

import attrs

from ..env.plausible import value_problems
from ..models import Check, GoldCall, Task, VerificationReport
from .context import TaskContext
from .phrase_model import inverse_pair
from .values import all_scalars

__all__ = [
    "QualityGate",
    "coherence_problems",
    "description_spans",
    "quality_figures",
    "repeated_references",
    "shares_entities",
    "task_problems",
]

_SPAN = 6
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_QUOTED = re.compile(r'"([^"]{2,})"')
_REFERENCE = re.compile(r"\bthe (?:one|[a-z]+) (?:called|named|titled|with [a-z ]+?) \"[^\"]+\"")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def description_spans(descriptions: Iterable[str]) -> frozenset[tuple[str, ...]]:
    """Every 6-word span of the descriptions (lowercase words)."""
    spans: set[tuple[str, ...]] = set()
    for description in descriptions:
        words = _words(description)
        spans.update(tuple(words[i : i + _SPAN]) for i in range(len(words) - _SPAN + 1))
    return frozenset(spans)


def copies_description(text: str, spans: frozenset[tuple[str, ...]]) -> bool:
    words = _words(text)
    return any(tuple(words[i : i + _SPAN]) in spans for i in range(len(words) - _SPAN + 1))


def repeated_references(text: str) -> list[str]:
    """References a turn makes twice: the same quoted name, or the same "the one called …"."""
    seen: dict[str, int] = {}
    for match in _REFERENCE.finditer(text):
        seen[match.group(0)] = seen.get(match.group(0), 0) + 1
    for match in _QUOTED.finditer(text):
        seen['"' + match.group(1) + '"'] = seen.get('"' + match.group(1) + '"', 0) + 1
    return sorted(reference for reference, count in seen.items() if count > 1)


_TRIVIAL = frozenset({"", "yes", "no", "true", "false", "none", "active", "open", "pending", "confirmed"})


def _call_values(call: GoldCall) -> set[str]:
    """What a call is about, as comparable text: its argument values and its output's values."""
    found: set[str] = set()
    for value in [*all_scalars(call.call.arguments), *all_scalars(call.output)]:
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, (int, float)) and abs(value) < 10:
            continue  # small counts are shared by accident
        text = str(value).strip().lower()
        if text in _TRIVIAL or len(text) < 3:
            continue
        found.add(text)
        if len(text) >= 10 and text[:10].count("-") == 2 and text[:4].isdigit():
            found.add(text[:10])  # a day, whether given as a date or a time
    return found


def shares_entities(task: Task) -> bool:
    """Whether every environment of the task shares a value with the others (joined by something real)."""
    by_env: dict[str, set[str]] = {}
    for call in task.gold_calls:
        by_env.setdefault(call.call.environment, set()).update(_call_values(call))
    if len(by_env) < 2:
        return True
    names = list(by_env)
    joined = {names[0]}
    changed = True
    while changed:
        changed = False
        for name in names:
            if name in joined:
                continue
            if any(by_env[name] & by_env[other] for other in joined):
                joined.add(name)
                changed = True
    return len(joined) == len(names)


def undo_pairs(task: Task) -> list[str]:
    """Writes a later write of the task undoes, or a decision on the user's own request."""
    pairs = []
    for later_index, later in enumerate(task.gold_calls):
        if later.effect != "write":
            continue
        sources = {int(origin.split(":", 1)[0]) for origin in later.bindings.values()}
        later_values = {repr(value) for value in all_scalars(later.call.arguments)}
        for index in range(later_index):
            earlier = task.gold_calls[index]
            if earlier.effect != "write" or earlier.call.environment != later.call.environment:
                continue
            same_entity = index in sources or bool(
                later_values & {repr(value) for value in all_scalars(earlier.output) if isinstance(value, str)}
            )
            kind = inverse_pair(earlier.call.tool, later.call.tool)
            if same_entity and kind:
                pairs.append(f"{kind}: call {later_index} ({later.call.tool}) after call {index} ({earlier.call.tool})")
    return pairs


def coherence_problems(task: Task) -> list[tuple[str, str]]:
    """``(code, reason)`` for each way the task's chain fails to serve one user's goal."""
    problems = [("undo_pair", pair) for pair in undo_pairs(task)]
    if not shares_entities(task):
        problems.append(
            ("unshared_environments", f"{', '.join(task.environments)} share no person, place, date, amount or item")
        )
    return problems


def range_violations(task: Task, context: TaskContext | None = None) -> list[str]:
    """Values of the gold calls no one would give (user and state values alike)."""
    found = []
    for index, call in enumerate(task.gold_calls):
        environment = context.environments.get(call.call.environment) if context is not None else None
        now = environment.clock if environment is not None else None
        earlier = [gold.output for gold in task.gold_calls[:index]]
        for problem in value_problems(call.call.arguments, now=now, effect=call.effect, earlier=earlier):
            found.append(f"call {index} ({call.call.qualified_name}): {problem}")
    return found


def task_problems(task: Task, spans: frozenset[tuple[str, ...]], context: TaskContext | None = None) -> list[str]:
    """Every quality problem of one task (empty when it reads and holds together)."""
    problems = []
    for number, turn in enumerate(task.turns):
        if copies_description(turn.request, spans):
            problems.append(f"turn {number}: copies a tool description")
        if "(" in turn.request or ")" in turn.request:
            problems.append(f"turn {number}: has a parenthesis")
        for reference in repeated_references(turn.request):
            problems.append(f"turn {number}: names {reference} twice")
    problems += [f"{code}: {reason}" for code, reason in coherence_problems(task)]
    problems += range_violations(task, context)
    return problems


def _distinct_ratio(texts: Sequence[str], size: int = 4) -> float:
    total = 0
    distinct: set[tuple[str, ...]] = set()
    for text in texts:
        words = _words(text)
        grams = [tuple(words[i : i + size]) for i in range(len(words) - size + 1)]
        total += len(grams)
        distinct.update(grams)
    return round(len(distinct) / total, 4) if total else 0.0


def quality_figures(
    tasks: Sequence[Task], descriptions: Mapping[str, str], context: TaskContext | None = None
) -> dict[str, Any]:
    """The run's quality figures over ``tasks`` (shares of user turns or of tasks, and counts)."""
    spans = description_spans(descriptions.values())
    turns = [turn.request for task in tasks for turn in task.turns]
    copied = sum(1 for text in turns if copies_description(text, spans))
    bracketed = sum(1 for text in turns if "(" in text or ")" in text)
    repeated = sum(1 for text in turns if repeated_references(text))
    undo = sum(1 for task in tasks if undo_pairs(task))
    multi_env = [task for task in tasks if len(task.environments) > 1]
    unshared = sum(1 for task in multi_env if not shares_entities(task))
    violations = sum(len(range_violations(task, context)) for task in tasks)

    def share(count: int, total: int) -> float:
        return round(count / total, 4) if total else 0.0

    return {
        "user_turns": len(turns),
        "description_copy_share": share(copied, len(turns)),
        "parenthesis_share": share(bracketed, len(turns)),
        "distinct_4gram_ratio": _distinct_ratio(turns),
        "repeated_reference_share": share(repeated, len(turns)),
        "undo_pair_share": share(undo, len(tasks)),
        "value_range_violations": violations,
        "cross_environment_tasks": len(multi_env),
        "cross_environment_unshared": unshared,
        "stories": share(sum(1 for task in tasks if task.story.strip()), len(tasks)),
    }


@attrs.frozen(kw_only=True)
class QualityGate:
    """Drop a task whose requests copy descriptions, bracket asides, repeat references, whose chain
    undoes itself or joins unrelated environments, or whose values are out of range."""

    name: str = "quality"
    reads_requests: ClassVar[bool] = True

    def verify_task(self, task: Task, context: TaskContext) -> VerificationReport:
        spans = _spans(context)
        problems = task_problems(task, spans, context)
        return VerificationReport(
            subject=task.id,
            verifier=f"core/{self.name}",
            checks=(
                Check(name="reads_naturally", passed=not problems, detail="; ".join(problems[:3]) or "no problem"),
            ),
        )


_SPAN_CACHE: dict[int, frozenset[tuple[str, ...]]] = {}


def _spans(context: TaskContext) -> frozenset[tuple[str, ...]]:
    key = id(context.environments)
    if key not in _SPAN_CACHE:
        _SPAN_CACHE.clear()
        _SPAN_CACHE[key] = description_spans(context.descriptions.values())
    return _SPAN_CACHE[key]
