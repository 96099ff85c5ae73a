"""A small phrase model per tool: what a person wants done (action, object, qualifiers), never its docstring.

A tool's phrase is derived once from its name and schema (``submit_application`` → action
``submit``, object ``application``; ``list_shipments`` with a ``status`` argument → object
``shipments``, qualifier ``status``), with the description only consulted for the verb when the
name has none. Writers compose requests from these parts, so no description text reaches a request.

:func:`inverse_pair` says when a later write undoes an earlier one (``create_event`` then
``cancel_event``) or decides on what the same user asked for (``submit_application`` then
``decide_application``, from :mod:`envfactory_core.graph.coherence`): chains do not do either.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any, Literal

import attrs

from ..graph.coherence import inverse_pair, singular

__all__ = ["Intent", "ToolPhrase", "inverse_pair", "phrase_for"]

Intent = Literal["find", "get", "count", "create", "update", "remove", "cancel", "decide", "send", "pay", "do"]

_INTENTS: dict[str, Intent] = {
    **dict.fromkeys(("list", "search", "find", "query", "browse", "lookup"), "find"),
    **dict.fromkeys(("get", "show", "read", "fetch", "view", "look", "check", "expand", "export", "geocode"), "get"),
    **dict.fromkeys(("count", "summarize", "estimate", "quote", "validate", "verify", "calculate"), "count"),
    **dict.fromkeys(
        (
            "create",
            "add",
            "book",
            "schedule",
            "submit",
            "place",
            "reserve",
            "open",
            "register",
            "enroll",
            "invite",
            "save",
            "record",
            "shorten",
            "generate",
            "upload",
            "attach",
            "subscribe",
            "join",
            "plan",
            "make",
            "post",
            "purchase",
            "order",
            "checkout",
            "import",
            "copy",
        ),
        "create",
    ),
    **dict.fromkeys(
        (
            "update",
            "change",
            "modify",
            "edit",
            "rename",
            "move",
            "set",
            "mark",
            "assign",
            "tag",
            "adjust",
            "complete",
            "close",
            "reopen",
            "resolve",
            "acknowledge",
            "merge",
            "publish",
            "archive",
            "restore",
            "resume",
            "pause",
            "unpause",
            "renew",
            "release",
            "capture",
            "fulfil",
            "fulfill",
            "respond",
            "reply",
            "grade",
            "return",
        ),
        "update",
    ),
    **dict.fromkeys(("delete", "remove", "trash", "deactivate", "revoke", "unsubscribe"), "remove"),
    **dict.fromkeys(("cancel", "void", "withdraw", "refund", "reject"), "cancel"),
    **dict.fromkeys(("decide", "approve", "decline", "accept", "deny", "reimburse"), "decide"),
    **dict.fromkeys(("send", "share", "email", "notify", "forward", "ship"), "send"),
    **dict.fromkeys(("pay", "transfer", "charge"), "pay"),
}

_ACRONYMS = {"id": "ID", "url": "URL", "dns": "DNS", "isbn": "ISBN", "sku": "SKU", "iban": "IBAN", "ttl": "TTL"}

_OBJECTS = {"authenticated user": "account", "free busy": "free/busy times", "dns record": "DNS record"}


@attrs.frozen(kw_only=True)
class ToolPhrase:
    """How a person names what a tool does: ``verb`` (base form), ``intent``, ``thing`` (singular object)."""

    tool: str
    verb: str
    intent: Intent
    thing: str
    plural: bool
    effect: str
    qualifiers: tuple[str, ...] = ()
    into: str = ""
    """``to`` or ``from`` when the object is where things go: ``add_to_collection`` adds *to* a collection."""

    @property
    def things(self) -> str:
        """The object in the plural (``shipments``)."""
        if self.thing.endswith(("s", "x", "ch", "sh")):
            return self.thing + "es" if not self.thing.endswith("s") else self.thing
        if self.thing.endswith("y") and self.thing[-2:-1] not in "aeiou":
            return self.thing[:-1] + "ies"
        return self.thing + "s"

    @property
    def article(self) -> str:
        """``a`` or ``an`` before the object."""
        return "an" if self.thing[:1] in "aeiou" else "a"


def _label(word: str) -> str:
    return _ACRONYMS.get(word, word)


def _qualifiers(parameters: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(" ".join(_label(part) for part in name.split("_") if part) for name in parameters)


@functools.lru_cache(maxsize=4096)
def _derive(tool: str, first_word: str, effect: str) -> tuple[str, Intent, str, bool, str]:
    words = [word for word in tool.lower().split("_") if word]
    verb = words[0] if words else tool
    rest = words[1:]
    if verb not in _INTENTS:
        described = first_word.lower()
        for candidate in (described, described[:-1], described[:-2]):
            if candidate in _INTENTS:
                verb, rest = candidate, words
                break
        else:
            verb, rest = ("find" if effect == "read" else "update"), words
    intent = _INTENTS.get(verb, "do")
    if rest[:1] in (["to"], ["from"]) and len(rest) > 1:
        # add_to_collection, remove_from_shopping_list: the object is where things go (or leave).
        return verb, "update", " ".join(_label(word) for word in rest[1:]), False, rest[0]
    if verb == "add" and len(rest) >= 3 and "to" in rest:
        rest = rest[: rest.index("to")]
    if "to" in rest and intent in ("create", "send"):
        rest = rest[: rest.index("to")] or rest
    if "from" in rest:
        rest = rest[: rest.index("from")] or rest
    plural = bool(rest) and singular(rest[-1]) != rest[-1]
    if rest:
        rest = [*rest[:-1], singular(rest[-1])]
    thing = " ".join(_label(word) for word in rest) or "it"
    thing = _OBJECTS.get(thing, thing)
    return verb, intent, thing, plural, ""


def phrase_for(
    tool: str, *, description: str = "", parameters: Mapping[str, Any] | None = None, effect: str = "read"
) -> ToolPhrase:
    """The phrase model of one tool (derived once per tool name and kept)."""
    first = re.split(r"\W+", description.strip(), maxsplit=1)[0] if description.strip() else ""
    verb, intent, thing, plural, into = _derive(tool, first, effect)
    return ToolPhrase(
        tool=tool,
        verb=verb,
        intent=intent,
        thing=thing,
        plural=plural or intent == "find",
        effect=effect,
        qualifiers=_qualifiers(parameters or {}),
        into=into,
    )
