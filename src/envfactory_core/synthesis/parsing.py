"""Reading structured answers out of model text: lenient in what is found, strict in what is kept.

Models are asked to answer inside tags (``<story>…</story>``) or with JSON inside a tag. Real
models (a 1.5B model behind llama.cpp's server, say) answer in other shapes just as often: bare
JSON, a fenced block with no tag, a fence inside the tag, a tag whose close was never written, a
JSON object wrapping the asked-for value under the tag's name. These helpers find the answer in
each of those shapes, in a fixed order, and leave the strict check of the *content* to the
caller. When nothing is found they raise :class:`OutputProblem` with a message written *for the
model*: it is sent back with the next request, so it says what was wrong and what to write.

Which lenient path was taken is counted (:mod:`.tally`), so a run reports how often the model
missed the asked-for format even when the answer was used.
"""

from __future__ import annotations

import json
import re

from ..ids import JsonValue
from ..llm.hermes import split_reasoning
from .tally import note_shape

__all__ = [
    "FormatProblem",
    "OutputProblem",
    "answer_text",
    "elements_in",
    "fenced_blocks",
    "json_in",
    "optional_tag",
    "tagged",
]


class OutputProblem(Exception):
    """A model's answer cannot be used; ``str(problem)`` is fed back to the model.

    Raised as is for an answer whose *content* fails a check (a tool that does not exist, a
    state that does not load); :class:`FormatProblem` when no answer could be read at all.
    """


class FormatProblem(OutputProblem):
    """No answer could be read out of the text (no tag, no JSON, not valid JSON): a format rejection."""


_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[^\n]*\n(.*?)(?:\n[ \t]*```|\Z)", re.DOTALL)
_ELEMENT = re.compile(r"<([A-Za-z_][\w-]*)((?:\s+[\w-]+\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s/>]+))+)\s*/?>")
_ATTRIBUTE = re.compile(r"([\w-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s/>]+))")


def answer_text(text: str) -> str:
    """The answer without a leading ``<think>`` block (reasoning some models put in the text)."""
    _, content = split_reasoning(text)
    return content


def _blocks(text: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}\s*>(.*?)</{tag}\s*>", text, flags=re.DOTALL | re.IGNORECASE)


def _unclosed(text: str, tag: str) -> str | None:
    """What follows the last ``<tag>`` that is never closed (an answer cut off before ``</tag>``)."""
    opens = [match.end() for match in re.finditer(rf"<{tag}\s*>", text, flags=re.IGNORECASE)]
    if not opens:
        return None
    rest = text[opens[-1] :]
    if re.search(rf"</{tag}\s*>", rest, flags=re.IGNORECASE):
        return None
    # Stop at the next tag that opens another part of the answer (``<user_intent>`` after ``<query>``).
    following = re.search(r"\n\s*<[A-Za-z_][\w-]*>", rest)
    if following:
        rest = rest[: following.start()]
    return re.sub(rf"</?{tag[:1]}[\w-]*\s*$", "", rest.rstrip())  # a close tag cut off half-way


def fenced_blocks(text: str) -> list[tuple[str, str]]:
    """``(language, content)`` of every markdown fenced block; a final fence never closed counts too."""
    return [(match.group(1).lower(), match.group(2)) for match in _FENCE.finditer(text)]


def _strip_fence(body: str) -> str:
    """``body`` without a markdown fence around it (of any language)."""
    stripped = body.strip()
    if stripped.startswith("```"):
        blocks = fenced_blocks(stripped)
        if blocks:
            return blocks[0][1].strip()
    return stripped


def optional_tag(text: str, tag: str) -> str | None:
    """The content of the last ``<tag>…</tag>`` block, stripped, or None when there is none.

    An opened block that is never closed counts, up to the next tag or the end of the answer.
    """
    answer = answer_text(text)
    blocks = _blocks(answer, tag)
    if blocks:
        return blocks[-1].strip()
    rest = _unclosed(answer, tag)
    if rest is not None:
        note_shape(f"<{tag}> not closed")
        return rest.strip()
    return None


def tagged(text: str, tag: str, *, whole: bool = False) -> str:
    """The content of the last ``<tag>…</tag>`` block; :class:`OutputProblem` when missing or empty.

    Also read: an unclosed ``<tag>``; a fenced block whose language is the tag (```` ```story ````);
    and, with ``whole`` (answers that hold one part only), a single fenced block or the whole text.
    """
    content = optional_tag(text, tag)
    if content is None:
        answer = answer_text(text).strip()
        blocks = fenced_blocks(answer)
        named = [body for language, body in blocks if language == tag.lower()]
        if named:
            note_shape(f"```{tag} fence instead of <{tag}>")
            content = named[-1].strip()
        elif whole and len(blocks) == 1:
            note_shape(f"fenced block instead of <{tag}>")
            content = blocks[0][1].strip()
        elif whole and answer and "<" not in answer[:1]:
            note_shape(f"bare text instead of <{tag}>")
            content = answer
        else:
            raise FormatProblem(f"no <{tag}>…</{tag}> block found: put your answer inside <{tag}> and </{tag}>")
    content = _strip_fence(content)
    if not content:
        raise FormatProblem(f"the <{tag}> block is empty")
    return content


def _json_candidates(text: str, tag: str | None) -> list[tuple[str, str]]:
    """``(shape, body)`` pairs in the order they are tried; the first shape is the one asked for."""
    answer = answer_text(text).strip()
    candidates: list[tuple[str, str]] = []
    if tag:
        inside = _blocks(answer, tag)
        if inside:
            candidates.append(("", inside[-1]))
        else:
            rest = _unclosed(answer, tag)
            if rest is not None:
                candidates.append((f"<{tag}> not closed", rest))
    else:
        candidates.append(("", answer))
    for language, body in fenced_blocks(answer):
        if language in ("", "json", "jsonc", "json5", (tag or "").lower()):
            candidates.append((f"fenced JSON without <{tag}>" if tag else "fenced JSON", body))
    if tag:
        candidates.append((f"bare JSON without <{tag}>", answer))
    return candidates


def _first_value(body: str) -> JsonValue:
    """The first complete JSON object or array in ``body`` (prose around it is ignored)."""
    decoder = json.JSONDecoder()
    for match in re.finditer(r"[\[{]", body):
        try:
            value, _ = decoder.raw_decode(body, match.start())
        except json.JSONDecodeError:
            continue
        if isinstance(value, (dict, list)):
            return value
    raise ValueError("no JSON object or array")


def _repaired(body: str) -> JsonValue | None:
    """``json_repair``'s reading of almost-JSON (single quotes, trailing commas, a cut-off end)."""
    import json_repair

    if not re.search(r"[\[{]", body) or not re.search(r"[\"']", body):
        return None  # nothing quoted: not almost-JSON, and a repair would invent a value
    start = min(index for index in (body.find("{"), body.find("[")) if index >= 0)
    value = json_repair.loads(body[start:])
    return value if isinstance(value, (dict, list)) and value else None


def _unwrap(value: JsonValue, tag: str | None) -> JsonValue:
    """``{"edges": [...]}`` when ``<edges>[...]</edges>`` was asked for: the inner value."""
    if tag and isinstance(value, dict) and len(value) == 1:
        key = next(iter(value))
        if key.lower() == tag.lower():
            note_shape(f"JSON wrapped in {{{tag!r}: …}}")
            return value[key]
    return value


def json_in(text: str, tag: str | None = None) -> JsonValue:
    """The JSON value inside ``<tag>`` (or a fenced block, or the whole answer when ``tag`` is None).

    Tried in order: the tag's content (a fence inside it removed); an unclosed tag; a fenced
    ``json`` or untagged block; the bare answer. In each, strict JSON first, then the first JSON
    object or array with prose around it, then a repair of almost-JSON (``json_repair``). The error
    names the position of a syntax error in the asked-for part, so the model can fix exactly that.
    """
    first_error: json.JSONDecodeError | None = None
    first_body = ""
    for shape, raw in _json_candidates(text, tag):
        body = _strip_fence(raw)
        if not body:
            continue
        try:
            value: JsonValue = json.loads(body)
        except json.JSONDecodeError as error:
            # The asked-for part, or something that looks like JSON: its syntax error is what to fix.
            if first_error is None and (not shape or body[:1] in "{["):
                first_error, first_body = error, body
        else:
            if shape:
                note_shape(shape)
            return _unwrap(value, tag)
        for how, read in (("JSON inside prose", _first_value), ("repaired JSON", _repaired)):
            try:
                found = read(body)
            except ValueError:
                continue
            if found is not None:
                note_shape(how if not shape else f"{shape}; {how}")
                return _unwrap(found, tag)
    if first_error is None:
        if tag and optional_tag(text, tag) is None:
            raise FormatProblem(
                f"no <{tag}>…</{tag}> block and no JSON found: put the JSON answer inside <{tag}> and </{tag}>"
            )
        raise FormatProblem("the answer holds no JSON")
    where = f" inside <{tag}>" if tag else ""
    snippet = first_body[max(0, first_error.pos - 40) : first_error.pos + 40].replace("\n", " ")
    raise FormatProblem(
        f"the JSON{where} is not valid: {first_error.msg} at line {first_error.lineno} column {first_error.colno} "
        f"(near: {snippet!r}); write strict JSON: double quotes, no comments, no trailing commas"
    )


def elements_in(text: str, name: str) -> list[dict[str, str]]:
    """The attributes of every ``<name a="…" b=…/>`` element (a shape some models answer lists in)."""
    found = []
    for match in _ELEMENT.finditer(answer_text(text)):
        if match.group(1).lower() != name.lower():
            continue
        attributes = _ATTRIBUTE.findall(match.group(2))
        found.append({key: double or single or bare for key, double, single, bare in attributes})
    return found
