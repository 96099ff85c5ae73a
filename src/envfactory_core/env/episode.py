"""Episodes: isolated, resettable copies of an environment's state.

An episode owns a private in-memory SQLite database copied from a template with the SQLite backup
API, then holds a savepoint open that a reset rolls back to (so a reset costs what was written,
not the size of the state). Each call runs inside a nested savepoint: if the tool refuses
(``ToolError``) or crashes, the savepoint is rolled back and the state is exactly as before; an
interrupt (``KeyboardInterrupt``, ``SystemExit``, any ``BaseException``) is rolled back the same
way, then re-raised. Triggers record which rows a call touched, so the state hash and the diff
since reset re-encode only those rows.

Arguments nested deeper than :data:`MAX_ARGUMENT_DEPTH`, with more than :data:`MAX_ARGUMENT_VALUES`
values or integers wider than :data:`MAX_INTEGER_BITS` bits are ``invalid_arguments`` before any
validator or tool sees them (they would otherwise raise ``RecursionError`` or ``ValueError`` in the
JSON and schema code). An episode serialises its public methods with a lock, so two threads using
one episode take turns and no update is lost.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
import threading
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, Protocol, Self, TypeVar

from ..ids import JsonValue, canonical_json, check_json_value
from ..models import EnvironmentSpec, StateDiff, Step, ToolCall, ToolFailure, ToolResult, ToolSpec
from .arguments import DEFAULT_MAX_STRING_CHARS, ArgumentValidator
from .errors import ToolError
from .state import EncodedTable, StateCodec, StateWriteError, combine_digests, diff_rows, diff_states
from .state_view import StateView
from .tables import TableView
from .tools import ToolDefinition

if TYPE_CHECKING:
    import random


__all__ = [
    "MAX_ARGUMENT_DEPTH",
    "MAX_ARGUMENT_VALUES",
    "MAX_INTEGER_BITS",
    "Context",
    "Episode",
    "EpisodeBase",
    "EpisodeHost",
    "Template",
    "TemplateHost",
    "argument_shape_problem",
]

CanonicalState = dict[str, dict[str, dict[str, JsonValue]]]

MAX_ARGUMENT_DEPTH = 32
"""How deeply arguments may nest (objects and arrays); tool schemas never need more."""
MAX_ARGUMENT_VALUES = 100_000
"""How many values (objects, arrays, scalars) one call's arguments may hold."""
MAX_INTEGER_BITS = 256
"""The widest integer an argument may be (77 decimal digits): wider ones are not ids or amounts."""

_P = ParamSpec("_P")
_R = TypeVar("_R")


class EpisodeHost(Protocol):
    """What every episode needs from its environment: a name and a spec.

    Protocols, so this module does not import the environment that builds episodes.
    """

    @property
    def name(self) -> str: ...

    @property
    def spec(self) -> EnvironmentSpec: ...


class TemplateHost(EpisodeHost, Protocol):
    """What a database episode needs from its :class:`~envfactory_core.env.Environment`."""

    @property
    def policy(self) -> str: ...

    @property
    def clock(self) -> datetime: ...

    @property
    def codec(self) -> StateCodec: ...

    @property
    def tools(self) -> Mapping[str, ToolDefinition]: ...

    def template(
        self, *, seed: int | None = None, state: Mapping[str, Any] | None = None, size: int | None = None
    ) -> Template: ...


_ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"

_RESET_SAVEPOINT = "ef_reset"
"""The savepoint an episode holds open from its reset on: rolling back to it is the next reset."""
_ROLLBACK_TO_RESET = f"ROLLBACK TO {_RESET_SAVEPOINT}"


def _connect() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA foreign_keys = OFF")
    return connection


class Template:
    """A loaded, validated state that episodes are copied from."""

    def __init__(self, environment: TemplateHost, state: Mapping[str, Any]) -> None:
        self.environment = environment
        self.connection = _connect()
        self.lock = threading.Lock()
        environment.codec.create(self.connection)
        self.connection.execute("BEGIN")
        environment.codec.load(self.connection, state)
        self.connection.execute("COMMIT")
        self.tables = environment.codec.read_encoded(self.connection)
        self.state_hash = combine_digests({name: table.digest() for name, table in self.tables.items()})
        self.seed_key = self.state_hash

    def copy_into(self, connection: sqlite3.Connection) -> None:
        with self.lock:
            self.connection.backup(connection)

    def canonical_state(self) -> CanonicalState:
        return _decode(self.tables)


def _plain(value: Any) -> JsonValue:
    """Tuples become lists; everything else must already be JSON."""
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


class Context:
    """What a tool receives as its first argument: tables, the clock, and deterministic ids."""

    __slots__ = ("_episode", "tool")

    def __init__(self, episode: Episode, tool: str) -> None:
        self._episode = episode
        self.tool = tool

    @property
    def environment(self) -> str:
        return self._episode.environment.name

    @property
    def now(self) -> datetime:
        """The environment's clock (time-zone aware); tools never see the wall clock."""
        return self._episode.environment.clock

    @property
    def today(self) -> date:
        return self._episode.environment.clock.date()

    @property
    def policy(self) -> str:
        return self._episode.environment.policy

    def table(self, name: str) -> TableView:
        return self._episode.table(name)

    def _next(self, counter: str) -> int:
        connection = self._episode.connection
        row = connection.execute("SELECT value FROM main._ef_meta WHERE key = ?", (counter,)).fetchone()
        value = (row[0] if row else 0) + 1
        connection.execute("INSERT OR REPLACE INTO main._ef_meta (key, value) VALUES (?, ?)", (counter, value))
        return value

    def new_id(self, prefix: str = "", *, length: int = 10, alphabet: str = _ID_ALPHABET, separator: str = "_") -> str:
        """A new id, deterministic for the episode's initial state and the ids issued before.

        The counter lives in the episode's database, so a call that fails gives its ids back.
        """
        number = self._next(f"id:{prefix}")
        seed = f"{self.environment}|{self._episode.seed_key}|{prefix}|{number}"
        value = int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest(), "big")
        token = []
        for _ in range(length):
            value, index = divmod(value, len(alphabet))
            token.append(alphabet[index])
        text = "".join(token)
        return f"{prefix}{separator}{text}" if prefix else text

    def sequence(self, name: str) -> int:
        """The next number of a named counter (1, 2, 3, ...), rolled back with a failed call."""
        return self._next(f"seq:{name}")

    @property
    def rng(self) -> random.Random:
        """A seeded RNG, different at each use and deterministic for the same call history."""
        import random as _random

        number = self._next("rng")
        return _random.Random(f"{self.environment}|{self._episode.seed_key}|rng|{number}")


class EpisodeBase:
    """What every kind of episode shares: its environment, its template, and the lifecycle.

    Subclasses set ``environment``, ``template`` and ``_closed`` and implement ``close()``.
    """

    environment: EpisodeHost
    template: Any
    _closed: bool

    @property
    def spec(self) -> EnvironmentSpec:
        spec: EnvironmentSpec = self.environment.spec
        return spec

    @property
    def name(self) -> str:
        return str(self.environment.name)

    @property
    def seed_key(self) -> str:
        return str(self.template.seed_key)

    @property
    def initial_state_hash(self) -> str:
        return str(self.template.state_hash)

    def tools(self) -> tuple[ToolSpec, ...]:
        return self.spec.tools

    def close(self) -> None:
        """Release the episode's resources."""

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError(f"episode of {self.environment.name!r} is closed")

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def argument_shape_problem(value: object) -> str | None:
    """Why ``value`` is too deep, too large or holds too wide an integer to be arguments (``None`` when fine).

    Iterative, so it cannot itself run out of stack on the input it exists to refuse.
    """
    stack: list[tuple[object, int]] = [(value, 0)]
    count = 0
    while stack:
        item, depth = stack.pop()
        count += 1
        if count > MAX_ARGUMENT_VALUES:
            return f"arguments hold more than {MAX_ARGUMENT_VALUES} values"
        if isinstance(item, bool):
            continue
        if isinstance(item, int):
            if item.bit_length() > MAX_INTEGER_BITS:
                return f"an integer argument is wider than {MAX_INTEGER_BITS} bits"
            continue
        if isinstance(item, (dict, list, tuple)):
            if depth >= MAX_ARGUMENT_DEPTH:
                return f"arguments are nested more than {MAX_ARGUMENT_DEPTH} levels deep"
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return None


def _read_arguments(arguments: object, max_text: int) -> tuple[object, str | None]:
    """JSON text parsed (so its depth can be checked) and the shape problem, if any.

    Text the validator would refuse anyway (too long, not UTF-8, not JSON) is passed on unparsed so
    its message stays the validator's.
    """
    if isinstance(arguments, (bytes, bytearray)):
        try:
            arguments = arguments.decode("utf-8")
        except UnicodeDecodeError:
            return arguments, None
    if isinstance(arguments, str):
        if len(arguments) > max_text or not arguments.strip():
            return arguments, None
        try:
            arguments = json.loads(arguments)
        except json.JSONDecodeError:
            return arguments, None
        except (RecursionError, ValueError) as error:  # deep nesting, an integer over Python's digit limit
            return arguments, f"arguments cannot be read: {type(error).__name__}: {str(error)[:200]}"
    return arguments, argument_shape_problem(arguments)


def _serialised(method: Callable[Concatenate[Episode, _P], _R]) -> Callable[Concatenate[Episode, _P], _R]:
    """Run ``method`` under the episode's lock: concurrent callers take turns instead of losing updates."""

    @functools.wraps(method)
    def locked(self: Episode, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with self._lock:
            return method(self, *args, **kwargs)

    return locked


class Episode(EpisodeBase):
    """One isolated copy of an environment's state, with the tools bound to it.

    Safe to share between threads: calls, resets and state reads are serialised by one lock.
    """

    environment: TemplateHost

    def __init__(
        self, environment: TemplateHost, template: Template, *, max_string_chars: int = DEFAULT_MAX_STRING_CHARS
    ) -> None:
        self.environment = environment
        self.max_string_chars = max_string_chars
        self.connection = _connect()
        self.steps: list[Step] = []
        self._views: dict[str, TableView] = {}
        self._validators: dict[str, ArgumentValidator] = {}
        self._closed = False
        self._lock = threading.RLock()
        self._use(template)

    # --- lifecycle -----------------------------------------------------------------------------

    def _use(self, template: Template) -> None:
        """Copy ``template`` in, then open the reset savepoint every later call runs inside."""
        if self.connection.in_transaction:
            self.connection.execute("ROLLBACK")
        self.template = template
        template.copy_into(self.connection)
        self.environment.codec.install_triggers(self.connection)
        self.connection.execute("DELETE FROM _ef_dirty")
        self.connection.execute(f"SAVEPOINT {_RESET_SAVEPOINT}")
        self._tables = {name: table.copy() for name, table in template.tables.items()}
        self._hash: str | None = template.state_hash
        self._view: StateView | None = None
        self._changed: dict[str, set[str]] = {}
        self.steps = []

    def _rewind(self) -> None:
        """Back to the template by rolling back to the reset savepoint: only the pages written move.

        Rows written but not yet flushed are in the rolled-back ``_ef_dirty`` table too; the
        encoded tables take back the template's buckets for the keys flushed since, so the cost is
        in the rows written, not in the size of the state.
        """
        self.connection.execute(_ROLLBACK_TO_RESET)
        template = self.template
        if self._changed:
            for name, keys in self._changed.items():
                self._tables[name].restore(template.tables[name], keys)
            self._changed = {}
        self._hash = template.state_hash
        self._view = None
        self.steps = []

    @_serialised
    def reset(
        self, *, seed: int | None = None, state: Mapping[str, Any] | None = None, size: int | None = None
    ) -> None:
        """Back to this episode's initial state, or to a new seed's or state's."""
        if self._closed:
            self._check_open()
        if seed is not None or state is not None:
            self._use(self.environment.template(seed=seed, state=state, size=size))
        elif self.connection.in_transaction:
            self._rewind()
        else:
            self._use(self.template)

    @_serialised
    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.connection.close()

    # --- calling tools -------------------------------------------------------------------------

    def table(self, name: str) -> TableView:
        view = self._views.get(name)
        if view is None:
            codec = self.environment.codec.tables.get(name)
            if codec is None:
                raise KeyError(
                    f"{self.environment.name} has no table {name!r}; tables: {', '.join(self.environment.codec.tables)}"
                )
            view = TableView(self.connection, codec)
            self._views[name] = view
        return view

    def _validator(self, definition: ToolDefinition) -> ArgumentValidator:
        validator = self._validators.get(definition.spec.name)
        if validator is None:
            validator = ArgumentValidator(
                definition.spec, nullable=definition.nullable, max_string_chars=self.max_string_chars
            )
            self._validators[definition.spec.name] = validator
        return validator

    @_serialised
    def call(self, tool: str, arguments: object = None) -> ToolResult:
        """Run ``tool`` with ``arguments`` (a dict or JSON text); never raises for a bad call."""
        self._check_open()
        result, recorded = self._call(tool, arguments)
        self.steps.append(
            Step(call=ToolCall(environment=self.environment.name, tool=tool, arguments=recorded), result=result)
        )
        return result

    def _call(self, tool: str, arguments: object) -> tuple[ToolResult, dict[str, JsonValue]]:
        arguments, shape = _read_arguments(arguments, self.max_string_chars * 4)
        if shape is not None:
            return ToolResult.failure("invalid_arguments", shape, expected="a smaller, flatter JSON object"), {}
        definition = self.environment.tools.get(tool)
        recorded = arguments if isinstance(arguments, dict) and not check_json_value(arguments) else {}
        if definition is None:
            known = ", ".join(self.environment.tools)
            return ToolResult(
                ok=False,
                error=ToolFailure(
                    kind="unknown_tool", message=f"no tool {tool!r} in {self.environment.name}; tools: {known}"
                ),
            ), recorded
        values, failure = self._validator(definition).validate(arguments)
        if failure is not None:
            return ToolResult(ok=False, error=failure), recorded
        context = Context(self, tool)
        connection = self.connection
        connection.execute("SAVEPOINT ef_call")
        try:
            if definition.takes_context:
                output = definition.function(context, **values)
            else:
                output = definition.function(**values)
            output = _plain(output)
            problems = check_json_value(output, "output")
            if problems:
                raise TypeError("the tool returned a value that is not JSON: " + "; ".join(problems[:3]))
        except ToolError as error:
            self._rollback()
            return ToolResult.failure("tool_error", str(error)), values
        except StateWriteError as error:
            self._rollback()
            return ToolResult.failure("crash", f"the tool wrote invalid state: {error}"), values
        except Exception as error:  # a bug in the tool: report it, keep the episode usable
            self._rollback()
            return ToolResult.failure("crash", f"{type(error).__name__}: {error}"), values
        except BaseException:  # an interrupt: leave the state as it was, then let it through
            self._rollback()
            raise
        connection.execute("RELEASE ef_call")
        return ToolResult(ok=True, output=output), values

    def _rollback(self) -> None:
        self.connection.execute("ROLLBACK TO ef_call")
        self.connection.execute("RELEASE ef_call")

    # --- state ---------------------------------------------------------------------------------

    def _flush(self) -> None:
        dirty = self.connection.execute("SELECT DISTINCT tbl, k FROM _ef_dirty").fetchall()
        if not dirty:
            return
        self.connection.execute("DELETE FROM _ef_dirty")
        codecs = self.environment.codec.tables
        for table_name, key_json in dirty:
            codec = codecs[table_name]
            key_values = json.loads(key_json)
            key = codec.key_of(_key_row(codec.key_positions, key_values, len(codec.columns)))
            found = self.connection.execute(f"{codec.select_sql} WHERE {codec.key_where}", key_values).fetchone()
            table = self._tables[table_name]
            if found is None:
                table.remove(key)
            else:
                table.set(key, canonical_json(codec.decode_row(found)))
            self._changed.setdefault(table_name, set()).add(key)
        self._hash = None
        self._view = None

    @_serialised
    def state_hash(self) -> str:
        """The state hash (``sha256:…``); only tables touched since the last hash are re-hashed."""
        self._check_open()
        self._flush()
        if self._hash is None:
            self._hash = combine_digests({name: table.digest() for name, table in self._tables.items()})
        return self._hash

    @_serialised
    def state(self) -> CanonicalState:
        """The canonical state: ``{table: {key: row}}``."""
        self._check_open()
        self._flush()
        return _decode(self._tables)

    @_serialised
    def state_view(self) -> StateView:
        """The state as a read-only mapping that decodes rows on access (the same until a write)."""
        self._check_open()
        self._flush()
        if self._view is None:
            self._view = StateView({name: table.snapshot() for name, table in self._tables.items()})
        return self._view

    @_serialised
    def changed_rows(self) -> dict[str, set[str]]:
        """Keys written since the last reset (a superset of the rows that differ)."""
        self._flush()
        return {name: set(keys) for name, keys in self._changed.items()}

    @_serialised
    def diff(self, other: Episode | Mapping[str, Any] | None = None) -> StateDiff:
        """What changed: since the last reset (default), or from this state to ``other``'s."""
        self._check_open()
        self._flush()
        if other is None:
            changes = []
            for table_name in sorted(self._changed):
                before_rows = self.template.tables[table_name]
                after_rows = self._tables[table_name]
                for key in sorted(self._changed[table_name]):
                    old = before_rows.get(key)
                    new = after_rows.get(key)
                    if old == new:
                        continue
                    change = diff_rows(
                        table_name,
                        key,
                        json.loads(old) if old is not None else None,
                        json.loads(new) if new is not None else None,
                    )
                    if change is not None:
                        changes.append(change)
            return StateDiff(changes=changes)
        target = other.state() if isinstance(other, Episode) else other
        return diff_states(self.state(), target)


def _decode(tables: dict[str, EncodedTable]) -> CanonicalState:
    return {name: {key: json.loads(row) for key, row in sorted(table.items())} for name, table in tables.items()}


def _key_row(positions: tuple[int, ...], values: list[Any], width: int) -> list[Any]:
    row: list[Any] = [None] * width
    for position, value in zip(positions, values, strict=True):
        row[position] = value
    return row
