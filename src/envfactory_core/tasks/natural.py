"""Requests a person would write, composed from each tool's phrase model and the task's values.

A turn is written goal first: the step the user is after (the turn's last write, or its last read)
opens the turn, and the steps that only serve it follow as what the user knows ("it's under
noah7@example.com"), or as a first step ("First, find …"). Things are named the way a person knows
them: a value the user gave, "the task titled "Review homepage copy"" for one item of a list an
earlier step returns, "that order" for the only one. Each value is said once per task; no tool
description text is used. Several phrasings exist for each part, chosen by the task's seed.

:func:`compose_turn` writes one turn; :func:`write_story` the task's story (who, what for, by when).
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from datetime import date, datetime

import attrs

from ..ids import JsonValue
from ..models import GoldCall, Task
from .context import TaskContext
from .persona import persona_for
from .phrase_model import ToolPhrase, phrase_for
from .phrasing import ambiguous, argument_label, descriptor, join_words, render_value
from .values import stated_in

__all__ = ["Composer", "human_date", "participle", "phrase_of", "write_story"]

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def human_date(value: str) -> str:
    """``2025-08-01`` → ``1 August 2025``; ``2025-07-31T15:15:00+00:00`` → ``31 July 2025 at 15:15``."""
    try:
        if "T" in value:
            moment = datetime.fromisoformat(value)
            return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year} at {moment:%H:%M}"
        day = date.fromisoformat(value)
    except ValueError:
        return value
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _is_date(value: JsonValue) -> bool:
    return isinstance(value, str) and bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?.*)?", value))


def _say(value: JsonValue) -> str:
    if _is_date(value):
        assert isinstance(value, str)
        return human_date(value)
    if isinstance(value, list):
        return join_words([_say(item) for item in value]) or "none"
    return render_value(value)


def phrase_of_tool(tool: str) -> ToolPhrase:
    """The phrase model of a tool from its name alone."""
    return phrase_for(tool)


def phrase_of(call: GoldCall, context: TaskContext) -> ToolPhrase:
    """The phrase model of a gold call's tool."""
    environment = context.environments.get(call.call.environment)
    parameters = {}
    if environment is not None and call.call.tool in environment.tools:
        parameters = dict(environment.tools[call.call.tool].spec.parameters)
    return phrase_for(
        call.call.tool,
        description=context.descriptions.get(call.call.qualified_name, ""),
        parameters=parameters,
        effect=call.effect,
    )


_PAST = {
    "send": "sent",
    "set": "set",
    "make": "made",
    "get": "got",
    "find": "found",
    "pay": "paid",
    "put": "put",
    "shut": "shut",
    "withdraw": "withdrawn",
    "take": "taken",
    "give": "given",
    "write": "written",
    "choose": "chosen",
    "begin": "begun",
    "checkout": "checked out",
}


def participle(verb: str) -> str:
    """``book`` → ``booked``, ``send`` → ``sent``, ``withdraw`` → ``withdrawn``, ``submit`` → ``submitted``."""
    if verb in _PAST:
        return _PAST[verb]
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ied"
    if re.fullmatch(r"[^aeiou]*[aeiou][bdgmnprt]", verb) or verb in ("submit", "admit", "commit", "refer", "cancel"):
        return verb + verb[-1] + "ed" if verb != "cancel" else "cancelled"
    return verb + "ed"


# --- saying values ------------------------------------------------------------------------------

_START = re.compile(r"(^|_)(start|from|since|check_in|pickup|begin)(_|$)")
_END = re.compile(r"(^|_)(end|to|until|through|check_out|dropoff)(_|$)")


def _value_phrase(name: str, value: JsonValue, rng: random.Random, phrase: ToolPhrase) -> str:
    """One argument as a person says it: ``in Lisbon``, ``called "Q3 plan"``, ``for noah7@example.com``."""
    label = argument_label(name)
    said = _say(value)
    if isinstance(value, bool):
        if label.startswith("include "):
            words = label.removeprefix("include ")
            return f"yes, with {words} ones too" if value else f"no {words} ones"
        if label in ("pets", "smoking", "parking", "breakfast"):
            return f"with {label}, yes" if value else f"no {label}"
        return f"{_GENERIC}{label} set to {'yes' if value else 'no'}"
    if name in ("email", "user_email", "customer_email", "owner_email"):
        return rng.choice((f"for {said}", f"under {said}", f"with the email {said}"))
    if name in ("query", "q", "search", "keyword", "keywords", "term", "text"):
        return rng.choice((f"matching {said}", f"that mention {said}", f"for {said}"))
    if name in ("title", "subject"):
        return rng.choice((f"called {said}", f"titled {said}"))
    if name in ("name", "full_name"):
        person = isinstance(value, str) and bool(re.fullmatch(r"[A-Z][a-z'-]+( [A-Z][a-z'-]+)+", value))
        return f"for {said}" if person and phrase.thing in _PEOPLE else rng.choice((f"called {said}", f"named {said}"))
    if name in ("city", "location"):
        return f"in {said}"
    if name in ("status", "state"):
        return rng.choice((f"that are {said}", f"with status {said}")) if phrase.intent == "find" else f"to {said}"
    if name in ("description", "body", "note", "message", "reason", "comment", "text_body"):
        return rng.choice(
            (f"saying {said}", f"with the note {said}", f"that reads {said}", f"described as {said}", f"noting {said}")
        )
    if _is_date(value):
        if name in ("date", "day") or (name.endswith("_date") and not (_START.search(name) or _END.search(name))):
            return f"{label} {said}" if name != "date" else f"on {said}"
        if _START.search(name):
            return f"from {said}"
        if _END.search(name):
            return f"until {said}"
        return f"{label} {said}"
    unit = re.fullmatch(r"(.+)_(kg|g|lb|lbs|cm|mm|in|m|km)", name)
    if unit and isinstance(value, (int, float)) and not isinstance(value, bool):
        measure = {"length": "long", "width": "wide", "height": "high", "depth": "deep"}.get(unit.group(1))
        return (
            f"{said} {unit.group(2)} {measure}"
            if measure
            else f"{argument_label(unit.group(1))} {said} {unit.group(2)}"
        )
    if name in ("amount", "price", "total"):
        return f"for {said}"
    if name in ("currency", "currency_code"):
        return f"in {said}"
    if name in ("tags", "labels"):
        return f"tagged {said}"
    return f"{_GENERIC}{label} {said}"


_PEOPLE = frozenset(
    {"customer", "contact", "applicant", "application", "traveler", "traveller", "passenger", "patron", "user",
     "payee", "employee", "guest", "member", "profile", "reservation", "booking", "rental", "order", "shipment",
     "student", "attendee", "alert contact", "draft order", "viewing", "hold", "enrollment"}
)  # fmt: skip
"""Things that belong to a person: a ``name`` given for one is the person's."""

_GENERIC = "\x00"
"""Marks a plain ``label value`` part: the first one of a clause reads ``with label value``."""


def _joined(parts: Sequence[str], lead: str = "with ") -> str:
    """Parts joined; the first plain ``label value`` part gets ``lead``, the other plain ones none."""
    out, led = [], False
    for part in parts:
        if part.startswith(_GENERIC):
            part = part[1:] if led else lead + part[1:]
            led = True
        out.append(part)
    return join_words(out)


def _values_text(parts: Sequence[str], lead: str = "with ") -> str:
    return _joined([part for part in parts if part], lead)


# --- the composer ---------------------------------------------------------------------------------


@attrs.define
class Composer:
    """Writes the turns of one task; remembers what was already said so nothing is said twice."""

    task: Task
    context: TaskContext
    rng: random.Random
    state_all: bool = False
    said: str = ""

    def _hint(self, call: GoldCall, argument: str, origin: str, thing: str) -> str:
        step, field = origin.split(":", 1)
        output = self.task.gold_calls[int(step)].output
        value = call.call.arguments.get(argument.partition(".")[0])
        if isinstance(value, list) and value and isinstance(value[0], dict):
            value = value[0].get(argument.partition(".")[2])
        elif isinstance(value, dict):
            value = value.get(argument.partition(".")[2])
        if not ambiguous(output, field):
            return ""
        found = descriptor(output, field, value)
        if found is None:
            return f"the {thing} {_say(value)}"
        key, shown = found
        verbal = {
            "title": "titled",
            "name": "called",
            "subject": "about",
            "email": "for",
            "city": "in",
            "date": "dated",
            "start_time": "starting",
            "summary": "about",
            "description": "described as",
        }.get(key, f"with {argument_label(key)}")
        return f"the {thing} {verbal} {_say(shown)}"

    def _stated(self, call: GoldCall) -> list[str]:
        names = []
        for name, value in call.call.arguments.items():
            if name in call.masked_arguments or call.sources.get(name) == "default":
                continue
            if value in (None, [], {}, ""):
                continue
            source = call.sources.get(name)
            if self.state_all or source in ("user", "state"):
                names.append(name)
        return names

    def call_parts(self, call: GoldCall) -> tuple[ToolPhrase, str, list[str]]:
        """The call's phrase, how its object is referred to, and the values to say."""
        phrase = phrase_of(call, self.context)
        parts: list[str] = []
        reference = ""
        if not self.state_all:
            for argument, origin in sorted(call.bindings.items()):
                top = argument.partition(".")[0]
                noun = re.sub(r" IDs?$", "", argument_label(top)) or phrase.thing
                if not re.search(r"(^|_)ids?$", top):
                    # A bound value that is not an id is said as itself, when the output had several.
                    step, field = origin.split(":", 1)
                    if ambiguous(self.task.gold_calls[int(step)].output, field):
                        parts.append(_value_phrase(top, call.call.arguments.get(top), self.rng, phrase))
                    continue
                hint = self._hint(call, argument, origin, noun)
                if not hint:
                    continue
                if not reference and hint.startswith("the ") and noun == phrase.thing:
                    reference = hint
                elif hint.startswith("the "):
                    parts.append(f"for {hint}")
                else:
                    parts.append(hint)
        for name in self._stated(call):
            value = call.call.arguments[name]
            noun = re.sub(r" IDs?$", "", argument_label(name))
            if not reference and name.endswith("_id") and noun == phrase.thing and isinstance(value, (str, int)):
                reference = f"the {phrase.thing} {_say(value)}"
                continue
            if not self.state_all and self.said and stated_in(value, self.said):
                continue
            parts.append(_value_phrase(name, value, self.rng, phrase))
        unique: list[str] = []
        for part in parts:
            if part not in unique and part != reference:
                unique.append(part)
        if not reference:
            bound = bool(call.bindings)
            if phrase.intent in ("create", "send") or phrase.intent == "find":
                reference = ""
            else:
                reference = self.rng.choice(("that", "the")) + f" {phrase.thing}" if bound else f"the {phrase.thing}"
        return phrase, reference, unique

    def clause(self, call: GoldCall) -> str:
        """The call as a verb phrase: ``book a reservation in Lisbon for 4 people``."""
        phrase, reference, parts = self.call_parts(call)
        values = _values_text(parts)
        verb = phrase.verb
        rng = self.rng
        if phrase.intent == "find":
            head = rng.choice(
                (
                    f"find the {phrase.things}",
                    f"see which {phrase.things} there are",
                    f"look up the {phrase.things}",
                    f"check the {phrase.things}",
                    f"go through the {phrase.things}",
                    f"list the {phrase.things}",
                    f"show me the {phrase.things}",
                    f"pull up the {phrase.things}",
                )
            )
        elif phrase.intent in ("get", "count"):
            target = reference or f"the {phrase.thing}"
            head = rng.choice(
                (
                    f"pull up {target}",
                    f"look at {target}",
                    f"check {target}",
                    f"get the details of {target}",
                    f"show me {target}",
                    f"bring up {target}",
                    f"open {target}",
                )
            )
        elif phrase.intent in ("create", "send", "pay") and not reference:
            noun = f"{phrase.article} {phrase.thing}" if phrase.thing != "it" else "it"
            head = rng.choice((f"{verb} {noun}", f"{verb} {noun}", f"get {noun} {participle(verb)}"))
            if phrase.intent == "create" and verb in ("create", "add", "make"):
                head = rng.choice(
                    (
                        f"set up a new {phrase.thing}",
                        f"{verb} {noun}",
                        f"add {noun}",
                        f"make a new {phrase.thing}",
                        f"open a new {phrase.thing}",
                        f"put in {noun}",
                    )
                )
        elif phrase.into:
            target = reference or f"the {phrase.thing}"
            moved = next((part for part in parts if part.startswith("for the ")), "")
            if moved:
                parts = [part for part in parts if part != moved]
                values = _values_text(parts)
            head = f"{verb} {moved.removeprefix('for ') or 'them'} {phrase.into} {target}"
        else:
            target = reference or f"the {phrase.thing}"
            if verb == "decide":
                head = rng.choice((f"decide on {target}", f"settle {target}"))
            elif phrase.intent == "remove":
                head = rng.choice((f"{verb} {target}", f"get rid of {target}"))
            else:
                head = f"{verb} {target}"
        return head + (" " + values if values else "")

    def turn(self, number: int) -> str:
        """The request of turn ``number``: its goal first, then what serves it."""
        task, rng = self.task, self.rng
        turn = task.turns[number]
        calls = list(turn.calls)
        writes = [index for index in calls if task.gold_calls[index].effect == "write"]
        main = writes[-1] if writes else calls[-1]
        sentences: list[str] = []
        is_last = number == len(task.turns) - 1
        asks = task.kind == "read" and is_last and not writes
        goal = self.clause(task.gold_calls[main])
        self.said += " " + goal
        if asks:
            opening = rng.choice(
                (
                    "Can you {g} and tell me what you see?",
                    "I'd like to {g}. What comes up?",
                    "Could you {g} for me and tell me what's there?",
                    "Please {g} and let me know what you find.",
                    "I want to {g}; tell me what it shows.",
                    "Would you {g}? I'd like to know what's there.",
                    "Can you {g}? Tell me what you find there.",
                    "Help me {g} and sum up what you find.",
                    "Let's {g}. What does it say?",
                    "I need to {g}, so tell me what turns up.",
                )
            )
        else:
            opening = rng.choice(
                (
                    "I'd like to {g}.",
                    "I need to {g}.",
                    "Can you {g}?",
                    "Could you {g} for me?",
                    "Please {g}.",
                    "I want to {g}.",
                    "Help me {g}, please.",
                    "Would you {g}?",
                    "I'm hoping to {g}.",
                    "Let's {g}.",
                    "Go ahead and {g}.",
                    "Time to {g}.",
                )
            )
        sentences.append(_capital(opening.format(g=goal)))
        before = [index for index in calls if index != main and index < main]
        after = [index for index in calls if index > main]
        for index in before:
            call = task.gold_calls[index]
            phrase, reference, parts = self.call_parts(call)
            if reference not in ("", f"the {phrase.thing}", f"that {phrase.thing}"):
                parts = [f"for {reference}", *parts]
            feeds = any(
                int(origin.split(":", 1)[0]) == index
                for later in calls
                for origin in task.gold_calls[later].bindings.values()
            )
            if call.effect == "read" and feeds and not self.state_all:
                if parts:
                    text = _values_text(parts)
                    self.said += " " + text
                    group = phrase.things if phrase.intent == "find" else phrase.thing + "s"
                    lead = rng.choice(
                        (
                            "To find it, look through the {g} {t}.",
                            "It's among the {g} {t}.",
                            "You'll find it among the {g} {t}.",
                            "Look for it in the {g} {t}.",
                            "It's one of the {g} {t}.",
                            "It should be in the {g} {t}.",
                            "Check the {g} {t} to find it.",
                            "The one I mean is with the {g} {t}.",
                            "Search the {g} {t}; it's there.",
                            "You can spot it in the {g} {t}.",
                        )
                    )
                    sentences.append(lead.format(g=group, t=text))
                continue
            clause = self.clause(call)
            self.said += " " + clause
            lead = rng.choice(("First, {c}.", "Before that, please {c}.", "To start, {c}.", "To begin with, {c}."))
            sentences.insert(1 if len(sentences) > 0 else 0, _capital(lead.format(c=clause)))
        for index in after:
            clause = self.clause(task.gold_calls[index])
            self.said += " " + clause
            lead = rng.choice(("Then {c}.", "After that, {c}.", "Once that's done, {c}.", "And {c} as well."))
            sentences.append(_capital(lead.format(c=clause)))
        if task.kind == "read" and is_last and writes:
            sentences.append(rng.choice(("Tell me how it went.", "Let me know what you find.", "What does it show?")))
        return " ".join(sentences)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- stories --------------------------------------------------------------------------------------

_NAME_KEYS = ("name", "full_name", "applicant_name", "customer_name", "passenger_name", "traveler_name")


def _persona(task: Task) -> tuple[str, str]:
    """The user's name and home city, as the task's values give them (user-stated first)."""
    name, city = "", ""
    for call in task.gold_calls:
        for key, value in call.call.arguments.items():
            if not isinstance(value, str):
                continue
            personal = phrase_of_tool(call.call.tool).thing in _PEOPLE
            if not name and personal and key in _NAME_KEYS and call.sources.get(key) == "user" and " " in value:
                name = value
            if not city and key == "city" and call.sources.get(key) == "user":
                city = value
        if not name and isinstance(call.call.arguments.get("first_name"), str):
            first, last = call.call.arguments.get("first_name"), call.call.arguments.get("last_name", "")
            name = f"{first} {last}".strip()
    return name, city


def write_story(task: Task, context: TaskContext, rng: random.Random) -> str:
    """Who the user is, what they want done and by when, from the task's values and phrase models."""
    name, city = _persona(task)
    persona = persona_for(task.chain_id) if task.chain_id else None
    if persona is not None:
        own = {persona.person.email, persona.person.full_name, persona.person.phone}
        if any(
            isinstance(value, str) and value in own
            for call in task.gold_calls
            for value in call.call.arguments.values()
        ):
            name, city = persona.person.full_name, persona.person.city.name
    who = name or rng.choice(("A user", "Someone", "A customer"))
    where = f" in {city}" if city else ""
    goals = []
    for call in task.gold_calls:
        phrase = phrase_of(call, context)
        if phrase.intent == "find" or phrase.intent in ("get", "count"):
            continue
        if phrase.into:
            goals.append(f"{phrase.verb} something {phrase.into} the {phrase.thing}")
            continue
        goals.append(f"{phrase.verb} {phrase.article if phrase.intent in ('create', 'send') else 'the'} {phrase.thing}")
    if not goals:
        last = phrase_of(task.gold_calls[-1], context)
        goals.append(f"find out about the {last.things if last.intent == 'find' else last.thing}")
    days = sorted(
        {
            value[:10]
            for call in task.gold_calls
            for key, value in call.call.arguments.items()
            if call.sources.get(key) == "user" and _is_date(value) and isinstance(value, str)
        }
    )
    when = f" by {human_date(days[0])}" if days and task.kind == "write" else ""
    environments = join_words([environment.replace("_", " ") for environment in task.environments])
    purpose = rng.choice(("wants to", "needs to", "is trying to", "has to"))
    return f"{who}{where} {purpose} {join_words(goals)}{when}, using {environments}."
