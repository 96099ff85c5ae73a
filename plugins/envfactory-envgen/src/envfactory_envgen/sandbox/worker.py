"""The worker: one confined process that loads a generated module and serves one episode.

It answers length-prefixed JSON requests on its socket: ``load`` (run the module, describe it),
``template`` (make a seed state), ``open``/``reset`` (start from a state), ``call``, ``state``,
``hash``, ``audit`` (the hash of every row read afresh from the database), ``diff`` and ``close``.
Every reply echoes the request's ``seq``. A ``call`` reply carries the rows the call changed
(canonical JSON text, ``null`` for a deleted row): the host keeps its own copy of the state from
them and derives the hash itself. Tool calls run under a per-call CPU limit that raises inside the
call (the savepoint rolls the state back); a ``MemoryError`` becomes a ``limit`` failure the same way.
"""

from __future__ import annotations

import json
import os
import socket
import traceback
from typing import Any

from envfactory_core.env import Environment, Episode
from envfactory_core.env.state import combine_digests
from envfactory_core.models import ToolResult
from envfactory_core.serialize import to_json

from .confine import CpuLimitExceeded, confine, confine_os, set_call_cpu_limit
from .limits import SandboxLimits
from .loading import exec_module, find_environment
from .protocol import ChannelClosed, receive, send

__all__ = ["serve"]


class _Session:
    def __init__(self, limits: SandboxLimits, isolation: dict[str, str]) -> None:
        self.limits = limits
        self.isolation = isolation
        self.environment: Environment | None = None
        self.episode: Episode | None = None
        self.filename = "<generated>"

    # --- requests ---------------------------------------------------------------------------------

    def load(self, message: dict[str, Any]) -> dict[str, Any]:
        self.filename = str(message.get("filename", "<generated>"))
        namespace = exec_module(
            str(message["source"]), self.filename, check=message.get("check_policy", True) is not False
        )
        environment = find_environment(namespace, self.filename)
        self.environment = environment
        functions = {
            name: [definition.function.__name__, definition.function.__code__.co_firstlineno]
            for name, definition in environment.tools.items()
        }
        factory = environment._seed_factory
        seed = [factory.__name__, factory.__code__.co_firstlineno] if factory is not None else None
        return {
            "spec": to_json(environment.spec),
            "functions": functions,
            "seed": seed,
            "default_size": environment.default_size,
            "isolation": self.isolation,
        }

    def _environment(self) -> Environment:
        if self.environment is None:
            raise RuntimeError("no module is loaded; send `load` first")
        return self.environment

    def template(self, message: dict[str, Any]) -> dict[str, Any]:
        environment = self._environment()
        if message.get("state") is not None:
            template = environment.template(state=message["state"])
        else:
            template = environment.template(seed=int(message.get("seed", 0)), size=message.get("size"))
        return {"state": template.canonical_state(), "hash": template.state_hash}

    def open(self, message: dict[str, Any]) -> dict[str, Any]:
        environment = self._environment()
        if self.episode is not None:
            self.episode.close()
        self.episode = environment.episode(state=message["state"])
        return {"hash": self.episode.state_hash()}

    def _episode(self) -> Episode:
        if self.episode is None:
            raise RuntimeError("no episode is open; send `open` first")
        return self.episode

    def reset(self, message: dict[str, Any]) -> dict[str, Any]:
        episode = self._episode()
        if message.get("state") is not None:
            episode.reset(state=message["state"])
        else:
            episode.reset()
        return {"hash": episode.state_hash()}

    def call(self, message: dict[str, Any]) -> dict[str, Any]:
        episode = self._episode()
        tool = str(message["tool"])
        set_call_cpu_limit(self.limits.cpu_seconds_per_call)
        try:
            result = episode.call(tool, message.get("arguments"))
        except CpuLimitExceeded:  # the episode rolled the call back before letting it through
            result = ToolResult.failure(
                "limit", f"{tool} used more than its {self.limits.cpu_seconds_per_call:g}s of CPU time and was stopped"
            )
        finally:
            set_call_cpu_limit(self.limits.cpu_seconds_total)
        error = result.error
        if error is not None and error.kind == "crash" and error.message.startswith("MemoryError"):
            result = ToolResult.failure(
                "limit", f"{tool} needed more than the {self.limits.memory_mb} MB memory limit and was stopped"
            )
        return {"result": to_json(result), **_changes(episode)}

    def state(self, message: dict[str, Any]) -> dict[str, Any]:
        return {"state": self._episode().state()}

    def hash(self, message: dict[str, Any]) -> dict[str, Any]:
        return {"hash": self._episode().state_hash()}

    def audit(self, message: dict[str, Any]) -> dict[str, Any]:
        """The hash of the database as it is, every row read again (not from the change tracking)."""
        episode = self._episode()
        tables = episode.environment.codec.read_encoded(episode.connection)
        return {"hash": combine_digests({name: table.digest() for name, table in tables.items()})}

    def diff(self, message: dict[str, Any]) -> dict[str, Any]:
        episode = self._episode()
        other = message.get("other")
        return {"diff": to_json(episode.diff(other) if other is not None else episode.diff())}


def _changes(episode: Episode) -> dict[str, Any]:
    """The rows the last call changed, by table and key, and the hash the episode reports."""
    dirty = episode.connection.execute("SELECT DISTINCT tbl, k FROM _ef_dirty").fetchall()
    state_hash = episode.state_hash()  # folds the changes into the episode's tables
    changes: dict[str, dict[str, str | None]] = {}
    codecs = episode.environment.codec.tables
    for table_name, key_json in dirty:
        codec = codecs[table_name]
        row: list[Any] = [None] * len(codec.columns)
        for position, value in zip(codec.key_positions, json.loads(key_json), strict=True):
            row[position] = value
        key = codec.key_of(row)
        changes.setdefault(table_name, {})[key] = episode._tables[table_name].get(key)
    return {"changes": changes, "hash": state_hash}


def serve(channel: socket.socket, limits: SandboxLimits, confinement: dict[str, Any]) -> None:
    """Confine this process, then answer requests until ``close`` or the host goes away."""
    try:
        if confinement.get("filter") is not None:
            isolation = confine_os(limits, int(confinement["uid"]), confinement["filter"])
        else:
            isolation = confine(limits, str(confinement["workdir"]))
    except Exception as error:  # never serve unconfined: say why to the first request, then stop
        message = receive(channel)
        reason = f"the worker could not confine itself ({type(error).__name__}: {error}); nothing was run"
        send(channel, {"ok": False, "kind": "confinement", "error": reason, "seq": message.get("seq")})
        return
    session = _Session(limits, isolation)
    handlers = {
        "load": session.load,
        "template": session.template,
        "open": session.open,
        "reset": session.reset,
        "call": session.call,
        "state": session.state,
        "hash": session.hash,
        "audit": session.audit,
        "diff": session.diff,
    }
    while True:
        try:
            message = receive(channel)
        except (ChannelClosed, OSError, ValueError):
            return
        op = message.get("op")
        number = message.get("seq")
        if op == "close":
            send(channel, {"ok": True, "seq": number})
            return
        handler = handlers.get(str(op))
        try:
            if handler is None:
                raise ValueError(f"unknown request {op!r}")
            reply = handler(message)
            reply["ok"] = True
        except CpuLimitExceeded:
            reply = {
                "ok": False,
                "kind": "limit",
                "error": f"used more than {limits.cpu_seconds_per_call:g}s of CPU time",
            }
        except MemoryError:
            reply = {"ok": False, "kind": "limit", "error": f"needed more than the {limits.memory_mb} MB memory limit"}
        except Exception as error:
            reply = {
                "ok": False,
                "kind": type(error).__name__,
                "error": str(error),
                "trace": "".join(traceback.format_exception(error, limit=-4))[-4000:],
            }
        reply["seq"] = number
        try:
            send(channel, reply)
        except (OSError, ValueError, TypeError) as error:
            try:
                send(
                    channel,
                    {"ok": False, "kind": "protocol", "error": f"the reply could not be sent: {error}", "seq": number},
                )
            except OSError:
                return


def worker_main(fd: int, limits: dict[str, Any], confinement: dict[str, Any]) -> None:
    """Entry of a forked worker: wrap the inherited socket, serve, and exit without cleanup handlers."""
    channel = socket.socket(fileno=fd)
    code = 0
    try:
        serve(channel, SandboxLimits(**limits), confinement)
    except BaseException:  # the worker must never fall back into the fork server's code
        code = 3
    finally:
        os._exit(code)
