"""The benchmark's own state hash, from scratch and incrementally for episodes.

tau-bench's definition (restated from the data's provenance notes): turn the state into nested
tuples — a dict becomes the tuple of its ``(key, value)`` pairs sorted by key, a list a tuple in
order, scalars stay — take Python's ``str()`` of it, encode as UTF-8, and hex the SHA-256.

``str()`` of a tuple is its items' ``repr`` joined by ``", "`` in parentheses (a one-item tuple
gets a trailing comma), so the text of the whole state can be assembled from the text of each
record. :class:`EpisodeStateHasher` keeps each template record's text and re-renders only the
records an episode changed, which makes the hash after a replay cost a join and a SHA-256
instead of a walk over 5 MB of nested data.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .schema import TABLE_NAMES, row_to_record

if TYPE_CHECKING:
    from envfactory_core.env import Episode, Template

__all__ = ["EpisodeStateHasher", "hashable", "state_hash", "view_hash"]


def hashable(value: Any) -> Any:
    """The benchmark's nested-tuple form of a JSON value."""
    if isinstance(value, dict):
        return tuple(sorted((key, hashable(item)) for key, item in value.items()))
    if isinstance(value, list):
        return tuple(hashable(item) for item in value)
    return value


def view_hash(view: Mapping[str, Any]) -> str:
    """The benchmark's hash of its own state view ``{"flights": ..., "reservations": ..., "users": ...}``."""
    return hashlib.sha256(str(hashable(dict(view))).encode("utf-8")).hexdigest()


def state_hash(state: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> str:
    """The benchmark's hash of one of our canonical airline states."""
    from .schema import state_to_view

    return view_hash(state_to_view(state))


def _tuple_text(parts: list[str]) -> str:
    """``str()`` of a tuple whose items render as ``parts``."""
    if not parts:
        return "()"
    if len(parts) == 1:
        return f"({parts[0]},)"
    return "(" + ", ".join(parts) + ")"


def _record_text(table_name: str, key: str, row: Mapping[str, Any]) -> str:
    return str((key, hashable(row_to_record(table_name, row))))


class _TemplateTexts:
    """Every record's text of one template, by table and key."""

    def __init__(self, template: Template) -> None:
        state = template.canonical_state()
        self.texts: dict[str, dict[str, str]] = {
            name: {key: _record_text(name, key, row) for key, row in state.get(name, {}).items()}
            for name in TABLE_NAMES
        }


class EpisodeStateHasher:
    """The benchmark's state hash of an episode, re-rendering only the records it changed."""

    def __init__(self) -> None:
        self._templates: dict[str, _TemplateTexts] = {}
        self._lock = threading.Lock()

    def _texts(self, template: Template) -> _TemplateTexts:
        key = template.state_hash
        with self._lock:
            cached = self._templates.get(key)
        if cached is None:
            cached = _TemplateTexts(template)
            with self._lock:
                self._templates[key] = cached
        return cached

    def text(self, episode: Episode) -> str:
        """``str()`` of the episode's state in the benchmark's nested-tuple form."""
        base = self._texts(episode.template)
        changed = episode.changed_rows()
        tables: list[str] = []
        for name in sorted(TABLE_NAMES):
            texts = base.texts[name]
            keys: Iterable[str] = texts
            touched = changed.get(name)
            if touched:
                texts = dict(texts)
                view = episode.table(name)
                for key in touched:
                    row = view.get(key)
                    if row is None:
                        texts.pop(key, None)
                    else:
                        texts[key] = _record_text(name, key, row)
                keys = texts
            ordered = [texts[key] for key in sorted(keys)]
            tables.append(f"({name!r}, {_tuple_text(ordered)})")
        return _tuple_text(tables)

    def hash(self, episode: Episode) -> str:
        """The benchmark's hash of the episode's current state."""
        return hashlib.sha256(self.text(episode).encode("utf-8")).hexdigest()
