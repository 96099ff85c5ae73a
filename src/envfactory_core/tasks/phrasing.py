"""Turning tool calls into the words a user would say: verb phrases, argument labels, values."""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..ids import JsonValue
from ..models import GoldCall

__all__ = [
    "action_phrase",
    "argument_label",
    "descriptor",
    "join_words",
    "render_value",
]

_ACRONYMS = {
    "id": "ID",
    "isbn": "ISBN",
    "doi": "DOI",
    "url": "URL",
    "sku": "SKU",
    "dns": "DNS",
    "ttl": "TTL",
    "iban": "IBAN",
}
_DESCRIPTOR_FIELDS = ("title", "name", "subject", "summary", "email", "date", "start_time", "city", "description")


def argument_label(name: str) -> str:
    """``customer_id`` → ``customer ID``; ``isbn`` → ``ISBN``."""
    return " ".join(_ACRONYMS.get(part, part) for part in name.split("_") if part)


def join_words(items: Sequence[str]) -> str:
    items = [item for item in items if item]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def render_value(value: JsonValue) -> str:
    """A value as a person writes it: text in quotes when it has spaces, lists joined, yes/no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}" if not value.is_integer() else str(int(value)) if abs(value) >= 1 else f"{value:g}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return f'"{value}"' if (" " in value.strip() and len(value) < 80) else value
    if isinstance(value, list):
        return join_words([render_value(item) for item in value]) or "none"
    if isinstance(value, dict):
        return join_words(
            [f"{argument_label(key)} {render_value(item)}" for key, item in value.items() if item is not None]
        )
    return "none"


_VERBS = frozenset(
    [
        "add",
        "apply",
        "approve",
        "archive",
        "assign",
        "attach",
        "book",
        "cancel",
        "capture",
        "change",
        "check",
        "check-in",
        "close",
        "complete",
        "confirm",
        "copy",
        "count",
        "create",
        "decide",
        "delete",
        "deactivate",
        "decline",
        "download",
        "edit",
        "enroll",
        "estimate",
        "expand",
        "export",
        "fetch",
        "find",
        "generate",
        "get",
        "give",
        "grade",
        "import",
        "invite",
        "join",
        "list",
        "look",
        "make",
        "mark",
        "merge",
        "modify",
        "move",
        "open",
        "order",
        "pay",
        "pause",
        "place",
        "plan",
        "post",
        "publish",
        "purchase",
        "read",
        "record",
        "refund",
        "register",
        "reject",
        "release",
        "remove",
        "rename",
        "renew",
        "reopen",
        "reply",
        "report",
        "request",
        "reserve",
        "reset",
        "resolve",
        "respond",
        "restore",
        "resume",
        "return",
        "revoke",
        "save",
        "schedule",
        "search",
        "see",
        "send",
        "set",
        "share",
        "ship",
        "show",
        "shorten",
        "start",
        "stop",
        "submit",
        "subscribe",
        "tag",
        "transfer",
        "trash",
        "unpause",
        "update",
        "upload",
        "validate",
        "verify",
        "void",
        "withdraw",
        "write",
    ]
)


def action_phrase(description: str, tool: str) -> str:
    """A lowercase verb phrase for a tool: its description's first sentence when that starts with a
    verb (``"cancel a placed order"``), else the tool's name in front of it (``"list rentals: rentals
    matching every filter"``)."""
    sentence = re.split(r"(?<=[.!?;])\s", description.strip(), maxsplit=1)[0].rstrip(".!?; ")
    sentence = re.sub(r"\s*\([^)]*\)", "", sentence)
    words = sentence.split(" ", 1) if sentence else [""]
    first = words[0].lower()
    if first.endswith("s") and first[:-1] in _VERBS:
        first = first[:-1]
    elif first.endswith("es") and first[:-2] in _VERBS:
        first = first[:-2]
    if first in _VERBS:
        return first + (" " + words[1] if len(words) > 1 else "")
    named = tool.replace("_", " ")
    if not sentence:
        return named
    return f"{named} ({sentence[:1].lower() + sentence[1:]})"


def descriptor(output: JsonValue, field_path: str, value: JsonValue) -> tuple[str, JsonValue] | None:
    """A human field that singles out the item of a list output holding ``value`` at ``field_path``.

    ``descriptor({"books": [{"isbn": "97…", "title": "Tidewater"}, ...]}, "books.isbn", "97…")``
    gives ``("title", "Tidewater")`` when no other book has that title.
    """
    head, _, leaf = field_path.rpartition(".")
    if not head:
        return None
    items: list[Any] = []
    current: list[Any] = [output]
    for part in head.split("."):
        found: list[Any] = []
        for node in current:
            for item in node if isinstance(node, list) else [node]:
                if isinstance(item, dict) and part in item:
                    found.append(item[part])
        current = found
    for node in current:
        items.extend(node if isinstance(node, list) else [node])
    items = [item for item in items if isinstance(item, dict)]
    target = next((item for item in items if item.get(leaf) == value), None)
    if target is None:
        return None
    for field in _DESCRIPTOR_FIELDS:
        candidate = target.get(field)
        usable = isinstance(candidate, (str, int, float)) and not isinstance(candidate, bool) and candidate != ""
        if usable and sum(1 for item in items if item.get(field) == candidate) == 1:
            return field, candidate
    return None


def ambiguous(output: JsonValue, field_path: str) -> bool:
    """Whether ``field_path`` holds more than one distinct value in ``output`` (a list of results)."""
    from .values import values_at

    return len({repr(value) for value in values_at(output, field_path)}) > 1


def opener(rng: random.Random, phrase: str, question: bool | None = None) -> str:
    """A request for ``phrase`` with a seeded choice of wording."""
    forms = (
        ("Could you {p}?", True),
        ("Please {p}.", False),
        ("I need you to {p}.", False),
        ("Can you help me {p}?", True),
        ("I'd like you to {p}.", False),
        ("Would you {p}?", True),
        ("Go ahead and {p}.", False),
    )
    choices = [form for form, is_question in forms if question is None or is_question == question]
    return rng.choice(choices).format(p=phrase)


def details(rng: random.Random, parts: Sequence[str]) -> str:
    if not parts:
        return ""
    text = join_words(parts)
    form = rng.choice(("Use {t}.", "The details: {t}.", "It's {t}.", "Go with {t}.", "That's {t}."))
    return form.format(t=text)


_CONTEXT_FORMS = {
    "email": "my email is {v}",
    "query": "I'm looking for {v}",
    "name": "the name is {v}",
    "first_name": "the first name is {v}",
    "last_name": "the last name is {v}",
    "phone": "my phone number is {v}",
    "city": "it's in {v}",
    "date": "the date is {v}",
}


def stated_arguments(call: GoldCall, keep: Mapping[str, bool], *, as_context: bool = False) -> list[str]:
    """``label value`` for each argument kept (in the call's argument order).

    As context (values of a compressed lookup), common arguments read as a person says them:
    "my email is …", "I'm looking for …".
    """
    parts = []
    for name, value in call.call.arguments.items():
        if keep.get(name) and value not in (None, [], {}, ""):
            form = _CONTEXT_FORMS.get(name) if as_context else None
            parts.append(
                form.format(v=render_value(value)) if form else f"{argument_label(name)} {render_value(value)}"
            )
    return parts
