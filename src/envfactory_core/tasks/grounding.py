"""Grounding: execute a sampled chain on a seeded world to get gold calls and a gold final state.

Each argument of each step gets its value from, in order:

1. the chain's bindings: a field of an earlier step's output (``binding``; the agent can read it
   from that output, so the request need not state it);
2. the state: an existing entity that fits (a real ``order_id`` from the orders table), with the
   other arguments of the call taken from the same row where they match its columns, so
   ``cancel_order(customer_id, order_id)`` picks an order and its own customer (``state``);
3. a user value: realistic, from the schema and the environment's clock (``user``).

The user's own fields (name, email, phone) come from one persona for the whole chain, and each
address holds together (city, country, postal code); values no one would give (a 64 kg parcel, a
date range ending before what it asks about existed) are drawn again. A grounded chain whose values
do not serve one goal (environments sharing nothing, a write undone) is grounded again on another
world, else dropped (``incoherent:…``), as the sampler judged it.

Masked arguments (pagination, limits, formatting) keep their defaults. A step that fails is retried
with other values a bounded number of times; when it still fails after ``min_prefix`` (2) steps
succeeded, the task is those first steps (the world supports that much of the goal; its provenance
says ``grounded_steps``), else the chain is dropped with the reason. The result is a
:class:`~envfactory_core.models.Task` whose requests are still empty: a writer fills them.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import attrs

from ..env import Environment, World
from ..env.generate import ArgumentGenerator
from ..env.plausible import value_problems
from ..graph import ToolGraph
from ..graph.labellers import RuleLabeller
from ..graph.records import Parameter
from ..ids import JsonValue
from ..models import ArgumentSource, GoldCall, Task, TaskKind, ToolCall, ToolChain, ToolSpec, Turn, split_qualified_name
from ..serialize import record_id
from .persona import fit_people, fit_places, persona_for
from .quality import coherence_problems
from .states import MemoryStates, WorldStates
from .values import MASKED_NAMES, values_at

__all__ = ["Grounded", "Grounder"]

_PERSON_THINGS = frozenset(
    {"customer", "contact", "applicant", "application", "traveler", "passenger", "patron", "user", "payee",
     "employee", "guest", "member", "profile", "reservation", "booking", "rental", "order", "shipment", "student",
     "attendee", "viewing", "hold", "enrollment"}
)  # fmt: skip
"""Objects of tools whose ``name`` is the name of the person they are for."""
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
    code: str = ""
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
    attempts: int = attrs.field(default=20, validator=attrs.validators.ge(1))
    restarts: int = attrs.field(default=3, validator=attrs.validators.ge(1))
    backtracks: int = attrs.field(default=6, validator=attrs.validators.ge(0))
    optional_rate: float = attrs.field(default=0.3, validator=[attrs.validators.ge(0.0), attrs.validators.le(1.0)])
    state_size: int | None = None
    min_prefix: int = attrs.field(default=2, validator=attrs.validators.ge(0))

    def ground(
        self,
        chain: ToolChain,
        *,
        environments: Mapping[str, Environment],
        states: WorldStates,
        seed: int,
        graph: ToolGraph | None = None,
        initial_states: Callable[[int], Mapping[str, Any] | None] | None = None,
    ) -> Grounded:
        """Ground ``chain``; ``initial_states(restart)`` may give the world state to start from
        (e.g. a story-consistent state an LLM wrote); otherwise the environments' seeded states."""
        missing = [name for name in chain.environments if name not in environments]
        if missing:
            return Grounded(
                task=None, code="environment_missing", reason=f"environment not installed: {', '.join(missing)}"
            )
        if not chain.tools:
            return Grounded(task=None, code="empty_chain", reason="empty chain")
        chosen = [environments[name] for name in chain.environments]
        outcome = Grounded(task=None, code="no_attempt", reason="no attempt was made")
        for restart in range(self.restarts):
            # A restart starts over on another seeded state: some worlds cannot serve a chain.
            world_seed = seed if restart == 0 else _restart_seed(seed, restart)
            rng = random.Random(f"ground:{record_id(chain)}:{world_seed}")
            probe = MemoryStates()
            given = initial_states(restart) if initial_states is not None else None

            def open_world(world_seed: int = world_seed, given: Mapping[str, Any] | None = given) -> World:
                return World.open(chosen, seed=world_seed, size=self.state_size, states=given)

            outcome = self._ground(chain, open_world, {env.name: env for env in chosen}, probe, rng, graph, world_seed)
            incoherent = coherence_problems(outcome.task) if outcome.task is not None else []
            if incoherent:
                # The values do not serve one goal (nothing shared, a write undone): try another world.
                code, reason = incoherent[0]
                outcome = Grounded(task=None, code=f"incoherent:{code}", reason=reason)
                continue
            if outcome.task is not None:
                for state in probe.states.values():
                    states.put(state)
                return outcome
        return outcome

    def _ground(
        self,
        chain: ToolChain,
        open_world: Callable[[], World],
        environments: Mapping[str, Environment],
        states: WorldStates,
        rng: random.Random,
        graph: ToolGraph | None,
        seed: int,
    ) -> Grounded:
        turns = chain.turns or (tuple(range(len(chain.tools))),)
        order = [step for turn in turns for step in turn]
        if order != sorted(order):
            return Grounded(task=None, code="bad_turns", reason="turns reorder the chain's steps")
        for step, qualified in enumerate(chain.tools):
            environment_name, tool_name = split_qualified_name(qualified)
            if tool_name not in environments[environment_name].tools:
                return Grounded(
                    task=None,
                    code="unknown_tool",
                    reason=f"step {step}: {qualified} is not a tool of {environment_name}",
                )
        labeller = RuleLabeller()
        tried: dict[int, set[str]] = {}
        gold_calls: list[GoldCall] = []
        backtracks = 0
        world = open_world()
        try:
            step = 0
            while step < len(chain.tools):
                found, detail = self._ground_step(
                    chain, step, world, environments, gold_calls, rng, graph, labeller, tried.setdefault(step, set())
                )
                if found is not None:
                    gold_calls.append(found)
                    step += 1
                    continue
                sources = sorted({binding.source_step for binding in chain.bindings if binding.target_step == step})
                if not sources or backtracks >= self.backtracks:
                    code, reason = detail
                    if self.min_prefix and step >= self.min_prefix:
                        break  # the world supports the chain's first steps: they make the task
                    return Grounded(
                        task=None, code=f"step_failed:{code}", reason=f"step {step} ({chain.tools[step]}) {reason}"
                    )
                # The values this step was given came from an earlier step's output: ground that step
                # again with other choices, on a world replayed up to just before it.
                backtracks += 1
                back = sources[-1]
                for later in range(back + 1, len(chain.tools)):
                    tried.pop(later, None)
                world.close()
                world = open_world()
                gold_calls = gold_calls[:back]
                for gold in gold_calls:
                    world.call_tool(gold.call)
                step = back
        finally:
            world.close()
        done = len(gold_calls)
        kept_turns = [tuple(index for index in turn if index < done) for turn in turns]
        task = self._task(
            chain, [turn for turn in kept_turns if turn], gold_calls, open_world, environments, states, seed
        )
        if done < len(chain.tools):
            task = task.with_changes(provenance={**task.provenance, "grounded_steps": f"{done} of {len(chain.tools)}"})
        return Grounded(task=task)

    def _ground_step(
        self,
        chain: ToolChain,
        step: int,
        world: World,
        environments: Mapping[str, Environment],
        done: Sequence[GoldCall],
        rng: random.Random,
        graph: ToolGraph | None,
        labeller: RuleLabeller,
        tried: set[str],
    ) -> tuple[GoldCall | None, tuple[str, str]]:
        qualified = chain.tools[step]
        environment_name, tool_name = split_qualified_name(qualified)
        environment = environments[environment_name]
        spec = environment.tools[tool_name].spec
        bound = {binding.target_argument: binding for binding in chain.bindings if binding.target_step == step}
        feeds = [binding for binding in chain.bindings if binding.source_step == step]
        outputs = [gold.output for gold in done]
        last_error, last_kind = "", ""
        for attempt in range(self.attempts):
            state = world.episodes[environment_name].state_view()
            arguments, sources, origins = self._arguments(
                spec, qualified, environment, state, bound, outputs, rng, graph, labeller, attempt, tried
            )
            user = {name for name, source in sources.items() if source == "user"}
            persona = persona_for(record_id(chain))
            if spec.effect == "write":
                # What a write records about the user is theirs; reads look up what the state holds.
                if attempt % 2 == 0:
                    named = bool(set(tool_name.split("_")[1:]) & _PERSON_THINGS)
                    fit_people(arguments, user, spec.parameters, persona, named=named)
                fit_places(arguments, user, spec.parameters, persona, rng)
            implausible = value_problems(arguments, now=environment.clock, effect=spec.effect, earlier=outputs)
            if implausible and attempt < self.attempts - 1:
                last_error, last_kind = "implausible values: " + "; ".join(implausible[:2]), "implausible"
                continue
            result = world.call(qualified, arguments)
            if result.ok and spec.effect == "read" and not _feeds_later(result.output, feeds):
                last_error, last_kind = "the output has nothing for the later steps to use", "empty_output"
                continue
            if result.ok:
                gold = GoldCall(
                    call=ToolCall(environment=environment_name, tool=tool_name, arguments=arguments),
                    output=result.output,
                    effect=spec.effect,
                    masked_arguments=tuple(sorted(_masked(spec) & set(arguments))),
                    sources=sources,
                    bindings=origins,
                )
                return gold, ("", "")
            assert result.error is not None
            last_error, last_kind = f"{result.error.kind}: {result.error.message}", result.error.kind
        return None, (last_kind, f"failed {self.attempts} times; last: {last_error}")

    def _task(
        self,
        chain: ToolChain,
        turns: Sequence[Sequence[int]],
        gold_calls: Sequence[GoldCall],
        open_world: Callable[[], World],
        environments: Mapping[str, Environment],
        states: WorldStates,
        seed: int,
    ) -> Task:
        """The task, with its world states at each turn's start and end from a fresh replay."""
        with open_world() as world:
            initial_id = states.put(world.state())
            boundaries: list[tuple[str, str]] = []
            start_id = initial_id
            for turn in turns:
                for index in turn:
                    world.call_tool(gold_calls[index].call)
                end_id = states.put(world.state())
                boundaries.append((start_id, end_id))
                start_id = end_id
        kind: TaskKind = "write" if any(call.effect == "write" for call in gold_calls) else "read"
        return Task(
            environments=tuple(sorted(environments)),
            gold_calls=tuple(gold_calls),
            turns=tuple(
                Turn(request="", calls=tuple(turn), initial_state_id=ids[0], gold_state_id=ids[1])
                for turn, ids in zip(turns, boundaries, strict=True)
            ),
            initial_state_id=initial_id,
            gold_state_id=boundaries[-1][1],
            kind=kind,
            answer_facts=tuple(_answer_facts(gold_calls[-1].output)) if kind == "read" else (),
            chain_id=record_id(chain),
            seed=seed,
            provenance={"sampler": chain.sampler, "grounder": f"core/{self.name}"},
        )

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
        attempt: int,
        tried: set[str],
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
            top, dot, child = target.partition(".")
            target_schema = properties.get(top, {}) if not dot else _child_schema(properties.get(top, {}), child)
            candidates = _fitting(candidates, target_schema)
            if not candidates:
                continue  # the earlier output has no fitting value: choose this argument like any other
            fresh = [value for value in candidates if f"bound:{target}:{value!r}" not in tried] or candidates
            value = rng.choice(fresh)
            tried.add(f"bound:{target}:{value!r}")
            if dot:
                nested.setdefault(top, {})[child] = value
            else:
                arguments[top] = value
            sources[top] = "binding"
            origins[target] = f"{binding.source_step}:{binding.source_field}"
        # Sibling values: columns of the rows the bound keys point at.
        siblings = _sibling_values(environment, state, arguments)
        generator = ArgumentGenerator(environment, future_only=spec.effect == "write")
        anchor = _anchor_row(environment, state, properties, required, arguments, rng, tried)
        # Optional arguments: cycle through sparser and fuller calls (some tools take one of several).
        optional_rate = self.optional_rate + (1 - self.optional_rate) * ((attempt % 4) / 3)
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
            include = rng.random() < (optional_rate if providable else max(0.0, optional_rate - 0.45))
            if not is_required and not include:
                continue
            # Ids and other values only the system knows come from the rows already chosen; values a
            # user states are looked up (reads) or mostly new (writes: a new title, new dates).
            related = siblings.get(name, anchor.get(name) if anchor is not None else None)
            if not providable and related is not None and _fitting([related], schema):
                arguments[name] = related
                sources[name] = "state"
            elif name in _SEARCH_NAMES and (phrase := _search_phrase(environment, state, rng)) is not None:
                arguments[name] = phrase
                sources[name] = "user"
            else:
                known = _column_values(environment, state, name, schema)
                structured = isinstance(schema, dict) and any(key in schema for key in ("pattern", "enum"))
                reuse = 0.9 if spec.effect == "read" or structured else min(0.9, 0.3 + 0.1 * attempt)
                if known and (not providable or rng.random() < reuse):
                    arguments[name] = rng.choice(known)
                    sources[name] = "state" if not providable else "user"
                else:
                    structured = isinstance(schema, dict) and schema.get("type") in ("array", "object")
                    arguments[name] = generator.value(
                        schema, rng, name=name, state=state if structured or not providable else None
                    )
                    sources[name] = "user"
        _order_pairs(arguments, sources, rng)
        return arguments, sources, origins


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


def _fits(value: JsonValue, schema: Any) -> bool:
    """A quick check that ``value`` has the schema's type and is one of its enum values."""
    if not isinstance(schema, dict):
        return True
    if isinstance(schema.get("enum"), list) and value not in schema["enum"]:
        return False
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind] if isinstance(kind, str) else []
    if not kinds:
        return True
    if isinstance(value, bool) and "boolean" not in kinds:
        return False
    return any(isinstance(value, _JSON_TYPES.get(each, (object,))) for each in kinds if each != "null") or (
        value is None and "null" in kinds
    )


def _fitting(candidates: Sequence[JsonValue], schema: Any) -> list[JsonValue]:
    """Candidates that fit ``schema``; a list candidate for a scalar argument gives its items."""
    fitting: list[JsonValue] = []
    for candidate in candidates:
        if isinstance(candidate, list) and isinstance(schema, dict) and schema.get("type") not in ("array", None):
            fitting.extend(item for item in candidate if _fits(item, schema))
        elif _fits(candidate, schema):
            fitting.append(candidate)
    return fitting


def _child_schema(schema: Any, child: str) -> Any:
    if not isinstance(schema, dict):
        return {}
    if schema.get("type") == "array":
        schema = schema.get("items", {})
    properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
    return properties.get(child, {}) if isinstance(properties, dict) else {}


def _restart_seed(seed: int, restart: int) -> int:
    return int.from_bytes(hashlib.sha256(f"restart:{seed}:{restart}".encode()).digest()[:4], "big")


_STARTS = ("start", "from", "check_in", "checkin", "arrival", "pickup", "begin", "since")
_ENDS = ("end", "to", "until", "check_out", "checkout", "departure", "dropoff", "return", "through")


def _role(name: str, roles: tuple[str, ...]) -> bool:
    parts = name.split("_")
    joined = name.replace("_", "")
    return any(role in parts or (("_" in role) and role.replace("_", "") in joined) for role in roles)


def _order_pairs(arguments: dict[str, JsonValue], sources: Mapping[str, str], rng: random.Random) -> None:
    """Make generated ranges sensible: an end a little after its start (1 to 7 days, or 1 to 3 hours).

    A start is an argument named like ``start_date``, ``check_in``, ``pickup_time``, ``from``;
    an end like ``end_date``, ``check_out``, ``return_date``, ``until``.
    """
    starts = [name for name, value in arguments.items() if isinstance(value, str) and _role(name, _STARTS)]
    ends = [
        name
        for name, value in arguments.items()
        if isinstance(value, str) and _role(name, _ENDS) and not _role(name, _STARTS) and sources.get(name) == "user"
    ]
    for end in ends:
        start = next((candidate for candidate in starts if candidate != end), None)
        if start is None:
            continue
        first = str(arguments[start])
        try:
            if "T" in first:
                moment = datetime.fromisoformat(first)
                arguments[end] = (moment + timedelta(hours=rng.randint(1, 3))).isoformat()
            else:
                day = date.fromisoformat(first)
                arguments[end] = (day + timedelta(days=rng.randint(1, 7))).isoformat()
        except ValueError:
            continue


def _feeds_later(output: JsonValue, feeds: Sequence[Any]) -> bool:
    """Whether ``output`` has a value for every later binding that reads it."""
    return all(any(value is not None for value in values_at(output, binding.source_field)) for binding in feeds)


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
    environment: Environment, state: Mapping[str, Mapping[str, Mapping[str, Any]]], name: str, schema: Any = None
) -> list[JsonValue]:
    """Existing values of columns called ``name`` (of its own table when it is a primary key), fit for ``schema``."""
    values: list[JsonValue] = []
    owners = [table for table in environment.state_schema.tables if table.primary_key == (name,)]
    for table in owners or environment.state_schema.tables:
        if any(column.name == name for column in table.columns):
            for row in state.get(table.name, {}).values():
                value = row.get(name)
                if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                    values.append(value)
    if isinstance(schema, dict) and isinstance(schema.get("enum"), list):
        values = [value for value in values if value in schema["enum"]]
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
    tried: set[str],
) -> dict[str, Any] | None:
    """A row whose primary key is a required, unbound argument; its columns fill other arguments.

    Rows already tried for this step are skipped while untried ones remain, so retries walk
    through different entities instead of drawing the same failing one again.
    """
    for name in sorted(required):
        if name in arguments or name not in properties:
            continue
        for table in environment.state_schema.tables:
            if table.primary_key == (name,):
                keys = sorted(state.get(table.name, {}))
                if not keys:
                    continue
                fresh = [key for key in keys if f"{table.name}:{key}" not in tried] or keys
                key = rng.choice(fresh)
                tried.add(f"{table.name}:{key}")
                return dict(state[table.name][key])
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
