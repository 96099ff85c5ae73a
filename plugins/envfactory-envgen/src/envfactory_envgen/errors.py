"""Errors of environment synthesis: every problem names the file and where in it.

A malformed source is a :class:`SourceError` (also a ``ValueError``) listing each problem as
``FILE:LINE:COLUMN (path.in.document): what is wrong (fix: ...)``, so a user can jump to the spot.
A generated module that breaks the sandbox policy is a :class:`PolicyError`; a worker that cannot
start or dies outside a tool call is a :class:`SandboxError`.
"""

from __future__ import annotations

from collections.abc import Sequence

from envfactory_core.errors import EnvFactoryError, Problem, ProblemsError

__all__ = ["BuildError", "PolicyError", "SandboxError", "SourceError", "located", "pointer_text"]


class SourceError(ProblemsError, ValueError):
    """A source document (OpenAPI, metadata, sketch, MCP listing) is malformed or unusable."""


class PolicyError(ProblemsError, ValueError):
    """Generated code uses something the sandbox does not allow (an import, a builtin, a dunder)."""


class SandboxError(EnvFactoryError, RuntimeError):
    """The sandboxed worker could not start, or died while loading the environment."""


class BuildError(ProblemsError, RuntimeError):
    """A builder could not make an environment from a spec."""


def pointer_text(pointer: Sequence[str | int]) -> str:
    """``("paths", "/pets", "get", "parameters", 0)`` → ``paths."/pets".get.parameters[0]``."""
    text = ""
    for part in pointer:
        if isinstance(part, int):
            text += f"[{part}]"
            continue
        shown = part if part and all(c.isalnum() or c in "_-$" for c in part) else f'"{part}"'
        text += f".{shown}" if text else shown
    return text


def located(path: str, *, line: int | None = None, column: int | None = None, pointer: Sequence[str | int] = ()) -> str:
    """A location for a :class:`~envfactory_core.errors.Problem`: ``file:line:column (pointer)``.

    ``line`` and ``column`` are 1-based.
    """
    where = path
    if line is not None:
        where += f":{line}"
        if column is not None:
            where += f":{column}"
    if pointer:
        where += f" ({pointer_text(pointer)})"
    return where


def source_error(
    path: str,
    message: str,
    *,
    fix: str = "",
    line: int | None = None,
    column: int | None = None,
    pointer: Sequence[str | int] = (),
) -> SourceError:
    """A :class:`SourceError` with one located problem."""
    return SourceError(
        f"cannot read {path}",
        [Problem(location=located(path, line=line, column=column, pointer=pointer), message=message, fix=fix)],
    )
