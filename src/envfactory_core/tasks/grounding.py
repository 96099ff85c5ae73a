"""Grounding: execute a sampled chain on a seeded world to get gold calls and a gold final state.

Each argument of each step gets its value from, in order:

1. the chain's bindings: a field of an earlier step's output (``binding``; the agent can read it
   from that output, so the request need not state it);
2. the state: an existing entity that fits (a real ``order_id`` from the orders table), with the
   other arguments of the call taken from the same row where they match its columns, so
   ``cancel_order(customer_id, order_id)`` picks an order and its own customer (``state``);
3. a user value: realistic, from the schema and the environment's clock (``user``).

Masked arguments (pagination, limits, formatting) keep their defaults. A step that fails is retried
with other values a bounded number of times; a chain that still cannot be grounded is dropped with
the reason. The result is a :class:`~envfactory_core.models.Task` whose requests are still empty:
a writer fills them.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ..env import Environment, World
from ..env.generate import ArgumentGenerator
from ..graph import ToolGraph
from ..graph.labellers import RuleLabeller
from ..graph.records import Parameter
from ..ids import JsonValue
from ..models import ArgumentSource, GoldCall, Task, TaskKind, ToolCall, ToolChain, ToolSpec, Turn, split_qualified_name
from ..serialize import record_id
from .states import WorldStates
from .values import MASKED_NAMES, values_at

__all__ = ["Grounded", "Grounder"]

_SEARCH_NAMES = frozenset({"query", "q", "search", "keyword", "keywords", "term", "text"})
_TEXT_COLUMNS = ("title", "name", "summary", "subject", "description")
_FACT_FIELDS = (
    "name",
    "title",
    "status",
    "total",
    "amount",
    "price",
    "balance",
    "date",
    "start_time",
    "due_date",
    "count",
)


@attrs.frozen(kw_only=True)
class Grounded:
    """A grounded task, or the reason the chain was dropped."""

    task: Task | None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.task is not None


def _masked(spec: ToolSpec) -> set[str]:
    return set(spec.masked_arguments) | {name for name in spec.parameters if name in MASKED_NAMES}


@attrs.frozen(kw_only=True)
class Grounder:
    """Execute a sampled chain on a seeded world: gold calls with outputs and the gold final state."""

    name: str = "ground"
    description: str = "Execute a chain on a seeded world: bound values, real entities, realistic user values."
    attempts: int = attrs.field(default=8, validator=attrs.validators.ge(1))
    optional_rate: float = attrs.field(default=0.3, validator=[attrs.validators.ge(0.0), attrs.validators.le(1.0)])
    state_size: int | None = None

    def ground(
        self,
        chain: ToolChain,
        *,
        environments: Mapping[str, Environment],
        states: WorldStates,
        seed: int,
        graph: ToolGraph | None = None,
    ) -> Grounded:
        missing = [name for name in chain.environments if name not in environments]
        if missing:
            return Grounded(task=None, reason=f"environment not installed: {', '.join(missing)}")
        if not chain.tools:
            return Grounded(task=None, reason="empty chain")
        rng = random.Random(f"ground:{record_id(chain)}:{seed}")
        chosen = [environments[name] for name in chain.environments]
        with World.open(chosen, seed=seed, size=self.state_size) as world:
            return self._ground(chain, world, {env.name: env for env in chosen}, states, rng, graph, seed)

    def _ground(
        self,
        chain: ToolChain,
        world: World,
        environments: Mapping[str, Environment],
        states: WorldStates,
        rng: random.Random,
        graph: ToolGraph | None,
        seed: int,
    ) -> Grounded:
        turns = chain.turns or (tuple(range(len(chain.tools))),)
        turn_of = {step: index for index, turn in enumerate(turns) for step in turn}
        order = [step for turn in turns for step in turn]
        if order != sorted(order):
            return Grounded(task=None, reason="turns reorder the chain's steps")
        initial_id = states.put(world.state())
        turn_states: list[list[str]] = [[initial_id, ""] for _ in turns]
        outputs: list[JsonValue] = []
        gold_calls: list[GoldCall] = []
        labeller = RuleLabeller()
        for step, qualified in enumerate(chain.tools):
            environment_name, tool_name = split_qualified_name(qualified)
            environment = environments[environment_name]
            if tool_name not in environment.tools:
                return Grounded(task=None, reason=f"step {step}: {qualified} is not a tool of {environment_name}")
            spec = environment.tools[tool_name].spec
            bound = {binding.target_argument: binding for binding in chain.bindings if binding.target_step == step}
            last_error = ""
            for _attempt in range(self.attempts):
                state = world.episodes[environment_name].state()
                try:
                    arguments, sources, origins = self._arguments(
                        spec, qualified, environment, state, bound, outputs, rng, graph, labeller
                    )
                except _Unbindable as error:
                    return Grounded(task=None, reason=f"step {step} ({qualified}): {error}")
                result = world.call(qualified, arguments)
                if result.ok:
                    break
                assert result.error is not None
                last_error = f"{result.error.kind}: {result.error.message}"
            else:
                return Grounded(
                    task=None, reason=f"step {step} ({qualified}) failed {self.attempts} times; last: {last_error}"
                )
            outputs.append(result.output)
            gold_calls.append(
                GoldCall(
                    call=ToolCall(environment=environment_name, tool=tool_name, arguments=arguments),
                    output=result.output,
                    effect=spec.effect,
                    masked_arguments=tuple(sorted(_masked(spec) & set(arguments))),
                    sources=sources,
                    bindings=origins,
                )
            )
            turn = turn_of[step]
            if step == turns[turn][-1]:
                turn_states[turn][1] = states.put(world.state())
                if turn + 1 < len(turns):
                    turn_states[turn + 1][0] = turn_states[turn][1]
        gold_id = turn_states[-1][1]
        kind: TaskKind = "write" if any(call.effect == "write" for call in gold_calls) else "read"
        task = Task(
            environments=tuple(sorted(environments)),
            gold_calls=tuple(gold_calls),
            turns=tuple(
                Turn(request="", calls=tuple(turn), initial_state_id=ids[0], gold_state_id=ids[1])
                for turn, ids in zip(turns, turn_states, strict=True)
            ),
            initial_state_id=initial_id,
            gold_state_id=gold_id,
            kind=kind,
            answer_facts=tuple(_answer_facts(gold_calls[-1].output)) if kind == "read" else (),
            chain_id=record_id(chain),
            seed=seed,
            provenance={"sampler": chain.sampler, "grounder": f"core/{self.name}"},
        )
        return Grounded(task=task)

    # --- choosing argument values ----------------------------------------------------------------

    def _arguments(
        self,
        spec: ToolSpec,
        qualified: str,
        environment: Environment,
        state: Mapping[str, Mapping[str, Mapping[str, Any]]],
        bound: Mapping[str, Any],
        outputs: Sequence[JsonValue],
        rng: random.Random,
        graph: ToolGraph | None,
        labeller: RuleLabeller,
    ) -> tuple[dict[str, JsonValue], dict[str, ArgumentSource], dict[str, str]]:
        properties: Mapping[str, Any] = spec.parameters
        required = set(spec.required)
        masked = _masked(spec)
        arguments: dict[str, JsonValue] = {}
        sources: dict[str, ArgumentSource] = {}
        origins: dict[str, str] = {}
        nested: dict[str, dict[str, JsonValue]] = {}
        for target, binding in sorted(bound.items()):
            candidates = [
                value for value in values_at(outputs[binding.source_step], binding.source_field) if value is not None
            ]
            if not candidates:
                raise _Unbindable(f"step {binding.source_step} produced no {binding.source_field!r} for {target!r}")
            value = rng.choice(candidates)
            top, dot, child = target.partition(".")
            if dot:
                nested.setdefault(top, {})[child] = value
            else:
                arguments[top] = value
            sources[top] = "binding"
            origins[target] = f"{binding.source_step}:{binding.source_field}"
        # Sibling values: columns of the rows the bound keys point at.
        siblings = _sibling_values(environment, state, arguments)
        generator = ArgumentGenerator(environment)
        anchor = _anchor_row(environment, state, properties, required, arguments, rng)
        for name, schema in properties.items():
            if name in arguments:
                continue
            is_required = name in required
            if name in masked:
                if is_required:
                    arguments[name] = _masked_default(schema, generator, rng)
                    sources[name] = "default"
                continue
            if name in nested:
                arguments[name] = _fill_nested(schema, nested[name], generator, rng)
                sources[name] = "binding"
                continue
            providable = _user_providable(graph, qualified, name, schema, is_required, labeller)
            if not is_required and not (providable and rng.random() < self.optional_rate):
                continue
            if name in siblings:
                arguments[name] = siblings[name]
                sources[name] = "state"
            elif anchor is not None and name in anchor:
                arguments[name] = anchor[name]
                sources[name] = "state"
            elif name in _SEARCH_NAMES and (phrase := _search_phrase(environment, state, rng)) is not None:
                arguments[name] = phrase
                sources[name] = "user"
            else:
                known = _column_values(environment, state, name)
                if known and rng.random() < 0.9:
                    arguments[name] = rng.choice(known)
                    sources[name] = "state" if not providable else "user"
                else:
                    arguments[name] = generator.value(schema, rng, name=name, state=None)
                    sources[name] = "user"
        return arguments, sources, origins


class _Unbindable(Exception):
    """A binding has no value to give."""


def _user_providable(
    graph: ToolGraph | None, qualified: str, name: str, schema: Any, required: bool, labeller: RuleLabeller
) -> bool:
    if graph is not None:
        try:
            node = graph.tool(qualified)
            label = node.input(name).user_providable
            if label is not None:
                return label
        except KeyError:
            pass
    kind = schema.get("type", "any") if isinstance(schema, dict) else "any"
    kind = kind if isinstance(kind, str) else "any"
    parameter = Parameter(
        tool=qualified, direction="input", path=name, type=kind if kind in _TYPES else "any", required=required
    )
    return labeller.label_parameter(parameter).user_providable


_TYPES = {"string", "integer", "number", "boolean", "array", "object", "null", "any"}


def _column_values(
    environment: Environment, state: Mapping[str, Mapping[str, Mapping[str, Any]]], name: str
) -> list[JsonValue]:
    values: list[JsonValue] = []
    for table in environment.state_schema.tables:
        if any(column.name == name for column in table.columns):
            for row in state.get(table.name, {}).values():
                value = row.get(name)
                if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                    values.append(value)
    return sorted(set(values), key=lambda v: (str(type(v)), str(v)))


def _sibling_values(
    environment: Environment, state: Mapping[str, Mapping[str, Mapping[str, Any]]], arguments: Mapping[str, JsonValue]
) -> dict[str, JsonValue]:
    found: dict[str, JsonValue] = {}
    for name, value in arguments.items():
        for table in environment.state_schema.tables:
            if table.primary_key == (name,):
                row = state.get(table.name, {}).get(str(value))
                if row:
                    for column, column_value in row.items():
                        if column not in arguments and column_value is not None:
                            found.setdefault(column, column_value)
    return found


def _anchor_row(
    environment: Environment,
    state: Mapping[str, Mapping[str, Mapping[str, Any]]],
    properties: Mapping[str, Any],
    required: set[str],
    arguments: Mapping[str, JsonValue],
    rng: random.Random,
) -> dict[str, Any] | None:
    """A row whose primary key is a required, unbound argument; its columns fill other arguments."""
    for name in sorted(required):
        if name in arguments or name not in properties:
            continue
        for table in environment.state_schema.tables:
            if table.primary_key == (name,):
                rows = list(state.get(table.name, {}).values())
                if rows:
                    return dict(rng.choice(rows))
    return None


def _search_phrase(
    environment: Environment, state: Mapping[str, Mapping[str, Mapping[str, Any]]], rng: random.Random
) -> str | None:
    texts: list[str] = []
    for table in environment.state_schema.tables:
        for column in _TEXT_COLUMNS:
            if any(c.name == column and c.type == "text" for c in table.columns):
                texts.extend(
                    str(row[column])
                    for row in state.get(table.name, {}).values()
                    if isinstance(row.get(column), str) and row[column]
                )
    if not texts:
        return None
    words: list[str] = re.findall(r"[A-Za-z][A-Za-z'-]{3,}", rng.choice(sorted(texts)))
    if not words:
        return None
    return rng.choice(words)


def _masked_default(schema: Any, generator: ArgumentGenerator, rng: random.Random) -> JsonValue:
    if isinstance(schema, dict) and "default" in schema:
        default: JsonValue = schema["default"]
        return default
    if isinstance(schema, dict) and schema.get("type") == "integer":
        low = int(schema.get("minimum", 1))
        high = int(schema.get("maximum", max(low, 20)))
        return min(max(10, low), high)
    return generator.value(schema, rng)


def _fill_nested(
    schema: Any, fields: Mapping[str, JsonValue], generator: ArgumentGenerator, rng: random.Random
) -> JsonValue:
    if isinstance(schema, dict) and schema.get("type") == "array":
        item_schema = schema.get("items", {})
        item = generator.value(item_schema, rng) if isinstance(item_schema, dict) else {}
        item = dict(item) if isinstance(item, dict) else {}
        item.update(fields)
        return [item]
    base = generator.value(schema, rng) if isinstance(schema, dict) else {}
    merged = dict(base) if isinstance(base, dict) else {}
    merged.update(fields)
    return merged


def _answer_facts(output: JsonValue) -> list[str]:
    """Values a correct answer to a read request must mention: a few telling fields of the output."""
    facts: list[str] = []

    def visit(value: JsonValue, depth: int) -> None:
        if len(facts) >= 3 or depth > 2:
            return
        if isinstance(value, dict):
            for field in _FACT_FIELDS:
                item = value.get(field)
                if isinstance(item, (str, int, float)) and not isinstance(item, bool) and str(item) not in facts:
                    facts.append(str(item))
                    if len(facts) >= 3:
                        return
            for item in value.values():
                if isinstance(item, (dict, list)):
                    visit(item, depth + 1)
        elif isinstance(value, list) and value:
            visit(value[0], depth + 1)

    visit(output, 0)
    return facts
