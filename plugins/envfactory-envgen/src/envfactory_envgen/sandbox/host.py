"""Untrusted environments behind the ordinary episode API.

:class:`SandboxedEnvironment` is an :class:`~envfactory_core.env.Environment` whose code never runs
in this process: a worker loads it to describe it and to make seed states, and every episode is its
own worker. So the conformance kit, the scenario runner and the pipeline use it unchanged, while a
tool that loops, allocates without bound or tries to reach out is stopped inside its worker, and
neither this process nor any other episode notices.

A call past its wall-clock limit kills the episode's worker; the episode is rebuilt in a new worker
by replaying the calls that succeeded, so a failed call leaves the state as it was, as it does
in-process. The host keeps the state itself (see :class:`SandboxedEpisode`): what a worker says is
checked, never believed.
"""

from __future__ import annotations

import contextlib
import json
import threading
import types
import weakref
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import Any

from envfactory_core.env import Environment, ToolDefinition
from envfactory_core.env.episode import EpisodeBase, Template, argument_shape_problem
from envfactory_core.env.state import EncodedTable, TableCodec, combine_digests, diff_rows, diff_states
from envfactory_core.ids import JsonValue, canonical_json, check_json_value
from envfactory_core.models import EnvironmentSpec, StateDiff, Step, ToolCall, ToolResult
from envfactory_core.serialize import from_json

from ..errors import SandboxError
from .limits import SandboxLimits
from .policy import enforce
from .protocol import MAX_DEPTH, depth_over
from .server import ForkServer, WorkerDied, WorkerHandle, WorkerRequestError, WorkerTimeout, WorkerViolation

__all__ = ["SandboxTemplate", "SandboxedEnvironment", "SandboxedEpisode"]

_CACHE = 32
_MAX_KEY = 4096
_CALL_FIELDS = frozenset({"ok", "seq", "result", "changes", "hash"})


def _code_objects(code: types.CodeType) -> Iterator[types.CodeType]:
    yield code
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            yield from _code_objects(constant)


def _stub(module: types.CodeType, name: str, line: int) -> Any:
    """A function object for the tool's code, for reading its source; it is never called."""
    for code in _code_objects(module):
        if code.co_name == name and code.co_firstlineno == line:
            return types.FunctionType(code, {"__builtins__": {}}, name)
    return types.FunctionType(compile("def _missing(): pass", "<missing>", "exec").co_consts[0], {}, name)


class SandboxTemplate:
    """A seed state made in a worker, loaded, checked and hashed by the host itself."""

    def __init__(self, environment: SandboxedEnvironment, state: Mapping[str, Any]) -> None:
        self.environment = environment
        loaded = Template(environment, state)  # type: ignore[arg-type]  # schema check and hash by the host
        loaded.connection.close()
        self.tables = loaded.tables
        self.state_hash = loaded.state_hash
        self.seed_key = loaded.seed_key

    def canonical_state(self) -> dict[str, dict[str, dict[str, JsonValue]]]:
        return {
            name: {key: json.loads(row) for key, row in sorted(table.items())} for name, table in self.tables.items()
        }


class SandboxedEnvironment(Environment):
    """An environment whose module runs only in confined worker processes."""

    def __init__(
        self,
        source: str,
        *,
        filename: str = "<generated>",
        limits: SandboxLimits | None = None,
        server: ForkServer | None = None,
        check_policy: bool = True,
    ) -> None:
        """``check_policy=False`` skips the AST policy: only for the red-team suite, which must show the OS
        layer holding on its own against code that got past the policy."""
        if check_policy:
            enforce(source, filename)
        self.check_policy = check_policy
        self.source = source
        self.filename = filename
        self.limits = limits or SandboxLimits()
        self._server = server or ForkServer.shared()
        self._utility: WorkerHandle | None = None
        self._utility_lock = threading.Lock()
        described = self._utility_request(self._load_message(), describe=True)
        try:
            spec = from_json(EnvironmentSpec, described["spec"])
            self.isolation: dict[str, str] = {str(k): str(v) for k, v in dict(described.get("isolation", {})).items()}
        except Exception as error:
            raise SandboxError(
                f"{filename}: the worker's description was refused: {type(error).__name__}: {error}"
            ) from None
        super().__init__(
            name=spec.name,
            domain=spec.domain,
            description=spec.description,
            tables=spec.state_schema.tables,
            policy=spec.policy,
            now=spec.now,
            provenance=spec.provenance,
            overlaps=spec.overlaps,
            evaluation_only=spec.evaluation_only,
            trusted=False,
            default_size=int(described.get("default_size", 10)),
            version=spec.version,
        )
        try:
            module = compile(source, filename, "exec", dont_inherit=True)
        except (RecursionError, MemoryError) as error:  # the worker compiled it; a smaller stack here did not
            raise SandboxError(f"{filename} is too deeply nested to compile: {type(error).__name__}") from None
        functions: Mapping[str, list[Any]] = described.get("functions", {})
        for tool in spec.tools:
            name, line = functions.get(tool.name, [tool.name, 0])
            self.tools[tool.name] = ToolDefinition(spec=tool, function=_stub(module, str(name), int(line)))
        seed = described.get("seed")
        self._seed_factory = _stub(module, str(seed[0]), int(seed[1])) if seed else None
        self._spec = None
        self._sandbox_templates: OrderedDict[str, SandboxTemplate] = OrderedDict()
        self._episodes: weakref.WeakSet[SandboxedEpisode] = weakref.WeakSet()
        import linecache

        linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
        weakref.finalize(self, _close_all, self._handles)

    def __repr__(self) -> str:
        return f"<SandboxedEnvironment {self.name} ({self.domain}): {len(self.tools)} tools>"

    # --- the utility worker: describing and seed states ------------------------------------------

    def _load_message(self) -> dict[str, Any]:
        return {"op": "load", "source": self.source, "filename": self.filename, "check_policy": self.check_policy}

    def _handles(self) -> list[WorkerHandle]:
        return [self._utility] if self._utility is not None else []

    def _utility_request(self, message: dict[str, Any], *, describe: bool = False) -> dict[str, Any]:
        with self._utility_lock:
            if self._utility is None or self._utility.closed:
                worker = self._server.spawn(self.limits)
                try:
                    loaded = worker.request(self._load_message(), timeout=self.limits.load_seconds)
                except WorkerRequestError as error:
                    worker.kill()
                    raise SandboxError(f"{self.filename} could not be loaded in the sandbox: {error}") from error
                except SandboxError as error:
                    raise SandboxError(f"{self.filename}: loading the module was stopped: {error}") from error
                self._utility = worker
                if describe:
                    return loaded
            elif describe:
                return self._utility.request(message, timeout=self.limits.load_seconds)
            try:
                return self._utility.request(message, timeout=self.limits.load_seconds)
            except WorkerRequestError as error:
                raise SandboxError(f"{self.name}: {error}") from error
            except SandboxError as error:
                raise SandboxError(f"{self.name}: making the state was stopped: {error}") from error

    def template(  # type: ignore[override]
        self, *, seed: int | None = None, state: Mapping[str, Any] | None = None, size: int | None = None
    ) -> SandboxTemplate:
        """A seed state (default seed 0) or a given state, made and validated in a worker."""
        if state is not None and seed is not None:
            raise ValueError("give a seed or a state, not both")
        if state is not None:
            key = "state:" + canonical_json(state)
            message: dict[str, Any] = {"op": "template", "state": state}
        else:
            seed = 0 if seed is None else seed
            key = f"seed:{seed}:{self.default_size if size is None else size}"
            message = {"op": "template", "seed": seed, "size": size}
        cached = self._sandbox_templates.get(key)
        if cached is not None:
            self._sandbox_templates.move_to_end(key)
            return cached
        reply = self._utility_request(message)
        try:
            template = SandboxTemplate(self, reply["state"])
        except Exception as error:
            raise SandboxError(
                f"{self.name}: the worker's state was refused: {type(error).__name__}: {error}"
            ) from None
        if reply.get("hash") != template.state_hash:
            raise SandboxError(f"{self.name}: the worker's state hash does not match the state it sent")
        self._sandbox_templates[key] = template
        while len(self._sandbox_templates) > _CACHE:
            self._sandbox_templates.popitem(last=False)
        return template

    def generate_state(self, seed: int = 0, size: int | None = None) -> Mapping[str, Any]:
        return self.template(seed=seed, size=size).canonical_state()

    def episode(  # type: ignore[override]
        self, *, seed: int | None = None, state: Mapping[str, Any] | None = None, size: int | None = None
    ) -> SandboxedEpisode:
        """A new isolated episode in its own worker."""
        episode = SandboxedEpisode(self, self.template(seed=seed, state=state, size=size))
        self._episodes.add(episode)
        return episode

    def close(self) -> None:
        """Stop the utility worker and every open episode."""
        for episode in list(self._episodes):
            episode.close()
        with self._utility_lock:
            if self._utility is not None:
                self._utility.close()
                self._utility = None


def _close_all(handles: Any) -> None:
    try:
        for handle in handles():
            handle.kill()
    except Exception:  # finalizers must not raise
        pass


class _Refused(ValueError):
    """A worker's reply that the host does not believe."""


def _row_change(codec: TableCodec, key: object, text: object) -> str | None:
    """The canonical row ``text`` for ``key`` after checking it against the table; raises :class:`_Refused`."""
    if not isinstance(key, str) or len(key) > _MAX_KEY:
        raise _Refused(f"{codec.name}: a changed row's key is not a short string")
    if text is None:
        return None
    if not isinstance(text, str):
        raise _Refused(f"{codec.name} {key}: a changed row is not JSON text")
    try:
        row = json.loads(text)
        if not isinstance(row, dict) or depth_over(row, MAX_DEPTH):
            raise _Refused(f"{codec.name} {key}: a changed row is not a JSON object of bounded depth")
        values = codec.encode_row(row)
        canonical = canonical_json(codec.decode_row(values))
    except (RecursionError, ValueError, TypeError) as error:
        raise _Refused(f"{codec.name} {key}: a changed row does not fit the table: {error}") from None
    if canonical != text:
        raise _Refused(f"{codec.name} {key}: a changed row is not in canonical form")
    if codec.key_of(values) != key:
        raise _Refused(f"{codec.name} {key}: a changed row's key columns name another row")
    return canonical


class SandboxedEpisode(EpisodeBase):
    """An episode whose tools run in a worker process; the API of :class:`~envfactory_core.env.Episode`.

    The host never takes the worker's word for the state: each call's reply carries the rows the
    call changed, which the host checks against the tables' schema and folds into its own copy of
    the state, from which it derives the state hash, the diff and ``state()``. A reply that is too
    big, too deep, malformed, out of step, or whose hash does not match its rows is a
    ``sandbox_violation`` result: the worker is killed, a fresh one is rebuilt to the state before
    the call, and ``call`` returns normally. Writes that bypass the runtime inside a worker never
    reach the host's state; :meth:`audit` compares the worker's database, read afresh, with it.
    """

    environment: SandboxedEnvironment
    template: SandboxTemplate

    def __init__(self, environment: SandboxedEnvironment, template: SandboxTemplate) -> None:
        self.environment = environment
        self.template = template
        self.steps: list[Step] = []
        self.violations: list[str] = []
        self._replay: list[tuple[str, Any]] = []
        self._closed = False
        self._lock = threading.RLock()
        self._use(template)
        self._worker = self._boot(template)
        self._finalizer = weakref.finalize(self, _kill, self._worker)

    # --- lifecycle -------------------------------------------------------------------------------

    def _use(self, template: SandboxTemplate) -> None:
        self.template = template
        self._tables: dict[str, EncodedTable] = {name: table.copy() for name, table in template.tables.items()}
        self._changed: dict[str, set[str]] = {}
        self._hash = template.state_hash
        self._replay = []

    def _boot(self, template: SandboxTemplate) -> WorkerHandle:
        limits = self.environment.limits
        worker = self.environment._server.spawn(limits)
        try:
            worker.request(self.environment._load_message(), timeout=limits.load_seconds)
            reply = worker.request({"op": "open", "state": template.canonical_state()}, timeout=limits.load_seconds)
            if reply.get("hash") != template.state_hash:
                raise WorkerViolation("the worker opened a state other than the one it was sent")
        except SandboxError:
            worker.kill()
            raise
        return worker

    def _restore(self) -> None:
        """Rebuild the episode in a new worker by replaying the calls that changed it."""
        self._worker.kill()
        self._finalizer.detach()
        worker = self._boot(self.template)
        self._worker = worker
        self._finalizer = weakref.finalize(self, _kill, worker)
        limits = self.environment.limits
        reached = self.template.state_hash
        for tool, arguments in self._replay:
            reply = worker.request(
                {"op": "call", "tool": tool, "arguments": arguments}, timeout=limits.wall_seconds_per_call
            )
            reached = str(reply.get("hash"))
        if reached != self._hash:  # the tools did not replay to the same state: start from the host's
            worker.request({"op": "reset", "state": self._canonical()}, timeout=limits.load_seconds)

    def _restore_after(self, reason: str) -> str:
        """Restore after a failure; the words to add to the result ("" when it worked)."""
        try:
            self._restore()
        except Exception as error:  # the next call tries again; this one still returns
            self._worker.closed = True
            return f"; the episode could not be rebuilt yet ({type(error).__name__}: {error})"
        return ""

    @property
    def pid(self) -> int:
        """The worker process of this episode (in the sandbox's PID namespace)."""
        return self._worker.pid

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._worker.close()
                self._finalizer.detach()

    def reset(
        self, *, seed: int | None = None, state: Mapping[str, Any] | None = None, size: int | None = None
    ) -> None:
        with self._lock:
            self._check_open()
            template = self.template
            if seed is not None or state is not None:
                template = self.environment.template(seed=seed, state=state, size=size)
            self._use(template)
            self.steps = []
            limits = self.environment.limits
            try:
                reply = self._worker.request(
                    {"op": "reset", "state": template.canonical_state()}, timeout=limits.load_seconds
                )
                if reply.get("hash") != template.state_hash:
                    raise WorkerViolation("the worker reset to a state other than the one it was sent")
            except SandboxError as error:
                if isinstance(error, WorkerViolation):
                    self.violations.append(str(error))
                self._restore()

    # --- calls -----------------------------------------------------------------------------------

    def call(self, tool: str, arguments: object = None) -> ToolResult:
        """Run ``tool`` in the worker; never raises for a bad call, a limit, a dead or a lying worker."""
        with self._lock:
            self._check_open()
            payload, refused = _transportable(arguments)
            recorded = payload if isinstance(payload, dict) and refused is None else {}
            if refused is not None:
                result = refused
            else:
                try:
                    result = self._call(tool, payload)
                except Exception as error:  # whatever went wrong, the episode is rebuilt and the call answered
                    result = self._violation(tool, f"{type(error).__name__}: {error}")
            self.steps.append(Step(call=ToolCall(environment=self.name, tool=tool, arguments=recorded), result=result))
            return result

    def _violation(self, tool: str, reason: str) -> ToolResult:
        self.violations.append(reason)
        note = self._restore_after(reason)
        return ToolResult.failure(
            "sandbox_violation",
            f"the sandbox worker running {tool} sent what the host does not accept ({reason[:500]}); it was "
            f"replaced and the episode restored to its state before the call{note}",
        )

    def _call(self, tool: str, payload: Any) -> ToolResult:
        limits = self.environment.limits
        try:
            reply = self._worker.request(
                {"op": "call", "tool": tool, "arguments": payload}, timeout=limits.wall_seconds_per_call
            )
        except WorkerTimeout:
            note = self._restore_after("timeout")
            return ToolResult.failure(
                "timeout",
                f"{tool} did not return within {limits.wall_seconds_per_call:g} s; its worker was killed and the "
                f"episode restored to its state before the call{note}",
            )
        except WorkerDied as died:
            note = self._restore_after("died")
            return ToolResult.failure(
                "limit", f"{tool} stopped its worker: it {str(died).removeprefix('the worker ')}{note}"
            )
        except WorkerViolation as error:
            return self._violation(tool, str(error))
        except WorkerRequestError as error:
            return ToolResult.failure("crash", f"the sandbox could not run {tool}: {error}"[:2000])
        try:
            result, tables, changed, new_hash = self._checked_call(reply)
        except _Refused as error:
            return self._violation(tool, str(error))
        self._tables = tables
        for table_name, keys in changed.items():
            self._changed.setdefault(table_name, set()).update(keys)
        self._hash = new_hash
        if result.ok:
            self._replay.append((tool, payload))
        return result

    def _checked_call(
        self, reply: Mapping[str, Any]
    ) -> tuple[ToolResult, dict[str, EncodedTable], dict[str, set[str]], str]:
        """The result and the state after it, from a call's reply, or :class:`_Refused`."""
        if set(reply) - _CALL_FIELDS:
            raise _Refused(f"the reply has unknown fields {sorted(set(reply) - _CALL_FIELDS)[:5]}")
        try:
            result = from_json(ToolResult, reply.get("result"))
        except Exception as error:
            raise _Refused(f"the result is not a tool result: {type(error).__name__}: {str(error)[:200]}") from None
        if result.error is not None and result.error.kind == "sandbox_violation":
            raise _Refused("a worker cannot report a sandbox violation itself")
        changes = reply.get("changes")
        claimed = reply.get("hash")
        if not isinstance(changes, dict) or not isinstance(claimed, str):
            raise _Refused("the reply lacks the changed rows or the state hash")
        if changes and not result.ok:
            raise _Refused("a failed call reported changed rows (a failed call changes nothing)")
        codecs = self.environment.codec.tables
        tables = dict(self._tables)
        changed: dict[str, set[str]] = {}
        for table_name, rows in changes.items():
            codec = codecs.get(table_name) if isinstance(table_name, str) else None
            if codec is None or not isinstance(rows, dict):
                raise _Refused(f"the reply changes an unknown table {str(table_name)[:80]!r}")
            table = tables[table_name].copy()
            for key, text in rows.items():
                row = _row_change(codec, key, text)
                if row is None:
                    table.remove(key)
                else:
                    table.set(key, row)
            tables[table_name] = table
            changed[table_name] = set(rows)
        derived = combine_digests({name: table.digest() for name, table in tables.items()}) if changes else self._hash
        if derived != claimed:
            raise _Refused("the state hash the worker reported does not match the rows it reported")
        return result, tables, changed, derived

    # --- state: the host's own copy ----------------------------------------------------------------

    def _canonical(self) -> dict[str, dict[str, dict[str, JsonValue]]]:
        return {
            name: {key: json.loads(row) for key, row in sorted(table.items())} for name, table in self._tables.items()
        }

    def state_hash(self) -> str:
        with self._lock:
            self._check_open()
            return self._hash

    def state(self) -> dict[str, dict[str, dict[str, JsonValue]]]:
        with self._lock:
            self._check_open()
            return self._canonical()

    def diff(self, other: Any = None) -> StateDiff:
        """What changed since the last reset, or from this state to ``other``'s (an episode or a state)."""
        with self._lock:
            self._check_open()
            if other is not None:
                target = other.state() if hasattr(other, "state") and callable(other.state) else other
                return diff_states(self._canonical(), target)
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

    def changed_rows(self) -> dict[str, set[str]]:
        with self._lock:
            return {name: set(keys) for name, keys in self._changed.items()}

    def audit(self) -> bool:
        """Whether the worker's database, every row read again, is the host's state.

        A mismatch means something wrote to the database around the runtime: it is recorded in
        :attr:`violations` and the worker is rebuilt from the calls the host accepted.
        """
        with self._lock:
            self._check_open()
            try:
                reply = self._worker.request({"op": "audit"}, timeout=self.environment.limits.load_seconds)
                honest = reply.get("hash") == self._hash
            except SandboxError as error:
                reply, honest = {"error": str(error)}, False
            if not honest:
                self.violations.append(f"the worker's database does not match the host's state ({reply})"[:500])
                self._restore_from_host()
            return honest

    def _restore_from_host(self) -> None:
        """A new worker holding the host's state (replaying would redo whatever wrote around the runtime).

        The worker starts from that state as its initial one, so ids it issues from here differ from
        the ones an untampered run would issue; the state itself is exactly the host's.
        """
        self._worker.kill()
        self._finalizer.detach()
        worker = self._boot(self.template)
        self._worker = worker
        self._finalizer = weakref.finalize(self, _kill, worker)
        reply = worker.request(
            {"op": "reset", "state": self._canonical()}, timeout=self.environment.limits.load_seconds
        )
        if reply.get("hash") != self._hash:
            raise WorkerViolation("the new worker did not take the host's state")


def _kill(worker: WorkerHandle) -> None:
    with contextlib.suppress(Exception):  # finalizers must not raise
        worker.kill()


def _transportable(arguments: object) -> tuple[Any, ToolResult | None]:
    """Arguments as JSON for the worker, or the failure an in-process episode would give."""
    if arguments is None:
        return {}, None
    if isinstance(arguments, (bytes, bytearray)):
        try:
            return arguments.decode("utf-8"), None
        except UnicodeDecodeError:
            return None, ToolResult.failure(
                "invalid_arguments", "arguments are not UTF-8 text", expected="a JSON object"
            )
    if isinstance(arguments, str):
        return arguments, None
    shape = argument_shape_problem(arguments)
    if shape is not None:
        return None, ToolResult.failure("invalid_arguments", shape, expected="a smaller, flatter JSON object")
    problems = check_json_value(arguments, "arguments")
    if problems:
        return None, ToolResult.failure(
            "invalid_arguments", "arguments contain values that are not JSON: " + "; ".join(problems[:3])
        )
    if isinstance(arguments, tuple):
        return list(arguments), None
    return arguments, None
