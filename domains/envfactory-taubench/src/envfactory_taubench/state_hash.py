"""The benchmark's own state hash, from scratch and incrementally for episodes.

tau-bench's definition (restated from the data's provenance notes): turn the state into nested
tuples — a dict becomes the tuple of its ``(key, value)`` pairs sorted by key, a list a tuple in
order, scalars stay — take Python's ``str()`` of it, encode as UTF-8, and hex the SHA-256.

``str()`` of a tuple is its items' ``repr`` joined by ``", "`` in parentheses (a one-item tuple
gets a trailing comma), so the text of the whole state is the text of each record in key order
with fixed separators. :class:`TupleTextHash` encodes a template's text once and keeps SHA-256
midstates every :data:`CHECKPOINT_EVERY` records; the hash of an episode's state starts from the
midstate before its first changed record, feeds the template's own bytes for unchanged runs and
renders only the records the episode changed. SHA-256 is sequential, so everything after the
first change is still fed, but as bytes already encoded: no walk over 5 MB of nested data.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from .schema import OPTIONAL_FIELDS, SYNTHETIC_KEYS, TABLE_NAMES, row_to_record

if TYPE_CHECKING:
    from envfactory_core.env import Episode, Template

__all__ = ["CHECKPOINT_EVERY", "EpisodeStateHasher", "TupleTextHash", "hashable", "state_hash", "view_hash"]


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


CHECKPOINT_EVERY = 64
"""Records between two kept SHA-256 midstates (each is a ~200-byte hash object)."""


@attrs.frozen
class _Span:
    """One table's records in the encoded text: sorted keys, byte offsets, global index of the first."""

    keys: list[str]
    starts: list[int]
    ends: list[int]
    first: int


class TupleTextHash:
    """SHA-256 of ``str()`` of nested ``((table, ((key, record), ...)), ...)`` tuples, incrementally.

    ``tables`` maps each table to ``{key: text of (key, record)}``. :meth:`hexdigest` takes the
    edits of one state (``{table: {key: new text, or None when removed}}``) and gives the hash of
    the edited state, equal to hashing its whole text.
    """

    def __init__(self, tables: Mapping[str, Mapping[str, str]], *, checkpoint_every: int = CHECKPOINT_EVERY) -> None:
        self.names = sorted(tables)
        self.texts = {name: dict(tables[name]) for name in self.names}
        self.spans: dict[str, _Span] = {}
        self.incremental = bool(self.names) and all(len(tables[name]) >= 2 for name in self.names)
        parts: list[str] = []
        offset = 0
        index = 0
        starts_all: list[int] = []

        def add(text: str) -> None:
            nonlocal offset
            parts.append(text)
            offset += len(text.encode("utf-8"))

        add("(")
        for number, name in enumerate(self.names):
            if number:
                add(", ")
            add(f"({name!r}, (")
            keys = sorted(self.texts[name])
            span = _Span(keys=keys, starts=[], ends=[], first=index)
            for position, key in enumerate(keys):
                if position:
                    add(", ")
                span.starts.append(offset)
                starts_all.append(offset)
                add(self.texts[name][key])
                span.ends.append(offset)
            if len(keys) == 1:
                add(",")
            add("))")
            index += len(keys)
            self.spans[name] = span
        if len(self.names) == 1:
            add(",")
        add(")")
        self.data = "".join(parts).encode("utf-8")
        self._view = memoryview(self.data)
        self.checkpoint_every = checkpoint_every
        self._midstates: list[Any] = []
        hasher = hashlib.sha256()
        fed = 0
        for number in range(0, len(starts_all), checkpoint_every):
            hasher.update(self._view[fed : starts_all[number]])
            fed = starts_all[number]
            self._midstates.append(hasher.copy())
        self._starts_all = starts_all
        hasher.update(self._view[fed:])
        self.initial = hasher.hexdigest()

    def full_text(self, edits: Mapping[str, Mapping[str, str | None]]) -> str:
        """The whole text of the edited state (what :meth:`hexdigest` hashes)."""
        tables: list[str] = []
        for name in self.names:
            texts = dict(self.texts[name])
            for key, text in edits.get(name, {}).items():
                if text is None:
                    texts.pop(key, None)
                else:
                    texts[key] = text
            tables.append(f"({name!r}, {_tuple_text([texts[key] for key in sorted(texts)])})")
        return _tuple_text(tables)

    def hexdigest(self, edits: Mapping[str, Mapping[str, str | None]]) -> str:
        """The hash of the template's state with ``edits`` applied."""
        real = {
            name: {key: text for key, text in changes.items() if text != self.texts[name].get(key)}
            for name, changes in edits.items()
        }
        real = {name: changes for name, changes in real.items() if changes}
        if not real:
            return self.initial
        if not self.incremental or any(
            len(self.texts[name]) + sum((text is not None) - (key in self.texts[name]) for key, text in changes.items())
            < 2
            for name, changes in real.items()
        ):
            return hashlib.sha256(self.full_text(real).encode("utf-8")).hexdigest()
        first_table = min(real, key=self.names.index)
        span = self.spans[first_table]
        local = min(bisect.bisect_left(span.keys, key) for key in real[first_table])
        checkpoint = (span.first + max(local - 1, 0)) // self.checkpoint_every
        hasher = self._midstates[checkpoint].copy()
        view = self._view
        # Up to the end of the record before the first edit (its separator is fed with what follows).
        fed_to = span.ends[local - 1] if local else span.starts[0]
        hasher.update(view[self._starts_all[checkpoint * self.checkpoint_every] : fed_to])
        position = self.names.index(first_table)
        for number, name in enumerate(self.names[position:], start=position):
            span = self.spans[name]
            changes = real.get(name)
            if changes:
                begin = local if name == first_table else 0
                self._feed_table(hasher, span, begin, changes, after_record=begin > 0)
            else:
                hasher.update(view[span.starts[0] : span.ends[-1]])
            following = self.spans[self.names[number + 1]].starts[0] if number + 1 < len(self.names) else len(self.data)
            hasher.update(view[span.ends[-1] : following])
        return str(hasher.hexdigest())

    def _feed_table(
        self, hasher: Any, span: _Span, begin: int, changes: Mapping[str, str | None], *, after_record: bool
    ) -> None:
        """Feed one table's records from local index ``begin`` with ``changes``, joined by ``", "``.

        ``after_record``: a record was fed just before, so the first one fed here needs its separator.
        """
        view = self._view
        keys = span.keys
        edits = sorted(changes.items())
        wrote = after_record
        run_start: int | None = None
        run_end = 0
        position = begin
        edit = 0

        def flush() -> None:
            nonlocal run_start, wrote
            if run_start is not None:
                if wrote:
                    hasher.update(b", ")
                hasher.update(view[span.starts[run_start] : span.ends[run_end]])
                wrote = True
                run_start = None

        def emit(text: str) -> None:
            nonlocal wrote
            hasher.update((", " + text if wrote else text).encode("utf-8"))
            wrote = True

        while position < len(keys) or edit < len(edits):
            key = keys[position] if position < len(keys) else None
            if edit < len(edits) and (key is None or edits[edit][0] <= key):
                edited_key, text = edits[edit]
                edit += 1
                flush()
                if edited_key == key:
                    position += 1
                if text is not None:
                    emit(text)
                continue
            if run_start is None:
                run_start = position
            run_end = position
            position += 1
        flush()


def _tuples(value: Any) -> Any:
    """Lists to tuples, below objects already parsed as sorted ``(key, value)`` tuples."""
    if isinstance(value, list):
        return tuple(_tuples(item) for item in value)
    if isinstance(value, tuple):
        return tuple((key, _tuples(item)) for key, item in value)
    return value


def _encoded_record_text(table_name: str, key: str, row_json: str) -> str:
    """:func:`_record_text` from a row's canonical JSON (sorted keys), without building dicts.

    Parsing each object straight to its tuple of pairs gives the benchmark's sorted form, since
    canonical JSON lists keys in sorted order; only rows holding arrays need a walk (lists become
    tuples). The row's own key column and absent optional fields are dropped, as in the view.
    """
    pairs = json.loads(row_json, object_pairs_hook=tuple)
    if "[" in row_json:
        pairs = _tuples(pairs)
    synthetic = SYNTHETIC_KEYS.get(table_name)
    optional = OPTIONAL_FIELDS.get(table_name, frozenset())
    record = tuple(
        (field, value) for field, value in pairs if field != synthetic and not (value is None and field in optional)
    )
    return str((key, record))


class _TemplateTexts:
    """Every record's text of one template, by table and key, and its incremental hash."""

    def __init__(self, template: Template) -> None:
        texts = {
            name: {key: _encoded_record_text(name, key, row) for key, row in template.tables[name].items()}
            for name in TABLE_NAMES
        }
        self.hash = TupleTextHash(texts)


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

    def _edits(self, episode: Episode) -> dict[str, dict[str, str | None]]:
        edits: dict[str, dict[str, str | None]] = {}
        for name, keys in episode.changed_rows().items():
            if name not in TABLE_NAMES:
                continue
            view = episode.table(name)
            table: dict[str, str | None] = {}
            for key in keys:
                row = view.get(key)
                table[key] = None if row is None else _record_text(name, key, row)
            edits[name] = table
        return edits

    def text(self, episode: Episode) -> str:
        """``str()`` of the episode's state in the benchmark's nested-tuple form."""
        return self._texts(episode.template).hash.full_text(self._edits(episode))

    def hash(self, episode: Episode) -> str:
        """The benchmark's hash of the episode's current state."""
        return self._texts(episode.template).hash.hexdigest(self._edits(episode))
