"""``llm/seed_state``: a story-consistent initial state for each environment of a chain.

As in the paper (§5.2 step 2) the states are written one environment at a time, each prompt
showing the story and the states already written, so one person, one set of names and addresses
runs through all of them. Each answer is validated by loading it into the environment: the
schema check (:class:`~envfactory_core.env.state.StateError` lists every problem), an episode
opened at the state reproducing it exactly, a row limit, and **cross-environment references**: a
column named like another environment's primary key (``customer_id`` where another environment
has a ``customers`` table keyed by it) must point at rows that exist there, in both directions.
Problems go back to the model; after ``max_attempts`` the chain is dropped
(``world: seed_state_invalid``) or, with ``fallback_to_seed``, grounded on the seeded states.

The grounder asks again with ``attempt`` = its restart number when a state cannot serve the chain;
the attempt number is part of each request, so a restart gets a new state instead of the cached one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from ..env import Environment, hash_state
from ..env.state import StateError
from ..graph._text import name_tokens
from ..llm.records import ChatResponse
from ..models import ToolChain, split_qualified_name
from ..tasks.context import DropTask, TaskContext
from .base import LLMComponent
from .exchange import AttemptsExhausted, ask
from .parsing import OutputProblem, json_in
from .render import example_rows, schema_text, tool_lines, world_state_text
from .runtime import client_for
from .tally import note_fallback

__all__ = ["LLMSeedState", "reference_problems"]

State = dict[str, dict[str, dict[str, Any]]]


def _key_name(column: str, table: str) -> str:
    tokens = name_tokens(column)
    if tokens == ("id",):
        tokens = (*name_tokens(table)[-1:], "id")
    return "_".join(tokens)


def _owned(environment: Environment, state: Mapping[str, Mapping[str, Any]]) -> dict[str, tuple[str, set[str]]]:
    """Key name → (table, key values) for each single-column primary key of ``environment``."""
    owned: dict[str, tuple[str, set[str]]] = {}
    for table in environment.spec.state_schema.tables:
        if len(table.primary_key) == 1:
            owned[_key_name(table.primary_key[0], table.name)] = (table.name, set(state.get(table.name, {})))
    return owned


def _references(
    environment: Environment, state: Mapping[str, Mapping[str, Any]], key: str
) -> list[tuple[str, str, str]]:
    """``(table, column, value)`` for every value of a non-key column of ``environment`` named like ``key``."""
    found: list[tuple[str, str, str]] = []
    for table in environment.spec.state_schema.tables:
        for column in table.columns:
            if column.name in table.primary_key or "_".join(name_tokens(column.name)) != key:
                continue
            for row in state.get(table.name, {}).values():
                value = row.get(column.name)
                values = value if isinstance(value, list) else [value]
                found.extend(
                    (table.name, column.name, str(item))
                    for item in values
                    if isinstance(item, (str, int)) and not isinstance(item, bool)
                )
    return found


def reference_problems(
    name: str,
    state: Mapping[str, Mapping[str, Any]],
    others: Mapping[str, Mapping[str, Any]],
    environments: Mapping[str, Environment],
) -> list[str]:
    """References between ``state`` (of environment ``name``) and the states already written that
    point at rows that do not exist, in both directions."""
    problems: list[str] = []
    environment = environments[name]
    own_keys = set(_owned(environment, state))
    for other_name, other_state in others.items():
        other = environments[other_name]
        other_owned = _owned(other, other_state)
        for key, (table, values) in other_owned.items():
            if key in own_keys:
                continue  # both have their own: ids of one are no use to the other
            for ref_table, column, value in _references(environment, state, key):
                if value not in values:
                    problems.append(
                        f"{ref_table}.{column} = {value!r} refers to {other_name}.{table}, which has no such row "
                        f"(it has: {', '.join(sorted(values)[:8]) or 'none'})"
                    )
        for key, (table, values) in _owned(environment, state).items():
            if key in other_owned:
                continue
            for ref_table, column, value in _references(other, other_state, key):
                if value not in values:
                    problems.append(
                        f"the data of {other_name} refers to {table} {value!r} ({ref_table}.{column}); "
                        f"add that row to {table}"
                    )
    return problems


@attrs.frozen(kw_only=True)
class LLMSeedState(LLMComponent):
    """Write a story-consistent initial state per environment, validated by loading it; used by the world stage."""

    stage: ClassVar[str] = "world"
    name: str = "seed_state"
    description: str = "LLM state designer: story-consistent initial states, validated by loading them into episodes."
    max_rows: int = attrs.field(default=8, validator=attrs.validators.ge(1))
    fallback_to_seed: bool = False
    max_context_chars: int = attrs.field(default=8000, validator=attrs.validators.ge(200))

    def initial_state(self, chain: ToolChain, context: TaskContext, *, attempt: int = 0) -> State | None:
        """The world state ``{environment: state}`` for ``chain``; None means "use the seeded states"."""
        client = client_for(context.llm)
        world: State = {}
        for name in chain.environments:
            environment = context.environments[name]
            try:
                world[name] = ask(client, self._exchange(chain, context, environment, world, attempt))
            except AttemptsExhausted as error:
                if self.fallback_to_seed:
                    note_fallback("llm/seed_state: the seeded states instead of the LLM's (chains)")
                    return None
                raise DropTask("seed_state_invalid", f"{name}: {error}") from None
        return world

    def _exchange(
        self, chain: ToolChain, context: TaskContext, environment: Environment, written: State, attempt: int
    ) -> Any:
        name = environment.name

        def parse(response: ChatResponse) -> dict[str, dict[str, Any]]:
            data = json_in(response.text, "state")
            if not isinstance(data, dict):
                raise OutputProblem(f"the state must be a JSON object of tables, got {type(data).__name__}")
            crowded = [
                f"{table} has {len(rows)}"
                for table, rows in data.items()
                if isinstance(rows, (list, dict)) and len(rows) > self.max_rows
            ]
            if crowded:
                raise OutputProblem(f"at most {self.max_rows} rows per table: {', '.join(crowded)}")
            try:
                canonical = environment.load_state(data)
            except StateError as error:
                listed = "\n".join(f"- {problem}" for problem in error.problems[:20])
                more = f"\n(and {len(error.problems) - 20} more)" if len(error.problems) > 20 else ""
                raise OutputProblem(f"the data does not fit the schema of {name}:\n{listed}{more}") from None
            with environment.episode(state=data) as episode:
                if episode.state_hash() != hash_state(canonical):
                    raise OutputProblem(f"the data of {name} does not load back unchanged; write plain values")
            if not any(canonical.values()):
                raise OutputProblem("the state is empty: write the rows the story and the user's actions need")
            problems = reference_problems(name, canonical, written, context.environments)
            if problems:
                listed = "\n".join(f"- {problem}" for problem in problems[:12])
                raise OutputProblem(f"references between services do not match:\n{listed}")
            return canonical

        tools = [tool for tool in chain.tools if split_qualified_name(tool)[0] == name]
        return self.exchange(
            "seed_state",
            parse,
            what=f"state of {name}",
            seed=context.seed + attempt,
            sample=attempt,
            json_mode=False,
            max_rows=self.max_rows,
            story=context.story or "(no story: invent a plausible user and situation)",
            environment=name,
            description=environment.description.strip(),
            now=environment.spec.now,
            schema=schema_text(environment),
            example=example_rows(environment),
            tools=tool_lines(context.environments, tools),
            others=world_state_text(written, limit=self.max_context_chars) if written else "(none)",
        )
