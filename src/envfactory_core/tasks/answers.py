"""The assistant's closing message of a turn, from the tool outputs: what was done and what was found.

"I've booked the reservation: confirmation code RSV-4411, status confirmed." — each write of the
turn is reported with the telling fields of its output; on the task's last turn a read reports
what it found (how many, and the first few by name), and every answer fact of a read task is said.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..ids import JsonValue
from ..models import Task
from .natural import human_date, participle
from .phrase_model import phrase_for
from .phrasing import argument_label, join_words, render_value
from .values import stated_in

__all__ = ["closing_message"]

_FIELDS = (
    "confirmation_code",
    "status",
    "title",
    "name",
    "total",
    "amount",
    "price",
    "balance",
    "date",
    "start_time",
    "due_date",
    "tracking_number",
    "short_url",
    "url",
    "count",
)
_NAMES = ("title", "name", "subject", "summary", "email", "city", "description")


def _shown(value: JsonValue) -> str:
    if isinstance(value, str) and len(value) >= 10 and value[:4].isdigit() and value[4:5] == "-":
        return human_date(value)
    return render_value(value)


def _facts(output: JsonValue, limit: int = 3) -> list[str]:
    """``label value`` of the output's telling fields."""
    if not isinstance(output, Mapping):
        return []
    facts = []
    for field in _FIELDS:
        value = output.get(field)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool) and value != "":
            facts.append(f"{argument_label(field)} {_shown(value)}")
            if len(facts) == limit:
                break
    return facts


def _items(output: JsonValue) -> list[Any]:
    if isinstance(output, list):
        return output
    if isinstance(output, Mapping):
        for value in output.values():
            if isinstance(value, list) and (not value or isinstance(value[0], Mapping)):
                return value
    return []


def _found(output: JsonValue, thing: str, things: str, listing: bool) -> str:
    items = _items(output) if listing else []
    if listing and (items or isinstance(output, (list, Mapping))):
        named = []
        for item in items[:3]:
            if isinstance(item, Mapping):
                label = next((item[key] for key in _NAMES if isinstance(item.get(key), str) and item[key]), None)
                if label is not None:
                    named.append(render_value(label))
        count = len(items)
        head = f"I found {count} {thing if count == 1 else things}" if count else f"I found no {things}"
        text = head + (": " + join_words(named) + (" and more" if count > len(named) else "") if named else "")
        if count == 1 and isinstance(items[0], Mapping):
            facts = [fact for fact in _facts(items[0], limit=4) if not fact.startswith(("title ", "name "))]
            text += (", with " + join_words(facts)) if facts else ""
        return text
    facts = _facts(output, limit=4)
    if not facts and isinstance(output, Mapping):
        nested = [value for value in output.values() if isinstance(value, Mapping)]
        facts = _facts(nested[0], limit=4) if len(nested) == 1 else []
    return f"Here is the {thing}: " + join_words(facts) if facts else f"I looked at the {thing}"


def _said(fact: str, text: str) -> bool:
    """Whether ``fact`` is in ``text`` as a person may write it (``486.0`` as 486, a time as 16 June at 14:00)."""
    try:
        number = float(fact)
    except ValueError:
        return stated_in(fact, text)
    return stated_in(int(number) if number.is_integer() else number, text) or stated_in(fact, text)


def closing_message(task: Task, turn_calls: Sequence[int], outputs: Mapping[int, Any], last_turn: bool) -> str:
    """What the assistant says after the turn's calls: writes done, facts found, from ``outputs``."""
    sentences = []
    for index in turn_calls:
        gold = task.gold_calls[index]
        phrase = phrase_for(gold.call.tool, effect=gold.effect)
        output = outputs.get(index, gold.output)
        if gold.effect == "write":
            facts = _facts(output)
            sentence = f"I've {participle(phrase.verb)} the {phrase.thing}"
            sentences.append(sentence + (": " + join_words(facts) if facts else "") + ".")
    reads_only = all(task.gold_calls[index].effect == "read" for index in turn_calls)
    if turn_calls and ((last_turn and task.kind == "read") or reads_only):
        last = task.gold_calls[turn_calls[-1]]
        phrase = phrase_for(last.call.tool, effect=last.effect)
        found = _found(outputs.get(turn_calls[-1], last.output), phrase.thing, phrase.things, phrase.intent == "find")
        text = found + "."
        wanted = task.answer_facts if last_turn else ()
        missing = [fact for fact in wanted if not _said(fact, text)]
        if missing:
            text += " Worth knowing: " + join_words(missing) + "."
        sentences.append(text)
    return " ".join(sentences) or "Done."
