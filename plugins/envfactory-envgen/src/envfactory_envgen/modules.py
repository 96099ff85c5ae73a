"""Turning generated code into an environment: in the sandbox (untrusted) or in-process (trusted)."""

from __future__ import annotations

from envfactory_core.env import Environment

from .sandbox.host import SandboxedEnvironment
from .sandbox.limits import SandboxLimits
from .sandbox.loading import exec_module, find_environment

__all__ = ["load_environment", "module_filename"]


def module_filename(name: str, code_id: str = "") -> str:
    """The file name generated code is compiled under (tracebacks and source lookups use it)."""
    suffix = f"-{code_id.removeprefix('sha256:')[:12]}" if code_id else ""
    return f"<envgen {name}{suffix}>"


def load_environment(
    code: str, *, name: str, trusted: bool = False, limits: SandboxLimits | None = None, code_id: str = ""
) -> Environment:
    """The environment ``code`` defines. Untrusted code runs only in sandboxed workers; ``trusted``
    code (reviewed, or installed as a package) runs in this process. The policy check applies to both."""
    filename = module_filename(name, code_id)
    if trusted:
        return find_environment(exec_module(code, filename), filename)
    return SandboxedEnvironment(code, filename=filename, limits=limits)
