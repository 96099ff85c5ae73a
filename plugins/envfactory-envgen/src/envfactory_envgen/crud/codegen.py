"""A CRUD plan as a Python module on the environment SDK.

The module is plain, readable code: the tables as ``TableSpec`` values, one ``crud.Resource`` per
table, a seed factory, and one small function per tool that says which argument means which column
and calls the shared CRUD rules in :mod:`envfactory_envgen.runtime.crud`. Every string that
came from the API document is written with ``repr`` (or escaped into a docstring), so a document
cannot inject code. The same plan always gives the same bytes.
"""

from __future__ import annotations

import ast
import io
import pprint
import re
import tokenize
from typing import Any

from envfactory_core.ids import JsonValue, canonical_json

from ..naming import identifier
from .plan import ArgumentPlan, CrudPlan, TablePlan, ToolPlan

__all__ = ["generate_module", "output_schema", "row_schema"]

_WIDTH = 110
_NULLABLE = {"text": "string", "integer": "integer", "real": "number", "boolean": "boolean"}
DEFAULT_NOW = "2025-01-15T09:00:00+00:00"


_HOIST_MIN = 160


class _Shared:
    """Schemas that occur more than once, written once as ``SCHEMA_n`` constants and referred to."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.values: dict[str, Any] = {}
        self.names: dict[str, str] = {}

    def count(self, value: Any) -> None:
        if isinstance(value, dict):
            text = canonical_json(value)
            if len(text) >= _HOIST_MIN:
                self.counts[text] = self.counts.get(text, 0) + 1
                self.values[text] = value
            for item in value.values():
                self.count(item)
        elif isinstance(value, list):
            for item in value:
                self.count(item)

    def settle(self) -> list[tuple[str, Any]]:
        shared = sorted((text for text, number in self.counts.items() if number > 1), key=lambda t: (len(t), t))
        definitions = []
        for index, text in enumerate(shared, start=1):
            name = f"SCHEMA_{index}"
            definitions.append((name, self.values[text]))
            self.names[text] = name
        return definitions

    def render(self, value: Any, *, skip: str = "") -> str:
        if isinstance(value, dict):
            text = canonical_json(value)
            if text in self.names and text != skip:
                return self.names[text]
            return "{" + ", ".join(f"{key!r}: {self.render(item, skip=skip)}" for key, item in value.items()) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(self.render(item, skip=skip) for item in value) + "]"
        return repr(value)

    def block(self, value: dict[str, Any], indent: int) -> str:
        """A dict with one entry per line (one level deep), the rest on single lines."""
        if not value:
            return "{}"
        pad = " " * (indent + 4)
        lines = [f"{pad}{key!r}: {self.render(item)}," for key, item in value.items()]
        return "{\n" + "\n".join(lines) + "\n" + " " * indent + "}"


def _literal(value: Any, indent: int = 0) -> str:
    text = pprint.pformat(value, width=_WIDTH - indent, sort_dicts=False, compact=False)
    pad = " " * indent
    return text.replace("\n", "\n" + pad)


def _docstring(text: str, indent: int) -> str:
    body = text.strip().replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    lines = [line.rstrip() for line in body.splitlines()] or [""]
    if lines[-1].endswith('"'):
        lines[-1] += " "
    pad = " " * indent
    if len(lines) == 1:
        return f'{pad}"""{lines[0]}"""'
    inner = "\n".join((pad + line) if line else "" for line in lines[1:])
    return f'{pad}"""{lines[0]}\n{inner}\n{pad}"""'


_RESERVED = re.compile(r"^(COLUMNS|LINKS|PARENTS|SCHEMA_\d+|ENVIRONMENT|CRUD)$")


def _constant(table: TablePlan) -> str:
    """The module constant of a table's resource; never one of the module's own names (a table ``links``)."""
    name = identifier(table.name).upper()
    return f"{name}_TABLE" if _RESERVED.match(name) else name


def row_schema(table: TablePlan) -> dict[str, JsonValue]:
    """The JSON Schema of one row as tools return it (every column, nulls allowed off the key)."""
    properties: dict[str, JsonValue] = {}
    for column in table.columns:
        schema: dict[str, JsonValue] = {}
        if column.type in _NULLABLE:
            kind = _NULLABLE[column.type]
            schema["type"] = kind if column.name in table.key else [kind, "null"]
        schema["description"] = column.description or column.name
        properties[column.name] = schema
    return {"type": "object", "properties": properties, "required": list(table.key)}


def output_schema(tool: ToolPlan, table: TablePlan) -> dict[str, JsonValue]:
    row = row_schema(table)
    if tool.kind == "list":
        properties: dict[str, JsonValue] = {
            table.name: {
                "type": "array",
                "items": row,
                "description": f"The {table.name.replace('_', ' ')} on this page.",
            },
            "total": {"type": "integer", "description": "How many rows match, on every page."},
            "has_more": {"type": "boolean", "description": "Whether a later page has more rows."},
        }
        if tool.by_role("page_token"):
            properties["next_page_token"] = {
                "type": ["string", "null"],
                "description": "Pass as the page token to get the next page; null on the last page.",
            }
        return {"type": "object", "properties": properties, "required": [table.name, "total", "has_more"]}
    if tool.kind == "delete":
        return {
            "type": "object",
            "properties": {
                "deleted": {"type": "boolean", "description": "True: the row is gone."},
                table.label: {**row, "description": f"The {table.label.replace('_', ' ')} that was deleted."},
                "children_deleted": {"type": "integer", "description": "Rows under it that were deleted too."},
            },
            "required": ["deleted", table.label],
        }
    return row


def input_schema(tool: ToolPlan) -> dict[str, JsonValue]:
    properties = {argument.name: argument.schema for argument in tool.arguments}
    schema: dict[str, JsonValue] = {"type": "object", "properties": properties, "additionalProperties": False}
    required = [argument.name for argument in tool.arguments if argument.required]
    if required:
        schema["required"] = required
    return schema


PAGING_ROLES = ("limit", "offset", "page", "page_size", "page_token")
"""Argument roles that page a list; they are masked (the agent need not fill them in)."""


def masked_arguments(tool: ToolPlan) -> tuple[str, ...]:
    return tuple(argument.name for argument in tool.by_role(*PAGING_ROLES))


def environment_description(plan: CrudPlan) -> str:
    """The environment's description: the API's title, and the first paragraph of its description."""
    description = (plan.title or plan.environment) + (
        f": {plan.description.split(chr(10) * 2)[0].strip()}" if plan.description else ""
    )
    return description[:600]


def provenance_notes(plan: CrudPlan) -> str:
    return f"{len(plan.tools)} tools from {len(plan.tools) + len(plan.skipped)} operations"


def _mapping(arguments: tuple[ArgumentPlan, ...]) -> dict[str, str]:
    return {argument.name: argument.column for argument in arguments}


class _Writer:
    def __init__(self, plan: CrudPlan, now: str, domain: str) -> None:
        self.plan = plan
        self.now = now
        self.domain = domain
        self.lines: list[str] = []
        self.shared = _Shared()
        for table in plan.tables:
            for column in table.columns:
                self.shared.count(column.schema)
        for tool in plan.tools:
            self.shared.count(input_schema(tool))
            self.shared.count(output_schema(tool, plan.table(tool.table)))
        self.definitions = self.shared.settle()

    def emit(self, text: str = "") -> None:
        self.lines.append(text)

    def header(self) -> None:
        plan = self.plan
        counts = f"{len(plan.tables)} tables, {len(plan.tools)} tools"
        skipped = (
            f"{len(plan.skipped)} operations were left out (see the build report)"
            if plan.skipped
            else ("every operation has a tool")
        )
        about = plan.title or plan.environment
        summary = (plan.description.split("\n\n")[0] if plan.description else "").strip()
        text = f"{about}: a stateful environment generated by envfactory envgen/crud.\n\nSource: {plan.source}"
        if summary:
            text += f"\n\n{summary}"
        text += f"\n\n{counts}; {skipped}. Regenerate it rather than editing by hand."
        self.emit(_docstring(text, 0))
        self.emit()
        self.emit("from __future__ import annotations")
        self.emit()
        self.emit("from envfactory_core.env import Environment")
        self.emit("from envfactory_envgen.runtime import crud")
        self.emit("from envfactory_core.models import ColumnSpec, Provenance, TableSpec")
        self.emit()

    def environment(self) -> None:
        plan = self.plan
        self.emit("environment = Environment(")
        self.emit(f"    name={plan.environment!r},")
        self.emit(f"    domain={self.domain!r},")
        self.emit(f"    description={environment_description(plan)!r},")
        self.emit("    tables=[")
        for table in plan.tables:
            self.emit("        TableSpec(")
            self.emit(f"            name={table.name!r},")
            self.emit(f"            primary_key={table.key!r},")
            self.emit(f"            description={table.description!r},")
            self.emit("            columns=(")
            for column in table.columns:
                nullable = column.name not in table.key
                self.emit(
                    f"                ColumnSpec(name={column.name!r}, type={column.type!r}, nullable={nullable!r}, "
                    f"description={(column.description or column.name)[:200]!r}),"
                )
            self.emit("            ),")
            self.emit("        ),")
        self.emit("    ],")
        self.emit(f"    now={self.now!r},")
        notes = provenance_notes(plan)
        self.emit(
            "    provenance=Provenance("
            f"source={(plan.title or plan.source)!r}, url={plan.url!r}, license={plan.license!r}, "
            f"generator='envfactory envgen/crud', notes={notes!r}),"
        )
        self.emit("    trusted=False,")
        self.emit(f"    version={plan.version or '1'!r},")
        self.emit(")")
        self.emit()

    def resources(self) -> None:
        plan = self.plan
        depth: dict[str, int] = {}
        names = {t.name for t in plan.tables}
        for table in plan.tables:
            level, parent = 0, table.parent
            while parent:
                level += 1
                parent = plan.table(parent).parent if parent in names else ""
            depth[table.name] = level
        self.emit("# --- resources: how rows are keyed and nested -------------------------------------------------")
        self.emit()
        for table in sorted(plan.tables, key=lambda t: (-depth[t.name], t.name)):
            children = list(plan.children(table.name))
            on_create: dict[str, str] = {}
            on_update: dict[str, str] = {}
            defaults: dict[str, Any] = {}
            dates = []
            for column in table.columns:
                if column.on_create == "now":
                    on_create[column.name] = "NOW"
                elif column.on_create == "default" and "default" in column.schema:
                    defaults[column.name] = column.schema["default"]
                if column.on_update == "now":
                    on_update[column.name] = "NOW"
                if column.schema.get("format") == "date":
                    dates.append(column.name)
            create_items = [f"{name!r}: crud.NOW" for name in on_create] + [
                f"{name!r}: {value!r}" for name, value in defaults.items()
            ]
            self.emit(f"{_constant(table)} = crud.Resource(")
            self.emit(f"    table={table.name!r},")
            self.emit(f"    label={table.label!r},")
            self.emit(f"    key={table.key!r},")
            self.emit(f"    own_key={table.own_key!r},")
            self.emit(f"    key_kind={table.key_kind!r},")
            if table.key_pattern:
                self.emit(f"    key_pattern={table.key_pattern!r},")
            self.emit(f"    key_prefix={table.key_prefix!r},")
            if table.parent:
                self.emit(f"    parent={table.parent!r},")
                self.emit(f"    parent_columns={table.parent_columns!r},")
            if children:
                self.emit(f"    children=({', '.join(_constant(child) for child in children)},),")
            if create_items:
                self.emit("    on_create={" + ", ".join(create_items) + "},")
            if on_update:
                self.emit("    on_update={" + ", ".join(f"{name!r}: crud.NOW" for name in on_update) + "},")
            if dates:
                self.emit(f"    date_columns=frozenset({sorted(dates)!r}),")
            self.emit(")")
        self.emit()
        self.emit("PARENTS = {" + ", ".join(f"{t.name!r}: {_constant(t)}" for t in plan.tables) + "}")
        self.emit()

    def seed(self) -> None:
        plan = self.plan
        columns = {table.name: {column.name: column.schema for column in table.columns} for table in plan.tables}
        links: dict[str, dict[str, str]] = {}
        singles = {table.label: table.name for table in plan.tables if len(table.key) == 1}
        for table in plan.tables:
            for column in table.columns:
                if column.name.endswith("_id") and column.name not in table.key:
                    target = singles.get(column.name[:-3])
                    if target and target != table.name:
                        target_table = plan.table(target)
                        if target_table.column(target_table.key[0]).type == column.type:
                            links.setdefault(table.name, {})[column.name] = target
        self.emit("# --- seed state ------------------------------------------------------------------------------")
        self.emit()
        if self.definitions:
            self.emit("# Schemas used more than once.")
            for name, value in self.definitions:
                self.emit(f"{name} = {self.shared.render(value, skip=canonical_json(value))}")
            self.emit()
        self.emit("COLUMNS = {")
        for table_name, table_columns in columns.items():
            self.emit(f"    {table_name!r}: " + self.shared.block(table_columns, 4) + ",")
        self.emit("}")
        self.emit()
        self.emit("LINKS = " + _literal(links))
        self.emit()
        order = self._seed_order()
        self.emit()
        self.emit("@environment.seed")
        self.emit("def seed(ctx):")
        self.emit(
            _docstring(
                "Rows for every table with realistic values from the column schemas; children under real parents.", 4
            )
        )
        self.emit(f"    return crud.seed_rows(ctx, [{', '.join(order)}], COLUMNS, links=LINKS)")
        self.emit()

    def _seed_order(self) -> list[str]:
        plan = self.plan
        done: list[str] = []
        names = {table.name for table in plan.tables}
        while len(done) < len(plan.tables):
            for table in plan.tables:
                if table.name in done:
                    continue
                if not table.parent or table.parent in done or table.parent not in names:
                    done.append(table.name)
        return [_constant(plan.table(name)) for name in done]

    def tool(self, tool: ToolPlan) -> None:
        table = self.plan.table(tool.table)
        resource = _constant(table)
        masked = masked_arguments(tool)
        self.emit()
        self.emit("@environment.tool(")
        self.emit(f"    effect={tool.effect!r},")
        self.emit(f"    description={tool.description!r},")
        self.emit("    input_schema=" + self.shared.block(input_schema(tool), 4) + ",")
        self.emit("    output_schema=" + self.shared.render(output_schema(tool, table)) + ",")
        if masked:
            self.emit(f"    masked={masked!r},")
        self.emit(")")
        self.emit(f"def {tool.name}(ctx, **arguments):")
        self.emit(_docstring(tool.description.split("\n\n")[0][:300] or tool.name, 4))
        keys = _mapping(tool.by_role("key"))
        if tool.kind == "list":
            filters = {a.name: (a.column, a.match) for a in tool.by_role("filter")}
            paging = {a.name: a.role for a in tool.by_role(*PAGING_ROLES)}
            self.emit("    return crud.list_rows(")
            self.emit(f"        ctx, {resource}, arguments, scope={keys!r}, filters={filters!r}, paging={paging!r},")
            self.emit(
                f"        page_base={tool.page_base!r}, default_size={tool.default_page_size!r}, parents=PARENTS,"
            )
            self.emit("    )")
        elif tool.kind == "get":
            self.emit(f"    return crud.get_row(ctx, {resource}, crud.pick(arguments, {keys!r}))")
        elif tool.kind == "create":
            fields = _mapping(tool.by_role("field"))
            self.emit("    return crud.create_row(")
            self.emit(f"        ctx, {resource}, arguments, scope={keys!r}, fields={fields!r}, parents=PARENTS")
            self.emit("    )")
        elif tool.kind == "update":
            fields = _mapping(tool.by_role("field"))
            if tool.sets:
                self.emit(f"    return crud.update_row(ctx, {resource}, arguments, keys={keys!r}, fields={fields!r},")
                self.emit(f"        sets={dict(tool.sets)!r})")
            else:
                self.emit(f"    return crud.update_row(ctx, {resource}, arguments, keys={keys!r}, fields={fields!r})")
        else:
            self.emit(f"    return crud.delete_row(ctx, {resource}, arguments, keys={keys!r})")

    def text(self) -> str:
        self.header()
        self.environment()
        self.resources()
        self.seed()
        self.emit("# --- tools -----------------------------------------------------------------------------------")
        for tool in self.plan.tools:
            self.tool(tool)
        return "\n".join(self.lines).rstrip() + "\n"


_CODE_LIKE = re.compile(r"__|[.\[]_")
"""Pairs of characters the sandbox's policy reads as code in a string (``__class__``, ``{0._x}``)."""


def _split_literal(value: str) -> str:
    """``'a __x__ b'`` as ``('a _' + '_x_' + '_ b')``: the same value, no piece that looks like code."""
    pieces: list[str] = []
    start = 0
    for match in _CODE_LIKE.finditer(value):
        pieces.append(value[start : match.start() + 1])
        start = match.start() + 1
    pieces.append(value[start:])
    return "(" + " + ".join(repr(piece) for piece in pieces) + ")"


def defuse_text(code: str) -> str:
    """``code`` with every string literal that holds code-like text written as a sum of harmless pieces.

    Text from an API description is data: a description mentioning ``__init__`` or ``{0._x}`` must
    not make the module fail the sandbox's policy check, which reads such strings as an attempt to
    reach special attributes. The generated code never uses these strings as names, so their value is
    kept exactly, written in pieces the check does not flag. Docstrings are only read by people:
    there the pairs are spaced apart (``_ _init_ _``) and they stay docstrings.
    """
    tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    if not any(token.type == tokenize.STRING and _CODE_LIKE.search(token.string) for token in tokens):
        return code
    lines = code.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    out: list[str] = []
    position = 0
    previous = tokenize.NEWLINE
    for token in tokens:
        statement_start = previous in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING)
        if token.type not in (tokenize.NL, tokenize.COMMENT):
            previous = token.type
        if token.type != tokenize.STRING or not _CODE_LIKE.search(token.string):
            continue
        prefix = token.string[: len(token.string) - len(token.string.lstrip("rbuRBUfF"))]
        if "f" in prefix.lower() or "b" in prefix.lower():
            continue
        value = ast.literal_eval(token.string)
        if not isinstance(value, str) or not _CODE_LIKE.search(value):
            continue
        start = offsets[token.start[0] - 1] + token.start[1]
        end = offsets[token.end[0] - 1] + token.end[1]
        out.append(code[position:start])
        if statement_start:  # a docstring: text for readers, kept a docstring, its pairs spaced apart
            out.append(_CODE_LIKE.sub(lambda match: f"{match.group()[0]} {match.group()[1]}", token.string))
        else:
            out.append(_split_literal(value))
        position = end
    out.append(code[position:])
    return "".join(out)


def generate_module(plan: CrudPlan, *, now: str = DEFAULT_NOW, domain: str = "generated") -> str:
    """The Python source of the environment ``plan`` describes."""
    return defuse_text(_Writer(plan, now, domain).text())
