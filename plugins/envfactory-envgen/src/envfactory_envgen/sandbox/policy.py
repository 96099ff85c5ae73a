"""The import allow-list and the other rules generated code must follow, checked on its AST.

The check runs before anything of the code runs (in the host, and again in the worker). It refuses:

* imports outside :data:`ALLOWED_MODULES` (no ``os``, ``sys``, ``subprocess``, ``socket``, ``ctypes``,
  ``importlib``, ``pathlib``, ``io``...);
* builtins that reach outside the episode or around these rules (``open``, ``exec``, ``eval``,
  ``compile``, ``__import__``, ``getattr``...);
* any attribute starting with ``_`` (``ctx._episode``, ``x.__class__``) and names of frames and
  database handles (``gi_frame``, ``connection``...), so no introspection path leads back out; the
  same for keyword attributes of ``match`` class patterns (``case object(__class__=c)``) and for
  imported names (``from typing import get_type_hints``);
* helpers that read attributes by a run-time name or evaluate text (``functools.update_wrapper``,
  ``wraps``, ``typing.get_type_hints``, ``ForwardRef``);
* dunder names and format strings that read attributes (``"{0.__class__}"``) in string constants,
  and string annotations are checked as code, because the SDK evaluates annotations.

Code nested too deeply to parse or check is refused with a problem, never a ``RecursionError``.

This check is a first filter that gives a clear message; it is not the boundary. The boundary is
the operating system: each worker runs in a bubblewrap sandbox with its own uid, a seccomp filter
and resource limits (:mod:`.isolation`, :mod:`.confine`, docs/explanation/sandbox.md).
"""

from __future__ import annotations

import ast
import re

from envfactory_core.errors import Problem

from ..errors import PolicyError

__all__ = ["ALLOWED_MODULES", "FORBIDDEN_BUILTINS", "check_source", "enforce"]

ALLOWED_MODULES = frozenset(
    {
        "__future__",
        "envfactory_core.env",
        "envfactory_core.env.fake",
        "envfactory_core.env.schema_values",
        "envfactory_envgen.runtime",
        "envfactory_envgen.runtime.crud",
        "envfactory_core.models",
        "envfactory_core.ids",
        "typing",
        "datetime",
        "math",
        "re",
        "json",
        "decimal",
        "fractions",
        "collections",
        "collections.abc",
        "itertools",
        "functools",
        "dataclasses",
        "enum",
        "random",
        "hashlib",
        "copy",
        "textwrap",
        "statistics",
        "bisect",
        "heapq",
        "calendar",
    }
)
"""Modules generated code may import: the SDK, the CRUD runtime, and pure-computation stdlib."""

FORBIDDEN_BUILTINS = frozenset(
    {
        "open",
        "exec",
        "eval",
        "compile",
        "__import__",
        "globals",
        "locals",
        "vars",
        "getattr",
        "setattr",
        "delattr",
        "input",
        "breakpoint",
        "exit",
        "quit",
        "help",
        "memoryview",
        "__build_class__",
        "__loader__",
        "__spec__",
        "__builtins__",
    }
)
FORBIDDEN_ATTRIBUTES = frozenset(
    {
        "connection",
        "codec",
        "template",
        "backup",
        "cursor",
        "execute",
        "executemany",
        "executescript",
        "iterdump",
        "enable_load_extension",
        "load_extension",
        "get_type_hints",
        "ForwardRef",
        "evaluate",
        "mro",
        "format_map",
        "SystemRandom",
        "update_wrapper",
        "wraps",
        "WRAPPER_ASSIGNMENTS",
        "WRAPPER_UPDATES",
        "evaluate_forward_ref",
        "getattr_static",
        "attrgetter",
        "methodcaller",
    }
)
"""Attribute (and imported) names that read other attributes by a run-time name, evaluate annotation
text, or lead to the database handle; refused wherever they appear."""
MAX_SOURCE_CHARS = 16 * 1024 * 1024
_FRAME_ATTRIBUTE = re.compile(r"^(f|gi|cr|ag|tb|co)_[a-z]+$")
_DUNDER = re.compile(r"__[A-Za-z]\w*__")
_FORMAT_FIELD = re.compile(r"\{[^{}]*[.\[][^{}]*\}")
_ALLOWED_DUNDER_NAMES = frozenset({"__name__", "__doc__", "__all__"})


def _module_allowed(name: str) -> bool:
    return name in ALLOWED_MODULES


class _Checker(ast.NodeVisitor):
    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[Problem] = []

    def refuse(self, node: ast.AST, message: str, fix: str = "") -> None:
        line = getattr(node, "lineno", None)
        column = getattr(node, "col_offset", None)
        where = self.filename + (f":{line}" if line else "") + (f":{column + 1}" if line and column is not None else "")
        self.problems.append(Problem(location=where, message=message, fix=fix))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if not _module_allowed(alias.name):
                self.refuse(
                    node,
                    f"imports {alias.name}, which generated code may not use",
                    fix="use only the environment SDK, envfactory_envgen.runtime and pure stdlib modules "
                    "(datetime, math, re, json, collections, itertools, functools, random, ...)",
                )
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level:
            self.refuse(node, "relative imports are not allowed in generated code", fix="import by full name")
        elif not _module_allowed(module):
            self.refuse(
                node,
                f"imports from {module}, which generated code may not use",
                fix="use only the environment SDK, envfactory_envgen.runtime and pure stdlib modules",
            )
        for alias in node.names:
            if alias.name == "*":
                self.refuse(node, f"`from {module} import *` hides what is used", fix="import names explicitly")
            elif alias.name.startswith("_"):
                self.refuse(node, f"imports the private name {alias.name}")
            elif alias.name in FORBIDDEN_ATTRIBUTES:
                self.refuse(node, f"imports {alias.name}, which could read attributes by name or evaluate text")
        self.generic_visit(node)

    def visit_MatchClass(self, node: ast.MatchClass) -> None:
        for name in node.kwd_attrs:
            if name.startswith("_") or name in FORBIDDEN_ATTRIBUTES or _FRAME_ATTRIBUTE.match(name):
                self.refuse(node, f"a match pattern reads the attribute {name}", fix="match on public attributes")
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in FORBIDDEN_BUILTINS:
            self.refuse(node, f"uses {node.id}, which reaches outside the episode or around the sandbox rules")
        elif node.id.startswith("__") and node.id not in _ALLOWED_DUNDER_NAMES:
            self.refuse(node, f"uses the special name {node.id}")
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr.startswith("_"):
            self.refuse(
                node, f"reads the private attribute .{node.attr}", fix="use the public SDK API (ctx.table, ctx.now...)"
            )
        elif node.attr in FORBIDDEN_ATTRIBUTES or _FRAME_ATTRIBUTE.match(node.attr):
            self.refuse(node, f"reads .{node.attr}, which could reach the interpreter or the database handle")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            if _DUNDER.search(node.value):
                self.refuse(node, "a string names a special attribute (__...__)")
            elif _FORMAT_FIELD.search(node.value) and ("._" in node.value or "[_" in node.value):
                self.refuse(node, "a format string reads a private attribute")
        self.generic_visit(node)

    def _annotation(self, node: ast.expr | None) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                parsed = ast.parse(node.value, mode="eval")
            except SyntaxError:
                self.refuse(node, f"the annotation {node.value!r} is not an expression")
                return
            for child in ast.walk(parsed):
                ast.copy_location(child, node)
            self.visit(parsed)

    def visit_arg(self, node: ast.arg) -> None:
        self._annotation(node.annotation)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._annotation(node.annotation)
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._annotation(node.returns)
        self.generic_visit(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self.refuse(node, "async functions are not tools; write plain functions")
        self.generic_visit(node)

    def visit_Global(self, node: ast.Global) -> None:
        self.refuse(node, "`global` keeps state outside the episode", fix="keep state in ctx.table(...)")

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self.refuse(node, "`nonlocal` keeps state outside the episode", fix="keep state in ctx.table(...)")


def check_source(source: str, filename: str = "<generated>") -> list[Problem]:
    """Every rule ``source`` breaks (empty when it may run in the sandbox); a syntax error is one problem."""
    if len(source) > MAX_SOURCE_CHARS:
        return [Problem(location=filename, message=f"the module is over {MAX_SOURCE_CHARS} characters long")]
    deep = Problem(
        location=filename,
        message="the code nests too deeply to be checked",
        fix="write flatter code (fewer nested brackets and expressions)",
    )
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError as error:
        where = f"{filename}:{error.lineno or 1}:{error.offset or 1}"
        return [Problem(location=where, message=f"syntax error: {error.msg}", fix="fix the Python syntax")]
    except (RecursionError, MemoryError):
        return [deep]
    checker = _Checker(filename)
    try:
        checker.visit(tree)
    except RecursionError:
        return [*checker.problems, deep]
    return checker.problems


def enforce(source: str, filename: str = "<generated>") -> None:
    """Raise :class:`PolicyError` listing every rule ``source`` breaks."""
    problems = check_source(source, filename)
    if problems:
        raise PolicyError(f"{filename} may not run in the sandbox", problems)
