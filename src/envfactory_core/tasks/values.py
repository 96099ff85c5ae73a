"""Values in tool outputs and in request text.

``values_at`` reads a field path from an output (``order_id``, or ``orders.order_id`` for the field
of each item of a list). ``stated_in`` decides whether a value is stated in a request, normalized
for case and for number and date formats, as a person would write them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime

from ..ids import JsonValue

__all__ = [
    "MASKED_NAMES",
    "all_scalars",
    "is_identifier_like",
    "number_forms",
    "stated_in",
    "text_forms",
    "values_at",
]

MASKED_NAMES = frozenset(
    {
        "limit",
        "offset",
        "page",
        "page_size",
        "per_page",
        "cursor",
        "page_token",
        "sort",
        "sort_by",
        "order_by",
        "direction",
        "format",
        "fields",
        "include",
        "verbose",
        "max_results",
    }
)
"""Argument names whose value does not change the outcome (pagination, limits, formatting)."""

_ID_NAME = re.compile(r"(^|_)(id|ids|uuid|key|token|cursor|sid|code|number|ref|reference)$")
_ID_VALUE = re.compile(r"^(?=.*\d)[A-Za-z0-9]+([_-][A-Za-z0-9]+)+$|^[A-Za-z]{2,6}_[A-Za-z0-9]{4,}$")


def values_at(output: JsonValue, path: str) -> list[JsonValue]:
    """Every value at ``path`` in ``output``: one for a plain field, one per item through a list."""
    current: list[JsonValue] = [output]
    for part in path.split("."):
        found: list[JsonValue] = []
        for value in current:
            items = value if isinstance(value, list) else [value]
            for item in items:
                if isinstance(item, dict) and part in item:
                    found.append(item[part])
        current = found
    return current


def all_scalars(value: JsonValue) -> Iterator[JsonValue]:
    """Every string, number and boolean inside ``value``."""
    if isinstance(value, dict):
        for item in value.values():
            yield from all_scalars(item)
    elif isinstance(value, list):
        for item in value:
            yield from all_scalars(item)
    elif value is not None:
        yield value


def is_identifier_like(name: str, value: JsonValue) -> bool:
    """Whether an argument holds an identifier an agent should look up rather than be told."""
    if isinstance(value, bool) or value is None:
        return False
    if _ID_NAME.search(name):
        return True
    return isinstance(value, str) and bool(_ID_VALUE.match(value)) and " " not in value


def number_forms(value: int | float) -> set[str]:
    """How ``value`` may be written: a whole number (an int or a float alike) as 12, 12.0, 12.00,
    1,234 or 1,234.00; a fraction as 12.5, 12.50 or 1,234.50."""
    forms = {str(value)}
    if isinstance(value, int) or value.is_integer():
        whole = int(value)
        forms |= {str(whole), f"{whole:,}", f"{whole}.0", f"{whole:.2f}", f"{whole:,.2f}"}
    else:
        # ``.15g`` drops float noise (0.30000000000000004 → 0.3); plain ``g`` would keep six digits
        # and state 33275.01 as 33275.
        forms |= {f"{value:.2f}", f"{value:,.2f}", f"{value:.15g}"}
    return {form.lower() for form in forms}


_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


def _date_forms(text: str) -> set[str]:
    try:
        if "T" in text or " " in text.strip():
            moment = datetime.fromisoformat(text)
            day = moment.date()
            times = {moment.strftime("%H:%M"), moment.strftime("%I:%M %p").lstrip("0").lower()}
        else:
            day = date.fromisoformat(text)
            times = set()
    except ValueError:
        return set()
    month = _MONTHS[day.month - 1]
    days = {
        day.isoformat(),
        f"{month} {day.day}, {day.year}",
        f"{day.day} {month} {day.year}",
        f"{month} {day.day}",
        f"{day.day} {month}",
    }
    if not times:
        return days
    return {f"{d} at {t}" for d in days for t in times} | {f"{d} {t}" for d in days for t in times} | {text.lower()}


def text_forms(value: JsonValue) -> set[str]:
    """The ways ``value`` may appear in a request (lowercase)."""
    if isinstance(value, bool):
        return {"yes" if value else "no", str(value).lower()}
    if isinstance(value, (int, float)):
        return number_forms(value)
    if isinstance(value, str):
        forms = {value.lower()}
        forms |= _date_forms(value)
        return forms
    return set()


def _normalize(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower())


def stated_in(value: JsonValue, text: str) -> bool:
    """Whether ``value`` appears in ``text`` (every element of a list, every leaf of an object)."""
    if isinstance(value, dict):
        return all(stated_in(item, text) for item in value.values() if item is not None)
    if isinstance(value, list):
        return all(stated_in(item, text) for item in value)
    if value is None:
        return True
    haystack = _normalize(text)
    for form in text_forms(value):
        if not form:
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if re.search(_NOT_NEGATED + rf"(?<![\w.]){re.escape(form)}(?![\w]|\.\d)", haystack):
                return True
        elif re.search(_whole_words(_normalize(form)), haystack):
            return True
    return False


# A number is not stated by its negative: ``3`` is not in ``-3`` or ``a -3 change``. A dash after a
# digit is a range, not a sign: ``3`` is in ``pages 1-3``. (A negative form starts with its own dash,
# which this lookbehind never sees.)
_NOT_NEGATED = r"(?<!(?<![\w.])-)"


_MONTH = "|".join(_MONTHS)
_YEARLESS_DATE = re.compile(rf"(?:{_MONTH}) \d{{1,2}}|\d{{1,2}} (?:{_MONTH})")


def _whole_words(form: str) -> str:
    """A pattern for ``form`` not glued to more letters or digits: ``march 1`` is not in ``march 14``,
    ``note_1`` not in ``note_12``. A date written without its year is not stated by the same day of
    another year: ``march 4`` is not in ``march 4, 2024`` when the value is 2025-03-04."""
    head = r"(?<!\w)" if re.match(r"\w", form) else ""
    tail = r"(?!\w)" if re.search(r"\w$", form) else ""
    if _YEARLESS_DATE.fullmatch(form):
        tail += r"(?!,? \d{4}(?!\d))"
    return head + re.escape(form) + tail
