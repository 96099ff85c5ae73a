"""Declaring an environment: tables, tools, a seed factory, a clock.

::

    from envfactory_core.env import Environment, ToolError, table

    notes = Environment(
        name="notes",
        domain="office",
        description="A note-taking app after a public notes API.",
        tables=[table("notes", primary_key="note_id", note_id=str, title=str, tags=list)],
        now="2025-03-14T10:00:00+00:00",
    )

    @notes.tool(effect="write")
    def create_note(ctx, title: str, tags: list[str] | None = None) -> dict:
        '''Create a note.

        Args:
            title: The note's title.
            tags: Labels for the note.
        '''
        return ctx.table("notes").insert({"note_id": ctx.new_id("note"), "title": title, "tags": tags or []})

    @notes.seed
    def seed(rng, size):
        return {"notes": [...]}
"""

from __future__ import annotations

import inspect
import random
import threading
import types
import typing
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar, get_args, get_origin, overload

import attrs

from ..errors import EnvironmentDefinitionError, Problem
from ..ids import JsonValue, canonical_json
from ..models import ColumnSpec, Effect, EnvironmentSpec, Provenance, StateSchema, TableSpec, ToolSpec
from .episode import Episode, Template
from .schema import signature_schema
from .state import StateCodec, StateError
from .tools import ToolDefinition

__all__ = ["Environment", "SeedContext", "table"]

_COLUMN_TYPES: dict[Any, str] = {
    str: "text",
    int: "integer",
    float: "real",
    bool: "boolean",
    dict: "json",
    list: "json",
    "text": "text",
    "integer": "integer",
    "real": "real",
    "boolean": "boolean",
    "json": "json",
}


def _column(name: str, declared: Any) -> ColumnSpec:
    nullable = False
    kind = declared
    origin = get_origin(declared)
    if origin in (typing.Union, types.UnionType):
        members = [member for member in get_args(declared) if member is not type(None)]
        nullable = len(members) < len(get_args(declared))
        kind = members[0] if len(members) == 1 else "json"
    elif origin in (list, dict):
        kind = origin
    if kind not in _COLUMN_TYPES:
        raise TypeError(
            f"column {name!r}: {declared!r} is not a column type; use str, int, float, bool, dict, list or 'json'"
        )
    return ColumnSpec(name=name, type=_COLUMN_TYPES[kind], nullable=nullable)  # type: ignore[arg-type]


def table(name: str, /, primary_key: str | Sequence[str], **columns: Any) -> TableSpec:
    """Declare a table: ``table("orders", primary_key="order_id", order_id=str, items=list, note=str | None)``.

    Column types: ``str``, ``int``, ``float``, ``bool``, ``dict``/``list``/``"json"`` (any JSON value);
    ``X | None`` makes a column nullable. Any column name works (``name``, ``description``...);
    for a table description build a :class:`~envfactory_core.models.TableSpec` directly.
    """
    keys = (primary_key,) if isinstance(primary_key, str) else tuple(primary_key)
    return TableSpec(
        name=name,
        primary_key=keys,
        columns=tuple(_column(column, declared) for column, declared in columns.items()),
    )


@attrs.frozen(kw_only=True)
class SeedContext:
    """What a seed factory receives: a seeded RNG for this environment, the size, and the seed.

    ``shared(name)`` gives an RNG that is the same for every environment seeded with the same
    seed, so environments of one world can draw the same people, companies or products.
    """

    rng: random.Random = attrs.field(eq=False)
    size: int
    seed: int
    now: datetime
    environment: str

    def shared(self, name: str) -> random.Random:
        return random.Random(f"shared:{name}:{self.seed}")


SeedFactory = Callable[..., Mapping[str, Any]]
F = TypeVar("F", bound=Callable[..., Any])
S = TypeVar("S", bound=SeedFactory)

_TEMPLATE_CACHE_SIZE = 32


class Environment:
    """A stateful tool environment: a state schema, tools, a seed factory, a clock."""

    def __init__(
        self,
        *,
        name: str,
        domain: str,
        description: str,
        tables: Sequence[TableSpec],
        policy: str = "",
        now: str = "2025-01-15T09:00:00+00:00",
        provenance: Provenance | None = None,
        overlaps: Sequence[str] = (),
        evaluation_only: bool = False,
        trusted: bool = True,
        default_size: int = 10,
        version: str = "1",
    ) -> None:
        try:
            clock = datetime.fromisoformat(now)
        except ValueError as error:
            raise EnvironmentDefinitionError(
                f"environment {name!r}", [Problem(location="now", message=str(error), fix="give an ISO 8601 time")]
            ) from error
        if clock.tzinfo is None:
            raise EnvironmentDefinitionError(
                f"environment {name!r}",
                [Problem(location="now", message="the clock has no time zone", fix="add an offset, e.g. +00:00")],
            )
        self.name = name
        self.domain = domain
        self.description = description
        self.state_schema = StateSchema(tables=tuple(tables))
        self.policy = policy
        self.now = now
        self.clock = clock
        self.provenance = provenance or Provenance()
        self.overlaps = tuple(overlaps)
        self.evaluation_only = evaluation_only
        self.trusted = trusted
        self.default_size = default_size
        self.version = version
        self.codec = StateCodec(self.state_schema)
        self.tools: dict[str, ToolDefinition] = {}
        self._seed_factory: SeedFactory | None = None
        self._spec: EnvironmentSpec | None = None
        self._templates: OrderedDict[str, Template] = OrderedDict()
        self._lock = threading.Lock()
        # Validate identifiers and the whole spec once, early.
        self._build_spec()

    def __repr__(self) -> str:
        return f"<Environment {self.name} ({self.domain}): {len(self.tools)} tools>"

    # --- declaring -----------------------------------------------------------------------------

    @overload
    def tool(
        self,
        function: F,
        *,
        effect: Effect,
        name: str | None = ...,
        description: str | None = ...,
        input_schema: dict[str, JsonValue] | None = ...,
        output_schema: dict[str, JsonValue] | None = ...,
        masked: Sequence[str] = ...,
    ) -> F: ...

    @overload
    def tool(
        self,
        function: None = ...,
        *,
        effect: Effect,
        name: str | None = ...,
        description: str | None = ...,
        input_schema: dict[str, JsonValue] | None = ...,
        output_schema: dict[str, JsonValue] | None = ...,
        masked: Sequence[str] = ...,
    ) -> Callable[[F], F]: ...

    def tool(
        self,
        function: F | None = None,
        *,
        effect: Effect,
        name: str | None = None,
        description: str | None = None,
        input_schema: dict[str, JsonValue] | None = None,
        output_schema: dict[str, JsonValue] | None = None,
        masked: Sequence[str] = (),
    ) -> F | Callable[[F], F]:
        """Register a tool. Use as ``@env.tool(effect="read")``.

        The input schema comes from the signature and docstring unless ``input_schema`` is given
        (then the function receives the arguments as keywords). ``masked`` names arguments whose
        value does not change the outcome (in addition to those marked ``Arg(mask=True)``).
        """

        def decorate(fn: F) -> F:
            self.add_tool(
                fn,
                effect=effect,
                name=name,
                description=description,
                input_schema=input_schema,
                output_schema=output_schema,
                masked=masked,
            )
            return fn

        return decorate(function) if function is not None else decorate

    def add_tool(
        self,
        function: Callable[..., Any],
        *,
        effect: Effect,
        name: str | None = None,
        description: str | None = None,
        input_schema: dict[str, JsonValue] | None = None,
        output_schema: dict[str, JsonValue] | None = None,
        masked: Sequence[str] = (),
    ) -> ToolDefinition:
        tool_name = name or function.__name__
        if tool_name in self.tools:
            raise EnvironmentDefinitionError(
                f"environment {self.name!r}", [Problem(location=f"tools.{tool_name}", message="declared twice")]
            )
        try:
            if input_schema is None:
                derived = signature_schema(function)
                schema = derived.input_schema
                takes_context = derived.takes_context
                nullable = derived.nullable
                summary = derived.description
                masked_names = tuple(dict.fromkeys([*derived.masked, *masked]))
                output = output_schema if output_schema is not None else derived.output_schema
            else:
                parameters = list(inspect.signature(function).parameters)
                takes_context = bool(parameters) and parameters[0] in {"ctx", "context"}
                schema = input_schema
                nullable = frozenset()
                summary = inspect.cleandoc(function.__doc__ or "").split("\n\n")[0]
                masked_names = tuple(masked)
                output = output_schema
            spec = ToolSpec(
                name=tool_name,
                description=(description or summary or "").strip(),
                input_schema=schema,
                output_schema=output,
                effect=effect,
                masked_arguments=masked_names,
            )
        except (TypeError, ValueError) as error:
            raise EnvironmentDefinitionError(
                f"environment {self.name!r}", [Problem(location=f"tools.{tool_name}", message=str(error))]
            ) from error
        problems = [
            Problem(location=f"tools.{tool_name}.masked", message=f"{argument!r} is not an argument")
            for argument in spec.masked_arguments
            if argument not in spec.parameters
        ]
        if not spec.description:
            problems.append(
                Problem(location=f"tools.{tool_name}", message="has no description", fix="write a docstring")
            )
        if problems:
            raise EnvironmentDefinitionError(f"environment {self.name!r}", problems)
        definition = ToolDefinition(spec=spec, function=function, takes_context=takes_context, nullable=nullable)
        self.tools[tool_name] = definition
        self._spec = None
        return definition

    def seed(self, function: S) -> S:
        """Register the seed factory: ``f(rng, size)`` or ``f(ctx: SeedContext)`` → state."""
        self._seed_factory = function
        with self._lock:
            self._templates.clear()
        return function

    # --- describing ----------------------------------------------------------------------------

    def _build_spec(self) -> EnvironmentSpec:
        try:
            return EnvironmentSpec(
                name=self.name,
                domain=self.domain,
                description=self.description,
                tools=tuple(definition.spec for definition in self.tools.values()),
                state_schema=self.state_schema,
                policy=self.policy,
                now=self.now,
                provenance=self.provenance,
                overlaps=self.overlaps,
                evaluation_only=self.evaluation_only,
                trusted=self.trusted,
                version=self.version,
            )
        except (TypeError, ValueError) as error:
            raise EnvironmentDefinitionError(
                f"environment {self.name!r}", [Problem(location="", message=str(error))]
            ) from error

    @property
    def spec(self) -> EnvironmentSpec:
        """This environment as data."""
        if self._spec is None:
            self._spec = self._build_spec()
        return self._spec

    def row_schema(
        self, table_name: str, *, fields: Sequence[str] | None = None, description: str = ""
    ) -> dict[str, JsonValue]:
        """A JSON Schema for one row of ``table_name`` (optionally only some fields), for output schemas."""
        spec = self.state_schema.table(table_name)
        names = {"text": "string", "integer": "integer", "real": "number", "boolean": "boolean"}
        properties: dict[str, JsonValue] = {}
        for column in spec.columns:
            if fields is not None and column.name not in fields:
                continue
            schema: dict[str, JsonValue] = {}
            if column.type in names:
                schema["type"] = [names[column.type], "null"] if column.nullable else names[column.type]
            if column.description:
                schema["description"] = column.description
            properties[column.name] = schema
        result: dict[str, JsonValue] = {"type": "object", "properties": properties}
        if description:
            result["description"] = description
        return result

    # --- state ---------------------------------------------------------------------------------

    def seed_context(self, seed: int, size: int | None = None) -> SeedContext:
        return SeedContext(
            rng=random.Random(f"{self.name}:{seed}"),
            size=self.default_size if size is None else size,
            seed=seed,
            now=self.clock,
            environment=self.name,
        )

    def generate_state(self, seed: int = 0, size: int | None = None) -> Mapping[str, Any]:
        """Run the seed factory for ``seed`` (no factory: an empty state)."""
        if self._seed_factory is None:
            return {}
        context = self.seed_context(seed, size)
        parameters = list(inspect.signature(self._seed_factory).parameters)
        if parameters and parameters[0] == "rng":
            return (
                self._seed_factory(context.rng, context.size)
                if len(parameters) > 1
                else self._seed_factory(context.rng)
            )
        return self._seed_factory(context)

    def load_state(self, state: Mapping[str, Any]) -> dict[str, dict[str, dict[str, JsonValue]]]:
        """Validate a state and return it in canonical form; :class:`StateError` lists every problem."""
        return self.template(state=state).canonical_state()

    def initial_state(self, seed: int = 0, size: int | None = None) -> dict[str, dict[str, dict[str, JsonValue]]]:
        return self.template(seed=seed, size=size).canonical_state()

    def template(
        self, *, seed: int | None = None, state: Mapping[str, Any] | None = None, size: int | None = None
    ) -> Template:
        """The (cached) template database an episode is copied from."""
        if state is not None and seed is not None:
            raise ValueError("give a seed or a state, not both")
        if state is not None:
            try:
                key = "state:" + canonical_json(state)
            except (TypeError, ValueError) as error:
                raise StateError("the state is not JSON", [Problem(location="state", message=str(error))]) from error
        else:
            seed = 0 if seed is None else seed
            key = f"seed:{seed}:{self.default_size if size is None else size}"
        with self._lock:
            cached = self._templates.get(key)
            if cached is not None:
                self._templates.move_to_end(key)
                return cached
        data = state if state is not None else self.generate_state(seed or 0, size)
        template = Template(self, data)
        with self._lock:
            self._templates[key] = template
            while len(self._templates) > _TEMPLATE_CACHE_SIZE:
                self._templates.popitem(last=False)
        return template

    def episode(
        self,
        *,
        seed: int | None = None,
        state: Mapping[str, Any] | None = None,
        size: int | None = None,
    ) -> Episode:
        """A new isolated episode at the seed's state (default seed 0) or at ``state``."""
        return Episode(self, self.template(seed=seed, state=state, size=size))
