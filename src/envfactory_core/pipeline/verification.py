"""Verification results kept by what was verified, so unchanged environments are not verified twice.

Verifying an environment (running its tools on seeded states, checking atomicity, isolation and
determinism) is the slowest run-level stage, and its answer depends only on the environment and
the verifier. Each result is therefore keyed by a **check key**: the content id of the
environment (its spec, its version, and the source files of the code its tools and seed factory
run) together with the verifier's identity (its registered name, its settings and its own source
file). A result with the same key is reused:

* inside a run, from the run store (each environment's result is committed as soon as it is
  known, so a run killed during verification resumes at the next environment);
* across runs, from a small cache file in the user's cache folder
  (``$ENVFACTORY_CACHE_DIR``, else ``$XDG_CACHE_HOME/envfactory``, else ``~/.cache/envfactory``;
  ``ENVFACTORY_CACHE_DIR=off`` turns it off), so a new run over unchanged environments skips
  verification. ``envfactory run --reverify`` ignores both and verifies again.

An environment whose code cannot be located (no source file) gets no key and is always verified.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import os
import sqlite3
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import attrs

from .. import __version__
from ..env import Environment
from ..ids import canonical_json, content_id
from ..serialize import record_id, to_json

__all__ = ["VerificationCache", "check_key", "environment_content_id", "verifier_key"]

CACHE_FILENAME = "verification.sqlite"
CACHE_FORMAT = 1


@lru_cache(maxsize=256)
def _file_digest(path: str, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _code_digest(function: Callable[..., Any]) -> str | None:
    """The sha256 of the source file that defines ``function`` (None when there is none to read)."""
    target = inspect.unwrap(function)
    code = getattr(target, "__code__", None)
    filename = code.co_filename if code is not None else None
    if not filename or not os.path.isfile(filename):
        module = sys.modules.get(getattr(target, "__module__", "") or "")
        filename = getattr(module, "__file__", None) if module is not None else None
    if not filename or not os.path.isfile(filename):
        return None
    status = os.stat(filename)
    return _file_digest(filename, status.st_mtime_ns, status.st_size)


def environment_content_id(environment: Environment) -> str | None:
    """What the environment is: spec, version and the code it runs; None when its code cannot be read."""
    functions: list[Callable[..., Any]] = [tool.function for tool in environment.tools.values()]
    seed_factory = getattr(environment, "_seed_factory", None)
    if seed_factory is not None:
        functions.append(seed_factory)
    digests: set[str] = set()
    for function in functions:
        code = _code_digest(function)
        if code is None:
            return None
        digests.add(code)
    return content_id(
        {
            "spec": record_id(environment.spec),
            "version": environment.version,
            "class": f"{type(environment).__module__}.{type(environment).__qualname__}",
            "code": sorted(digests),
        }
    )


def verifier_key(name: str, verifier: Any) -> str | None:
    """Who verifies: the registered name, the component's settings and its source; None if unreadable."""
    code = _code_digest(type(verifier).verify_environment) if hasattr(type(verifier), "verify_environment") else None
    if code is None:
        return None
    settings = canonical_json(to_json(verifier)) if attrs.has(type(verifier)) else type(verifier).__qualname__
    return content_id({"use": name, "settings": settings, "code": code, "core": __version__})


def check_key(environment: Environment, verifier_name: str, verifier: Any) -> str | None:
    environment_id = environment_content_id(environment)
    verifier_id = verifier_key(verifier_name, verifier)
    if environment_id is None or verifier_id is None:
        return None
    return content_id({"environment": environment_id, "verifier": verifier_id})


def cache_folder() -> Path | None:
    """The user's envfactory cache folder, or None when caching is turned off."""
    configured = os.environ.get("ENVFACTORY_CACHE_DIR")
    if configured is not None:
        return None if configured.strip().lower() in {"", "off", "0", "none"} else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "envfactory"


class VerificationCache:
    """Verification results of earlier runs by check key; a damaged or unwritable cache is ignored."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(str(path), timeout=10, isolation_level=None)
            connection.execute(
                "CREATE TABLE IF NOT EXISTS checks (check_key TEXT PRIMARY KEY, format INTEGER, report TEXT)"
            )
            connection.execute("SELECT COUNT(*) FROM checks").fetchone()
        except (OSError, sqlite3.Error):
            self._damaged()
            return
        self._connection = connection

    @classmethod
    def default(cls) -> VerificationCache:
        folder = cache_folder()
        return cls(folder / CACHE_FILENAME if folder is not None else None)

    def _damaged(self) -> None:
        """A cache is disposable: one that cannot be read is moved out of the way and not used."""
        if self.path is not None and self.path.exists():
            with contextlib.suppress(OSError):
                os.replace(self.path, self.path.with_name(self.path.name + ".damaged"))
        self._connection = None

    def get(self, key: str) -> Any:
        if self._connection is None:
            return None
        try:
            row = self._connection.execute(
                "SELECT report FROM checks WHERE check_key = ? AND format = ?", (key, CACHE_FORMAT)
            ).fetchone()
        except sqlite3.Error:
            self._damaged()
            return None
        return None if row is None else row[0]

    def put(self, key: str, report_json: str) -> None:
        if self._connection is None:
            return
        try:
            self._connection.execute(
                "INSERT OR REPLACE INTO checks (check_key, format, report) VALUES (?, ?, ?)",
                (key, CACHE_FORMAT, report_json),
            )
        except sqlite3.Error:
            self._damaged()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
