"""Running a generated module: restricted builtins and an importer that honours the allow-list.

:func:`exec_module` is what a worker calls (after :mod:`.confine`). Imported modules are handed to
the code as read-only namespaces of their public, non-module attributes, so ``json.decoder`` or
``typing.sys`` lead nowhere; a namespace has no ``__name__``, or ``from json import decoder`` would
fall back to ``sys.modules["json.decoder"]``. :func:`find_environment` picks the module's ``Environment``.
"""

from __future__ import annotations

import builtins
import importlib
import linecache
import types
from typing import Any

from envfactory_core.env import Environment

from ..errors import PolicyError
from .policy import ALLOWED_MODULES, FORBIDDEN_BUILTINS, enforce

__all__ = ["exec_module", "find_environment", "restricted_builtins"]


def _namespace(module: types.ModuleType) -> types.SimpleNamespace:
    public: dict[str, Any] = {}
    for name in dir(module):
        if name.startswith("_"):  # no __name__ either: `from json import decoder` would find sys.modules by it
            continue
        value = getattr(module, name)
        if isinstance(value, types.ModuleType):
            if value.__name__ in ALLOWED_MODULES:
                public[name] = _namespace(value)
            continue
        public[name] = value
    return types.SimpleNamespace(**public)


def _importer(name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0) -> Any:
    if level or name not in ALLOWED_MODULES:
        raise ImportError(f"import of {name!r} is not allowed in the sandbox")
    module = importlib.import_module(name)
    if fromlist:
        namespace = _namespace(module)
        for item in fromlist:
            full = f"{name}.{item}"
            if full in ALLOWED_MODULES:
                setattr(namespace, item, _namespace(importlib.import_module(full)))
        return namespace
    top = name.split(".", maxsplit=1)[0]
    if top != name:
        raise ImportError(
            f"write `from {name.rsplit('.', 1)[0]} import {name.rsplit('.', 1)[1]}` instead of `import {name}`"
        )
    return _namespace(module)


def restricted_builtins() -> dict[str, Any]:
    allowed = {name: value for name, value in vars(builtins).items() if name not in FORBIDDEN_BUILTINS}
    allowed["__import__"] = _importer
    allowed["__build_class__"] = builtins.__build_class__  # class statements need it; the name itself is refused
    return allowed


def exec_module(
    source: str, filename: str, *, module_name: str = "envfactory_generated", check: bool = True
) -> dict[str, Any]:
    """Check ``source`` against the policy, then run it with restricted builtins; return its namespace.

    ``check=False`` (only the host can ask for it) runs the code with the full builtins and no policy:
    the red-team suite uses it to act as code that got past the policy, so the OS layer is tested alone.
    """
    if not check:
        code = compile(source, filename, "exec", dont_inherit=True)
        namespace: dict[str, Any] = {"__name__": module_name, "__file__": filename}
        exec(code, namespace)
        return namespace
    enforce(source, filename)
    lines = source.splitlines(keepends=True)
    linecache.cache[filename] = (len(source), None, lines, filename)
    code = compile(source, filename, "exec", dont_inherit=True)
    namespace = {"__name__": module_name, "__builtins__": restricted_builtins(), "__file__": filename}
    exec(code, namespace)
    return namespace


def find_environment(namespace: dict[str, Any], filename: str) -> Environment:
    """The module's environment: the ``environment`` variable, else its only ``Environment``."""
    found = namespace.get("environment")
    if isinstance(found, Environment):
        return found
    candidates = [value for value in namespace.values() if isinstance(value, Environment)]
    if len(candidates) == 1:
        return candidates[0]
    from envfactory_core.errors import Problem

    message = "defines no Environment" if not candidates else f"defines {len(candidates)} Environments"
    raise PolicyError(
        f"{filename} is not an environment module",
        [Problem(location=filename, message=message, fix="assign the Environment to a module variable `environment`")],
    )
