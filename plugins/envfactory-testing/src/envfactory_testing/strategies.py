"""Hypothesis strategies for JSON values and for every envfactory record.

Plugin authors use them for their own property tests::

    from envfactory_testing.strategies import records

    @given(records(Task))
    def test_my_exporter_keeps_every_task(task): ...
"""

from __future__ import annotations

from typing import Any, TypeVar

from hypothesis import strategies as st

from envfactory_core.ids import JsonValue
from envfactory_core.models import (
    Binding,
    Check,
    ColumnSpec,
    EnvironmentSpec,
    GoldCall,
    Message,
    MessageToolCall,
    Provenance,
    Resource,
    RewardResult,
    RowChange,
    StateDiff,
    StateSchema,
    Step,
    TableSpec,
    Task,
    ToolCall,
    ToolChain,
    ToolFailure,
    ToolResult,
    ToolSpec,
    Trajectory,
    Turn,
    VerificationReport,
)

__all__ = ["identifiers", "json_objects", "json_values", "records", "text"]

T = TypeVar("T")

identifiers = st.from_regex(r"\A[a-z][a-z0-9_]{0,15}\Z", fullmatch=True)
text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
finite_floats = st.floats(allow_nan=False, allow_infinity=False, width=64)

json_scalars: st.SearchStrategy[JsonValue] = (
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | finite_floats | text
)
json_values: st.SearchStrategy[JsonValue] = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
    max_leaves=12,
)
json_objects: st.SearchStrategy[dict[str, JsonValue]] = st.dictionaries(text, json_values, max_size=4)


def _schema() -> st.SearchStrategy[dict[str, JsonValue]]:
    properties = st.dictionaries(
        identifiers, st.sampled_from([{"type": "string"}, {"type": "integer"}, {"type": "number"}]), max_size=4
    )
    return properties.flatmap(
        lambda props: (
            st.lists(st.sampled_from(sorted(props)), unique=True).map(
                lambda required: {"type": "object", "properties": props, "required": required}
            )
            if props
            else st.just({"type": "object", "properties": {}})
        )
    )


provenances = st.builds(Provenance, source=text, url=text, license=text, generator=text, notes=text)
tool_specs = st.builds(
    ToolSpec,
    name=identifiers,
    description=text,
    input_schema=_schema(),
    output_schema=st.none() | _schema(),
    effect=st.sampled_from(["read", "write"]),
    masked_arguments=st.lists(identifiers, max_size=2).map(tuple),
)
column_specs = st.builds(
    ColumnSpec,
    name=identifiers,
    type=st.sampled_from(["text", "integer", "real", "boolean", "json"]),
    nullable=st.booleans(),
    description=text,
)
table_specs = st.lists(column_specs, min_size=1, max_size=4, unique_by=lambda c: c.name).flatmap(
    lambda columns: st.builds(
        TableSpec,
        name=identifiers,
        primary_key=st.just((columns[0].name,)),
        columns=st.just(tuple(columns)),
        description=text,
    )
)
state_schemas = st.builds(StateSchema, tables=st.lists(table_specs, max_size=3, unique_by=lambda t: t.name).map(tuple))
environment_specs = st.builds(
    EnvironmentSpec,
    name=identifiers,
    domain=identifiers,
    description=text,
    tools=st.lists(tool_specs, max_size=3, unique_by=lambda t: t.name).map(tuple),
    state_schema=state_schemas,
    policy=text,
    provenance=provenances,
    overlaps=st.lists(text, max_size=2).map(tuple),
    evaluation_only=st.booleans(),
    trusted=st.booleans(),
)
resources = st.builds(
    Resource, kind=identifiers, name=text, uri=text, media_type=text, text=text, provenance=provenances
)
tool_calls = st.builds(ToolCall, environment=identifiers, tool=identifiers, arguments=json_objects)
tool_failures = st.builds(
    ToolFailure,
    kind=st.sampled_from(
        ["unknown_tool", "invalid_arguments", "tool_error", "crash", "timeout", "limit", "sandbox_violation"]
    ),
    message=text,
    argument=text,
    expected=text,
)
tool_results = st.one_of(
    st.builds(ToolResult, ok=st.just(True), output=json_values),
    st.builds(ToolResult, ok=st.just(False), error=tool_failures),
)
bindings = st.integers(0, 5).flatmap(
    lambda source: st.builds(
        Binding,
        source_step=st.just(source),
        source_field=text,
        target_step=st.integers(source + 1, 6),
        target_argument=text,
    )
)
tool_chains = st.lists(identifiers.map(lambda name: f"env__{name}"), min_size=7, max_size=8).flatmap(
    lambda tools: st.builds(
        ToolChain,
        tools=st.just(tuple(tools)),
        bindings=st.lists(bindings, max_size=3).map(tuple),
        turns=st.just((tuple(range(len(tools))),)),
        seed=st.integers(0, 2**31),
        sampler=text,
        valid=st.booleans(),
        problems=st.lists(text, max_size=2).map(tuple),
    )
)
gold_calls = st.builds(
    GoldCall,
    call=tool_calls,
    output=json_values,
    effect=st.sampled_from(["read", "write"]),
    masked_arguments=st.lists(identifiers, max_size=2).map(tuple),
    sources=st.dictionaries(identifiers, st.sampled_from(["user", "binding", "state", "default"]), max_size=3),
    bindings=st.dictionaries(identifiers, text, max_size=2),
)


def _tasks() -> st.SearchStrategy[Task]:
    def build(calls: list[GoldCall]) -> st.SearchStrategy[Task]:
        turn = st.builds(
            Turn,
            request=text,
            raw_request=text,
            user_intent=text,
            calls=st.just(tuple(range(len(calls)))),
            initial_state_id=text,
            gold_state_id=text,
        )
        return st.builds(
            Task,
            environments=st.lists(identifiers, min_size=1, max_size=3).map(tuple),
            gold_calls=st.just(tuple(calls)),
            turns=st.lists(turn, min_size=1, max_size=2).map(tuple),
            initial_state_id=text,
            gold_state_id=text,
            kind=st.sampled_from(["write", "read"]),
            answer_facts=st.lists(text, max_size=2).map(tuple),
            chain_id=text,
            seed=st.integers(0, 2**31),
            story=text,
            evaluation=st.booleans(),
            provenance=st.dictionaries(identifiers, text, max_size=3),
        )

    return st.lists(gold_calls, min_size=1, max_size=3).flatmap(build)


message_tool_calls = st.builds(MessageToolCall, id=text, name=identifiers, arguments=json_objects)
messages = st.builds(
    Message,
    role=st.sampled_from(["system", "user", "assistant", "tool"]),
    content=text,
    tool_calls=st.lists(message_tool_calls, max_size=2).map(tuple),
    tool_call_id=text,
    name=text,
    reasoning=text,
)
steps = st.builds(Step, call=tool_calls, result=tool_results)
reward_results = st.builds(
    RewardResult,
    reward=text,
    score=st.floats(0, 1),
    components=st.dictionaries(identifiers, st.floats(0, 1), max_size=3),
    explanation=text,
)
trajectories = st.builds(
    Trajectory,
    task_id=text,
    agent=text,
    messages=st.lists(messages, max_size=4).map(tuple),
    steps=st.lists(steps, max_size=3).map(tuple),
    final_state_id=text,
    attempt=st.integers(0, 8),
    format_errors=st.integers(0, 3),
    rewards=st.lists(reward_results, max_size=2).map(tuple),
    usage=st.dictionaries(identifiers, st.integers(0, 10**6), max_size=3),
    metadata=json_objects,
)
checks = st.builds(Check, name=text, passed=st.booleans(), detail=text)
reports = st.builds(VerificationReport, subject=text, verifier=text, checks=st.lists(checks, max_size=4).map(tuple))
row_changes = st.builds(
    RowChange,
    table=identifiers,
    key=text,
    change=st.sampled_from(["added", "removed", "changed"]),
    before=st.none() | json_objects,
    after=st.none() | json_objects,
    fields=st.lists(identifiers, max_size=3).map(tuple),
    environment=identifiers,
)
state_diffs = st.builds(StateDiff, changes=st.lists(row_changes, max_size=3).map(tuple))

_BY_TYPE: dict[type, st.SearchStrategy[Any]] = {
    Binding: bindings,
    Check: checks,
    ColumnSpec: column_specs,
    EnvironmentSpec: environment_specs,
    GoldCall: gold_calls,
    Message: messages,
    MessageToolCall: message_tool_calls,
    Provenance: provenances,
    Resource: resources,
    RewardResult: reward_results,
    RowChange: row_changes,
    StateDiff: state_diffs,
    StateSchema: state_schemas,
    Step: steps,
    TableSpec: table_specs,
    Task: _tasks(),
    ToolCall: tool_calls,
    ToolChain: tool_chains,
    ToolFailure: tool_failures,
    ToolResult: tool_results,
    ToolSpec: tool_specs,
    Trajectory: trajectories,
    Turn: st.builds(
        Turn, request=text, raw_request=text, user_intent=text, calls=st.lists(st.integers(0, 5)).map(tuple)
    ),
    VerificationReport: reports,
}


def records(cls: type[T]) -> st.SearchStrategy[T]:
    """A strategy for instances of the record class ``cls``."""
    try:
        return _BY_TYPE[cls]
    except KeyError:
        raise KeyError(
            f"no strategy for {cls.__name__}; known: {', '.join(sorted(t.__name__ for t in _BY_TYPE))}"
        ) from None
