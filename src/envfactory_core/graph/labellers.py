"""Labellers: which input parameters a user can provide in a request.

A chain is valid when every required input is user-providable or produced by an earlier tool, so
this label decides which chains the samplers accept. A labeller is a registered component (hook
``register_labellers``): an LLM labeller can replace the built-in rules.

``core/rules`` (:class:`RuleLabeller`) decides from the parameter's name, format and type, first
rule that applies:

1. structured values (objects, arrays of objects): **not** user-providable, they are built from
   tool outputs;
2. identifiers (a name ending in ``id``/``ids``/``uuid``/``guid``), tokens, cursors, keys, hashes,
   sessions, references, versions, coordinates: **not**;
3. codes: **yes** for codes people know (promo, coupon, postal/zip, country, currency, language,
   airport, confirmation, booking, tracking), **not** for other (internal) codes;
4. formats ``email``, ``date``, ``date-time``, ``time``, ``uri``: **yes**;
5. names, titles, dates, times, amounts, prices, quantities, free text (message, body, note,
   query, reason), emails, phones, addresses, cities, countries: **yes**;
6. a fixed set of values (``enum``), booleans and numbers: **yes**;
7. anything else: ``default`` (true unless configured otherwise).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import attrs

from ..ids import JsonValue
from ..naming import singular
from ._text import split_identifier
from .records import Label, Parameter, ToolNode

__all__ = ["RuleLabeller"]

_IDENTIFIER_ENDINGS = frozenset({"id", "uuid", "guid", "pk", "oid"})
_NOT_USER = {
    "token": "a token the system issues",
    "cursor": "a pagination cursor from an earlier response",
    "key": "a key the system issues",
    "hash": "a hash the system computes",
    "etag": "a version tag the system computes",
    "checksum": "a checksum the system computes",
    "nonce": "a value the system generates",
    "secret": "a secret the system issues",
    "session": "a session the system opens",
    "signature": "a signature the system computes",
    "ref": "a reference the system assigns",
    "reference": "a reference the system assigns",
    "handle": "a handle the system assigns",
    "version": "a version the system tracks",
    "revision": "a revision the system tracks",
    "internal": "an internal value",
    "lat": "a coordinate",
    "lng": "a coordinate",
    "lon": "a coordinate",
    "latitude": "a coordinate",
    "longitude": "a coordinate",
}
_KNOWN_CODES = frozenset(
    {
        "promo",
        "promotion",
        "discount",
        "coupon",
        "voucher",
        "gift",
        "postal",
        "post",
        "zip",
        "country",
        "currency",
        "language",
        "locale",
        "airport",
        "iata",
        "area",
        "dial",
        "phone",
        "city",
        "state",
        "region",
        "confirmation",
        "booking",
        "tracking",
        "access",
    }
)
_USER_FORMATS = frozenset({"email", "date", "date-time", "time", "uri", "url", "phone", "idn-email"})
# fmt: off
_USER_WORDS = frozenset(
    [
        "name", "title", "date", "time", "day", "month", "year", "datetime", "when", "start", "end", "deadline",
        "duration", "amount", "price", "cost", "total", "budget", "fee", "quantity", "qty", "count", "number",
        "text", "message", "body", "content", "note", "comment", "reason", "query", "keyword", "term", "search",
        "question", "answer", "subject", "description", "email", "phone", "mobile", "city", "town", "address",
        "street", "country", "region", "location", "destination", "origin", "place", "language", "currency",
        "url", "link", "username", "password", "color", "colour", "size", "rating", "score", "age", "gender",
        "nationality", "tag", "label", "category", "genre", "topic"
    ]
)
# fmt: on


@attrs.frozen(kw_only=True)
class RuleLabeller:
    """Rule-based labels from names, formats and types (ids, tokens, cursors and internal codes are not
    user-providable; names, dates, amounts, free text, emails and cities are)."""

    name: ClassVar[str] = "rules"
    component_name: ClassVar[str] = "core/rules"
    default: bool = True

    def settings(self) -> dict[str, JsonValue]:
        return {"default": self.default, "rules": 1}

    def label(self, tools: Sequence[ToolNode]) -> dict[str, Label]:
        return {parameter.id: self.label_parameter(parameter) for tool in tools for parameter in tool.inputs}

    def label_parameter(self, parameter: Parameter) -> Label:
        if parameter.type == "object" or (parameter.type == "array" and parameter.item_type == "object"):
            return Label(user_providable=False, reason="a structured value built from tool outputs")
        tokens = tuple(singular(token) for token in split_identifier(parameter.leaf))
        if tokens and tokens[-1] in _IDENTIFIER_ENDINGS:
            return Label(user_providable=False, reason="an identifier the system assigns")
        for token in tokens:
            if token in _NOT_USER:
                return Label(user_providable=False, reason=_NOT_USER[token])
        if "code" in tokens:
            position = tokens.index("code")
            if position > 0 and tokens[position - 1] in _KNOWN_CODES:
                return Label(user_providable=True, reason=f"a {tokens[position - 1]} code people know")
            return Label(user_providable=False, reason="an internal code")
        if parameter.format in _USER_FORMATS:
            return Label(user_providable=True, reason=f"a value of format {parameter.format!r} the user can type")
        for token in tokens:
            if token in _USER_WORDS:
                return Label(user_providable=True, reason=f"a {token} the user can state")
        if parameter.enum:
            return Label(user_providable=True, reason="one of a fixed set of values the user can name")
        if parameter.type in {"boolean", "integer", "number"}:
            return Label(user_providable=True, reason=f"a {parameter.type} the user can state")
        return Label(user_providable=self.default, reason="no rule applies; the labeller's default")
