"""Environment synthesis: from API descriptions to verified, executable environments.

Sources (OpenAPI, metadata JSON, sketches, MCP listings) are read by the loaders in :mod:`.loaders`
into draft specs; a builder (``envgen/crud`` in :mod:`.crud`, ``envgen/llm_builder`` in :mod:`.llm`) writes a
module on the environment SDK with scenario tests; :mod:`.validate` passes it only when the
conformance kit and the scenarios run green, with a reviser fixing code or scenario in between;
untrusted code runs only in :mod:`.sandbox`. :func:`run_build` drives it all and records it in the
run store; :func:`write_package` turns verified environments into an installable distribution.
See ``docs/explanation/environment-synthesis.md``.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "GeneratedEnvironment",
    "SandboxLimits",
    "SandboxedEnvironment",
    "SkippedOperation",
    "load_environment",
    "run_build",
    "validation_loop",
    "write_package",
]

_LAZY = {
    "GeneratedEnvironment": ".records",
    "SkippedOperation": ".records",
    "SandboxLimits": ".sandbox.limits",
    "SandboxedEnvironment": ".sandbox.host",
    "load_environment": ".modules",
    "run_build": ".build",
    "validation_loop": ".validate.loop",
    "write_package": ".package",
}


def __getattr__(name: str) -> Any:
    # Lazy, so importing a submodule (the sandbox worker, the runtime) loads no more than it needs.
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
