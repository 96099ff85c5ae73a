"""Counts of how the LLM stages went, for the run summary: nothing a model did is silent.

Three things are counted per process, by stage:

* **answers**, **format rejections** (no answer could be read out of the text: no tag, no JSON,
  cut off at the length limit; a tool call that does not parse) and **content rejections** (an
  answer that was read but failed the strict check) from :class:`~.exchange.Exchange` and the
  agent, and **exhausted** questions (every attempt rejected);
* **shapes**: how often a lenient path of :mod:`.parsing` read an answer that was not in the
  asked-for format (bare JSON, a fence without the tag, a missing close tag);
* **fallbacks**: a component that used something other than the model's answer (rules instead
  of the LLM labeller, no LLM edges), with the number of items it covered.

The pipeline runner reads :func:`snapshot` after each stage and keeps it in the run store, so the
summary shows it and a resumed run adds to it. The counters are process-wide and guarded by a
lock: work items on threads of one process share them; a process pool's workers count their own.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

__all__ = [
    "current_stage",
    "merge",
    "note_answer",
    "note_exhausted",
    "note_fallback",
    "note_shape",
    "reset",
    "snapshot",
    "using_stage",
]

_lock = threading.Lock()
_answers: Counter[str] = Counter()
_rejected: Counter[str] = Counter()
_invalid: Counter[str] = Counter()
_exhausted: Counter[str] = Counter()
_shapes: Counter[str] = Counter()
_fallbacks: Counter[str] = Counter()
_stage = threading.local()
PARTS = ("answers", "rejected", "invalid", "exhausted", "shapes", "fallbacks")


def current_stage() -> str:
    return str(getattr(_stage, "name", "") or "")


class using_stage:
    """Attribute parser shapes noted inside the block to ``stage`` (set by the exchange around a parse)."""

    def __init__(self, stage: str) -> None:
        self.stage = stage
        self.previous = ""

    def __enter__(self) -> None:
        self.previous = current_stage()
        _stage.name = self.stage

    def __exit__(self, *exc: object) -> None:
        _stage.name = self.previous


def note_answer(stage: str, *, rejected: bool = False, invalid: bool = False) -> None:
    """One answer in ``stage``: ``rejected`` for its format, or ``invalid`` for its content."""
    with _lock:
        _answers[stage] += 1
        if rejected:
            _rejected[stage] += 1
        elif invalid:
            _invalid[stage] += 1


def note_exhausted(stage: str) -> None:
    with _lock:
        _exhausted[stage] += 1


def note_shape(shape: str) -> None:
    """A lenient parser path was taken (``shape`` names it)."""
    key = f"{current_stage() or 'other'}: {shape}"
    with _lock:
        _shapes[key] += 1


def note_fallback(what: str, count: int = 1) -> None:
    """``what`` (``"llm/labeller: rules instead of the LLM"``) happened for ``count`` items."""
    with _lock:
        _fallbacks[what] += count


def snapshot() -> dict[str, Any]:
    """Everything counted so far, as JSON-ready dicts (stage → count)."""
    with _lock:
        return {
            "answers": dict(sorted(_answers.items())),
            "rejected": dict(sorted(_rejected.items())),
            "invalid": dict(sorted(_invalid.items())),
            "exhausted": dict(sorted(_exhausted.items())),
            "shapes": dict(sorted(_shapes.items())),
            "fallbacks": dict(sorted(_fallbacks.items())),
        }


def merge(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """Two snapshots added key by key (a resumed run adds its counts to the stored ones)."""
    merged: dict[str, Any] = {}
    for part in PARTS:
        total: Counter[str] = Counter(first.get(part) or {})
        total.update(second.get(part) or {})
        merged[part] = dict(sorted(total.items()))
    return merged


def reset() -> None:
    with _lock:
        for counter in (_answers, _rejected, _invalid, _exhausted, _shapes, _fallbacks):
            counter.clear()
