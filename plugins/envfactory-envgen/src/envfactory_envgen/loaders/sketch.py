"""``envgen/sketch``: a Python file of typed function stubs with docstrings → a draft spec.

The file is read with :mod:`ast` and never imported or run: each public top-level function (or
method of a top-level class) is a tool; its annotations give the argument types (``str``, ``int``,
``float``, ``bool``, ``list[X]``, ``dict``, ``Optional[X]``/``X | None``, ``Literal[...]``), its
docstring the description and the argument descriptions (Google style, ``[Optional]`` markers
respected), its return annotation the output. Comments at the top (``# Server name: ...``) name the
environment.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

from envfactory_core.env.schema import parse_docstring
from envfactory_core.errors import Problem
from envfactory_core.ids import JsonValue
from envfactory_core.loaders import LoadResult
from envfactory_core.models import EnvironmentSpec, Provenance, Resource, StateSchema, ToolSpec

from ..documents import read_source_text
from ..errors import SourceError, located
from ..naming import environment_name, identifier
from .common import effect_of, wrap_output

__all__ = ["SketchLoader", "sketch_tools"]

_SIMPLE = {
    "str": "string",
    "int": "integer",
    "float": "number",
    "bool": "boolean",
    "dict": "object",
    "list": "array",
    "Dict": "object",
    "List": "array",
    "Any": "",
    "object": "",
}
_HEADER = re.compile(r"^#\s*(server name|name|class name|data source|category)\s*:\s*(.+)$", re.IGNORECASE)


class _Types:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def schema(self, node: ast.expr | None, where: str) -> tuple[dict[str, JsonValue], bool]:
        """``(schema, optional)`` for an annotation node."""
        if node is None:
            return {}, False
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                node = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                return {}, False
        if isinstance(node, ast.Constant) and node.value is None:
            return {"type": "null"}, True
        if isinstance(node, (ast.Name, ast.Attribute)):
            name = node.id if isinstance(node, ast.Name) else node.attr
            kind = _SIMPLE.get(name)
            if kind is None:
                self.problems.append(
                    Problem(
                        location=located(self.path, line=node.lineno, column=node.col_offset + 1),
                        message=f"{where}: type {name!r} has no JSON form; it is treated as any value",
                    )
                )
                return {}, False
            return ({"type": kind} if kind else {}), False
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            left, left_none = self.schema(node.left, where)
            right, right_none = self.schema(node.right, where)
            parts = [part for part in (left, right) if part.get("type") != "null"]
            optional = left_none or right_none or len(parts) < 2
            if len(parts) == 1:
                return parts[0], optional
            return {"anyOf": parts}, optional
        if isinstance(node, ast.Subscript):
            base = (
                node.value.id
                if isinstance(node.value, ast.Name)
                else node.value.attr
                if isinstance(node.value, ast.Attribute)
                else ""
            )
            inner = node.slice
            args = list(inner.elts) if isinstance(inner, ast.Tuple) else [inner]
            if base == "Optional":
                schema, _ = self.schema(args[0], where)
                return schema, True
            if base == "Union":
                members = [self.schema(arg, where)[0] for arg in args]
                kept: list[JsonValue] = [member for member in members if member.get("type") != "null"]
                optional = len(kept) < len(members)
                union: dict[str, JsonValue] = kept[0] if len(kept) == 1 else {"anyOf": kept}
                return union, optional
            if base in ("list", "List", "Sequence", "set", "Set", "tuple", "Tuple"):
                items, _ = self.schema(args[0], where) if args else ({}, False)
                return ({"type": "array", "items": items} if items else {"type": "array"}), False
            if base in ("dict", "Dict", "Mapping"):
                return {"type": "object"}, False
            if base == "Literal":
                values = [arg.value for arg in args if isinstance(arg, ast.Constant)]
                kinds = {type(value) for value in values}
                names = {str: "string", int: "integer", float: "number", bool: "boolean"}
                literal: dict[str, JsonValue] = {"enum": values}
                if len(kinds) == 1 and next(iter(kinds)) in names:
                    literal["type"] = names[next(iter(kinds))]
                return literal, False
        return {}, False


def _literal(node: ast.expr) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        return ...


def _function_tool(function: ast.FunctionDef, types: _Types, path: str) -> ToolSpec | None:
    doc = parse_docstring(ast.get_docstring(function))
    arguments = [arg for arg in function.args.args + function.args.kwonlyargs if arg.arg not in ("self", "cls", "ctx")]
    defaults: dict[str, ast.expr] = {}
    positional = function.args.args
    for arg, default in zip(
        positional[len(positional) - len(function.args.defaults) :], function.args.defaults, strict=True
    ):
        defaults[arg.arg] = default
    for arg, keyword_default in zip(function.args.kwonlyargs, function.args.kw_defaults, strict=True):
        if keyword_default is not None:
            defaults[arg.arg] = keyword_default
    properties: dict[str, JsonValue] = {}
    required: list[str] = []
    for arg in arguments:
        schema, optional = types.schema(arg.annotation, f"{function.name}({arg.arg})")
        text = doc.args.get(arg.arg, "")
        marked_optional = "[optional]" in text.lower()
        text = re.sub(r"\[optional\]\s*", "", text, flags=re.IGNORECASE).strip()
        schema = {**schema, "description": text or f"The {arg.arg.replace('_', ' ')}."}
        if arg.arg in defaults:
            value = _literal(defaults[arg.arg])
            if value is not ... and value is not None and isinstance(value, (str, int, float, bool)):
                schema["default"] = value
        properties[identifier(arg.arg)] = schema
        if arg.arg not in defaults and not optional and not marked_optional:
            required.append(identifier(arg.arg))
    input_schema: dict[str, JsonValue] = {"type": "object", "properties": properties}
    if required:
        input_schema["required"] = required
    output, _ = types.schema(function.returns, f"{function.name} return")
    if output and doc.returns:
        output = {**output, "description": doc.returns}
    description = doc.summary.strip() or f"{function.name.replace('_', ' ').capitalize()}."
    name = identifier(function.name, fallback="tool")
    return ToolSpec(
        name=name,
        description=description,
        input_schema=input_schema,
        output_schema=wrap_output(output) if output else None,
        effect=effect_of(name),
    )


def sketch_tools(tree: ast.Module, path: str) -> tuple[list[ToolSpec], list[Problem]]:
    types = _Types(path)
    tools: list[ToolSpec] = []
    functions: list[ast.FunctionDef] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            functions.append(node)
        elif isinstance(node, ast.ClassDef):
            functions.extend(item for item in node.body if isinstance(item, ast.FunctionDef))
    seen: set[str] = set()
    for function in functions:
        if function.name.startswith("_") or function.name in seen:
            continue
        seen.add(function.name)
        tool = _function_tool(function, types, path)
        if tool is not None:
            tools.append(tool)
    return tools, types.problems


class SketchLoader:
    """Read a Python sketch (typed function stubs with docstrings) with ast, never importing it, into a draft spec."""

    name = "sketch"
    description = (
        "Read a Python sketch (typed function stubs with docstrings) with ast, never importing it, into a draft spec."
    )

    def can_load(self, source: str) -> bool:
        return Path(source).suffix.lower() == ".py" and Path(source).is_file()

    def load(self, source: str) -> LoadResult:
        text = read_source_text(source, what="sketch")
        try:
            tree = ast.parse(text, filename=source)
        except SyntaxError as error:
            raise SourceError(
                f"cannot read {source}",
                [
                    Problem(
                        location=located(source, line=error.lineno, column=error.offset),
                        message=f"syntax error: {error.msg}",
                        fix="fix the Python syntax (the sketch is read, never run)",
                    )
                ],
            ) from error
        tools, notes = sketch_tools(tree, source)
        if not tools:
            raise SourceError(
                f"cannot read {source}",
                [
                    Problem(
                        location=located(source, line=1, column=1),
                        message="the sketch defines no public functions",
                        fix="write one typed function with a docstring per tool",
                    )
                ],
            )
        header: dict[str, str] = {}
        for line in text.splitlines()[:30]:
            match = _HEADER.match(line.strip())
            if match:
                header[match.group(1).lower()] = match.group(2).strip()
        classes = [node.name for node in tree.body if isinstance(node, ast.ClassDef)]
        title = (
            header.get("server name")
            or header.get("name")
            or header.get("class name")
            or (classes[0] if classes else "")
        )
        env_name = identifier(title, fallback="env") if title else environment_name(source)
        description = (
            ast.get_docstring(tree) or ""
        ).strip() or f"{title or env_name} (from the sketch {Path(source).name})."
        spec = EnvironmentSpec(
            name=env_name,
            domain=header.get("category", "generated"),
            description=description,
            tools=tuple(tools),
            state_schema=StateSchema(tables=()),
            provenance=Provenance(
                source=title or Path(source).name, url=header.get("data source", ""), generator="envgen/sketch"
            ),
            trusted=False,
        )
        resource = Resource(
            kind="sketch",
            name=title or env_name,
            uri=str(source),
            media_type="text/x-python",
            text=text,
            provenance=Provenance(source=Path(source).name, generator="envgen/sketch"),
        )
        return LoadResult(
            resources=(resource,),
            specs=(spec,),
            skipped=tuple(notes),
            details={"environment": env_name, "tools": len(tools)},
        )
