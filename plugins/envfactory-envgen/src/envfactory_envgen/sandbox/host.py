"""Untrusted environments behind the ordinary episode API.

:class:`SandboxedEnvironment` is an :class:`~envfactory_core.env.Environment` whose code never runs
in this process: a worker loads it to describe it and to make seed states, and every episode is its
own worker. So the conformance kit, the scenario runner and the pipeline use it unchanged, while a
tool that loops, allocates without bound or tries to reach out is stopped inside its worker, and
neither this process nor any other episode notices.

A call past its wall-clock limit kills the episode's worker; the episode is rebuilt in a new worker
by replaying the calls that succeeded, so a failed call leaves the state as it was, as it does
in-process.
"""

from __future__ import annotations

import contextlib
import copy
import threading
import types
import weakref
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import Any

from envfactory_core.env import Environment, ToolDefinition
from envfactory_core.env.episode import EpisodeBase
from envfactory_core.ids import JsonValue, canonical_json, check_json_value
from envfactory_core.models import EnvironmentSpec, StateDiff, Step, ToolCall, ToolResult
from envfactory_core.serialize import from_json

from ..errors import SandboxError
from .limits import SandboxLimits
from .policy import enforce
from .server import ForkServer, WorkerDied, WorkerHandle, WorkerRequestError, WorkerTimeout

__all__ = ["SandboxTemplate", "SandboxedEnvironment", "SandboxedEpisode"]

_CACHE = 32


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
    """A seed state made in a worker: its canonical rows and hash."""

    def __init__(self, environment: SandboxedEnvironment, state: dict[str, Any], state_hash: str) -> None:
        self.environment = environment
        self._state = state
        self.state_hash = state_hash
        self.seed_key = state_hash

    def canonical_state(self) -> dict[str, dict[str, dict[str, JsonValue]]]:
        return copy.deepcopy(self._state)


class SandboxedEnvironment(Environment):
    """An environment whose module runs only in confined worker processes."""

    def __init__(
        self,
        source: str,
        *,
        filename: str = "<generated>",
        limits: SandboxLimits | None = None,
        server: ForkServer | None = None,
    ) -> None:
        enforce(source, filename)
        self.source = source
        self.filename = filename
        self.limits = limits or SandboxLimits()
        self._server = server or ForkServer.shared()
        self._utility: WorkerHandle | None = None
        self._utility_lock = threading.Lock()
        described = self._utility_request({"op": "load", "source": source, "filename": filename}, describe=True)
        spec = from_json(EnvironmentSpec, described["spec"])
        self.isolation: dict[str, str] = dict(described.get("isolation", {}))
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
        module = compile(source, filename, "exec", dont_inherit=True)
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

    def _handles(self) -> list[WorkerHandle]:
        return [self._utility] if self._utility is not None else []

    def _utility_request(self, message: dict[str, Any], *, describe: bool = False) -> dict[str, Any]:
        with self._utility_lock:
            if self._utility is None or self._utility.closed:
                worker = self._server.spawn(self.limits)
                try:
                    loaded = worker.request(
                        {"op": "load", "source": self.source, "filename": self.filename},
                        timeout=self.limits.load_seconds,
                    )
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
        template = SandboxTemplate(self, reply["state"], str(reply["hash"]))
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


class SandboxedEpisode(EpisodeBase):
    """An episode whose state lives in a worker process; the API of :class:`~envfactory_core.env.Episode`."""

    environment: SandboxedEnvironment
    template: SandboxTemplate

    def __init__(self, environment: SandboxedEnvironment, template: SandboxTemplate) -> None:
        self.environment = environment
        self.template = template
        self.steps: list[Step] = []
        self._replay: list[tuple[str, Any]] = []
        self._closed = False
        self._hash = template.state_hash
        self._worker = self._boot(template)
        self._finalizer = weakref.finalize(self, _kill, self._worker)

    # --- lifecycle -------------------------------------------------------------------------------

    def _boot(self, template: SandboxTemplate) -> WorkerHandle:
        limits = self.environment.limits
        worker = self.environment._server.spawn(limits)
        try:
            worker.request(
                {"op": "load", "source": self.environment.source, "filename": self.environment.filename},
                timeout=limits.load_seconds,
            )
            reply = worker.request({"op": "open", "state": template.canonical_state()}, timeout=limits.load_seconds)
        except SandboxError:
            worker.kill()
            raise
        self._hash = str(reply["hash"])
        return worker

    def _restore(self) -> None:
        """Rebuild the episode in a new worker by replaying the calls that changed it."""
        self._worker.kill()
        self._finalizer.detach()
        worker = self._boot(self.template)
        limits = self.environment.limits
        for tool, arguments in self._replay:
            reply = worker.request(
                {"op": "call", "tool": tool, "arguments": arguments}, timeout=limits.wall_seconds_per_call
            )
            self._hash = str(reply["hash"])
        self._worker = worker
        self._finalizer = weakref.finalize(self, _kill, worker)

    @property
    def pid(self) -> int:
        """The worker process of this episode (tests use it to see isolation)."""
        return self._worker.pid

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._worker.close()
            self._finalizer.detach()

    def reset(
        self, *, seed: int | None = None, state: Mapping[str, Any] | None = None, size: int | None = None
    ) -> None:
        self._check_open()
        if seed is not None or state is not None:
            self.template = self.environment.template(seed=seed, state=state, size=size)
        limits = self.environment.limits
        try:
            reply = self._worker.request(
                {"op": "reset", "state": self.template.canonical_state()}, timeout=limits.load_seconds
            )
            self._hash = str(reply["hash"])
        except (WorkerTimeout, WorkerDied):
            self._replay = []
            self._restore()
        self._replay = []
        self.steps = []

    # --- calls -----------------------------------------------------------------------------------

    def call(self, tool: str, arguments: object = None) -> ToolResult:
        """Run ``tool`` in the worker; never raises for a bad call, a limit or a dead worker."""
        self._check_open()
        payload, refused = _transportable(arguments)
        recorded = payload if isinstance(payload, dict) and refused is None else {}
        if refused is not None:
            result = refused
        else:
            result = self._call(tool, payload)
        self.steps.append(Step(call=ToolCall(environment=self.name, tool=tool, arguments=recorded), result=result))
        return result

    def _call(self, tool: str, payload: Any) -> ToolResult:
        limits = self.environment.limits
        try:
            reply = self._worker.request(
                {"op": "call", "tool": tool, "arguments": payload}, timeout=limits.wall_seconds_per_call
            )
        except WorkerTimeout:
            self._restore()
            return ToolResult.failure(
                "timeout",
                f"{tool} did not return within {limits.wall_seconds_per_call:g} s; its worker was killed and the "
                "episode restored to its state before the call",
            )
        except WorkerDied as died:
            self._restore()
            return ToolResult.failure("limit", f"{tool} stopped its worker: it {str(died).removeprefix('the worker ')}")
        except WorkerRequestError as error:
            return ToolResult.failure("crash", f"the sandbox could not run {tool}: {error}")
        result = from_json(ToolResult, reply["result"])
        self._hash = str(reply["hash"])
        if result.ok:
            self._replay.append((tool, payload))
        return result

    # --- state -----------------------------------------------------------------------------------

    def _ask(self, message: dict[str, Any]) -> dict[str, Any]:
        self._check_open()
        try:
            return self._worker.request(message, timeout=self.environment.limits.load_seconds)
        except (WorkerTimeout, WorkerDied):
            self._restore()
            return self._worker.request(message, timeout=self.environment.limits.load_seconds)

    def state_hash(self) -> str:
        self._check_open()
        return self._hash

    def state(self) -> dict[str, dict[str, dict[str, JsonValue]]]:
        return self._ask({"op": "state"})["state"]  # type: ignore[no-any-return]

    def diff(self, other: Any = None) -> StateDiff:
        """What changed since the last reset, or from this state to ``other``'s (an episode or a state)."""
        if other is None:
            return from_json(StateDiff, self._ask({"op": "diff"})["diff"])
        target = other.state() if hasattr(other, "state") and callable(other.state) else other
        return from_json(StateDiff, self._ask({"op": "diff", "other": target})["diff"])

    def changed_rows(self) -> dict[str, set[str]]:
        rows: dict[str, set[str]] = {}
        for change in self.diff().changes:
            rows.setdefault(change.table, set()).add(change.key)
        return rows


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
    problems = check_json_value(arguments, "arguments")
    if problems:
        return None, ToolResult.failure(
            "invalid_arguments", "arguments contain values that are not JSON: " + "; ".join(problems[:3])
        )
    if isinstance(arguments, tuple):
        return list(arguments), None
    return arguments, None
