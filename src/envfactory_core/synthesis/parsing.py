"""Reading structured answers out of model text.

Models are asked to answer inside tags (``<story>…</story>``) or with JSON inside a tag. These
helpers find that part and raise :class:`OutputProblem` with a message written *for the model*:
it is sent back as the next user message, so it says what was wrong and what to write instead.
"""

from __future__ import annotations

import json
import re

from ..ids import JsonValue
from ..llm.hermes import split_reasoning

__all__ = ["OutputProblem", "answer_text", "json_in", "optional_tag", "tagged"]


class OutputProblem(Exception):
    """A model's answer cannot be used; ``str(problem)`` is fed back to the model."""


_FENCE = re.compile(r"```(?:json)?\s*\n(.*?)\n```", re.DOTALL)


def answer_text(text: str) -> str:
    """The answer without a leading ``<think>`` block (reasoning some models put in the text)."""
    _, content = split_reasoning(text)
    return content


def _blocks(text: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}>(.*?)</{tag}>", text, flags=re.DOTALL | re.IGNORECASE)


def optional_tag(text: str, tag: str) -> str | None:
    """The content of the last ``<tag>…</tag>`` block, stripped, or None when there is none."""
    blocks = _blocks(answer_text(text), tag)
    return blocks[-1].strip() if blocks else None


def tagged(text: str, tag: str) -> str:
    """The content of the last ``<tag>…</tag>`` block; :class:`OutputProblem` when missing or empty."""
    content = optional_tag(text, tag)
    if content is None:
        if f"<{tag}>" in text.lower():
            raise OutputProblem(f"the <{tag}> block is not closed: end it with </{tag}>")
        raise OutputProblem(f"no <{tag}>…</{tag}> block found: put your answer inside <{tag}> and </{tag}>")
    if not content:
        raise OutputProblem(f"the <{tag}> block is empty")
    return content


def json_in(text: str, tag: str | None = None) -> JsonValue:
    """The JSON value inside ``<tag>`` (or a fenced block, or the whole answer when ``tag`` is None).

    A fenced ```json block inside the tag is accepted too. The error names the position of a
    syntax error, so the model can fix exactly that.
    """
    body = tagged(text, tag) if tag else answer_text(text).strip()
    fenced = _FENCE.search(body)
    if fenced:
        body = fenced.group(1)
    body = body.strip()
    if not body:
        raise OutputProblem("the answer holds no JSON")
    try:
        value: JsonValue = json.loads(body)
    except json.JSONDecodeError as error:
        where = f" inside <{tag}>" if tag else ""
        snippet = body[max(0, error.pos - 40) : error.pos + 40].replace("\n", " ")
        raise OutputProblem(
            f"the JSON{where} is not valid: {error.msg} at line {error.lineno} column {error.colno} "
            f"(near: {snippet!r}); write strict JSON: double quotes, no comments, no trailing commas"
        ) from None
    return value
