"""Real export items for tests: tasks grounded on the SDK's example environments, offline.

Exporter tests (and RL adapter plugins' tests) need items that look like a run's: grounded tasks
with refined requests, oracle trajectories whose tool results are the environments' own, scored
by the paper's reward, with every world state at hand. :func:`example_export` makes a handful in
about a second, deterministically, from the ``bookshop`` and ``notes`` example environments.

Some trajectories are varied so formats meet what real agents produce: reasoning on assistant
messages, a failed call before the right one, and two calls in one assistant message::

    from envfactory_testing.export_items import example_export

    example = example_export(tasks=6)
    for item in example.items:
        ...

The module is also a plugin: ``register_environments`` registers the two example environments,
so a test can make them visible to code that looks environments up in the registry (a reward
function running inside a trainer) with ``ENVFACTORY_PLUGINS_DIR`` or ``inline_plugin``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs

from envfactory_core.env import Environment
from envfactory_core.env.examples import bookshop, notes
from envfactory_core.export import ExportItem, split_of
from envfactory_core.export.items import build_export_item, referenced_state_ids
from envfactory_core.graph import build_tool_graph, sample_chains
from envfactory_core.hookspecs import Register
from envfactory_core.models import (
    Binding,
    Message,
    MessageToolCall,
    Step,
    Task,
    ToolCall,
    ToolChain,
    Trajectory,
)
from envfactory_core.plugins import hookimpl, make_plugin_manager
from envfactory_core.registry import Registry
from envfactory_core.rewards.envfactory import EnvFactoryReward
from envfactory_core.rewards.state_diff import StateDiffReward
from envfactory_core.tasks import Grounder, ImplicitRefiner, MemoryStates, TaskContext, TemplateWriter
from envfactory_core.tasks.oracle import OracleAgent
from envfactory_core.tasks.replay import replay_calls
from envfactory_core.tasks.scoring import score_trajectory

__all__ = ["ExampleExport", "example_environments", "example_export", "register_environments", "write_run_store"]


def example_environments() -> dict[str, Environment]:
    """The SDK's example environments by name."""
    return {environment.name: environment for environment in (bookshop, notes)}


@hookimpl
def register_environments(register: Register) -> None:
    """Register the example environments (only when this module is loaded as a plugin)."""
    for environment in example_environments().values():
        register(environment)


@attrs.frozen(kw_only=True)
class ExampleExport:
    """Export items with the environments and states they came from."""

    environments: Mapping[str, Environment] = attrs.field(eq=False)
    states: MemoryStates = attrs.field(eq=False)
    tasks: tuple[Task, ...]
    trajectories: tuple[Trajectory | None, ...]
    items: tuple[ExportItem, ...]


WRITE_THEN_READ = (
    ToolChain(
        tools=("notes__create_note", "notes__get_note"),
        bindings=(Binding(source_step=0, source_field="note_id", target_step=1, target_argument="note_id"),),
        sampler="envfactory_testing/write_then_read",
    ),
)
"""The chain every example export starts with: a note created, then read back by its new id.

Sampled chains open with whatever the graph's topology gives (often a search); adapter tests need
one task whose first call writes a record the next call reads, to show each episode owns its world.
"""


def example_export(
    *,
    tasks: int = 6,
    seed: int = 0,
    validation_share: float = 0.34,
    variants: bool = True,
    without_trajectory: int = 0,
) -> ExampleExport:
    """``tasks`` grounded, refined, solved and scored tasks as export items.

    ``variants`` varies some trajectories (reasoning, a failed call, parallel calls);
    ``without_trajectory`` leaves the last that many tasks without a trajectory.
    """
    environments = example_environments()
    specs = {name: environment.spec for name, environment in environments.items()}
    registry = Registry(make_plugin_manager(load_entrypoints=False))  # built-ins only: hermetic
    graph = build_tool_graph(list(specs.values()), registry=registry)
    states = MemoryStates()
    rewards = (EnvFactoryReward(), StateDiffReward())
    found: list[Task] = []
    solved: list[Trajectory | None] = []
    chains = [*WRITE_THEN_READ, *sample_chains(graph, n=tasks * 4, seed=seed, registry=registry)]
    for index, chain in enumerate(chains):
        if len(found) == tasks:
            break
        grounded = Grounder().ground(chain, environments=environments, states=states, seed=seed * 1000 + index)
        if grounded.task is None:
            continue
        context = TaskContext(environments=environments, states=states)
        task = ImplicitRefiner().refine(TemplateWriter().write(grounded.task, context), context)
        trajectory = OracleAgent().solve(task, context)
        if variants and len(found) >= len(WRITE_THEN_READ):  # the fixed chains keep their plain oracle
            trajectory = _vary(task, trajectory, len(found) - len(WRITE_THEN_READ), environments, states)
        trajectory = score_trajectory(task, trajectory, rewards, context)
        found.append(task)
        solved.append(trajectory)
    if len(found) < tasks:
        raise RuntimeError(f"only {len(found)} of {tasks} example chains could be grounded; use a different seed")
    for index in range(len(solved) - without_trajectory, len(solved)):
        solved[index] = None
    items = tuple(
        build_export_item(
            task,
            trajectory,
            specs=specs,
            states=states.get,
            split=split_of(task.id, validation_share=validation_share, seed=seed),
        )
        for task, trajectory in zip(found, solved, strict=True)
    )
    return ExampleExport(
        environments=environments, states=states, tasks=tuple(found), trajectories=tuple(solved), items=items
    )


def write_run_store(example: ExampleExport, run_dir: str | Path) -> Path:
    """Record ``example`` in a run store as a pipeline run would: environments, kept items, states.

    Returns the run directory; ``envfactory export RUN_DIR`` and
    :func:`~envfactory_core.export.items.items_from_store` read it like any run.
    """
    from envfactory_core.serialize import record_id
    from envfactory_core.store import RunStore
    from envfactory_core.store.pipeline import PipelineStore
    from envfactory_core.store.records import ItemResult

    directory = Path(run_dir)
    with RunStore(directory) as store:
        pipeline = PipelineStore(store)
        for name, environment in sorted(example.environments.items()):
            spec = environment.spec
            pipeline.save_environment(name, spec.domain, record_id(spec), spec, True, {"checks": []})
        for index, (task, trajectory) in enumerate(zip(example.tasks, example.trajectories, strict=True)):
            wanted = referenced_state_ids(task, trajectory)
            pipeline.save_item(
                ItemResult(
                    index=index,
                    chain_id=task.chain_id,
                    status="kept",
                    task=task,
                    trajectory=trajectory,
                    states={state_id: example.states.get(state_id) for state_id in wanted},
                )
            )
    return directory


def _vary(
    task: Task, trajectory: Trajectory, number: int, environments: Mapping[str, Environment], states: MemoryStates
) -> Trajectory:
    messages = list(trajectory.messages)
    steps = list(trajectory.steps)
    if number % 2 == 1:
        messages = [_with_reasoning(message, index) for index, message in enumerate(messages)]
    if number % 3 == 1:
        messages, steps = _with_failed_call(task, messages, steps, environments, states)
    if number % 3 == 2:
        messages = _with_parallel_calls(messages)
    return trajectory.with_changes(messages=tuple(messages), steps=tuple(steps))


def _with_reasoning(message: Message, index: int) -> Message:
    if message.role != "assistant":
        return message
    thought = (
        f"I should call {message.tool_calls[0].name} next (step {index})."
        if message.tool_calls
        else "Everything asked for is done; I will summarise."
    )
    return attrs.evolve(message, reasoning=thought)


def _with_failed_call(
    task: Task,
    messages: list[Message],
    steps: list[Step],
    environments: Mapping[str, Environment],
    states: MemoryStates,
) -> tuple[list[Message], list[Step]]:
    """Insert a call with no arguments (refused by the schema) before the first real call."""
    first = next((i for i, m in enumerate(messages) if m.role == "assistant" and m.tool_calls), None)
    if first is None or not task.gold_calls or not task.gold_calls[0].call.arguments:
        return messages, steps
    gold = task.gold_calls[0].call
    call = ToolCall(environment=gold.environment, tool=gold.tool, arguments={})
    result = replay_calls(environments, states.get(task.initial_state_id), [call]).results[0]
    if result.ok:  # the tool needs no argument, so this would not be a mistake
        return messages, steps
    failed = [
        Message(
            role="assistant",
            content="Let me try that.",
            tool_calls=(MessageToolCall(id="call_0", name=call.qualified_name, arguments={}),),
        ),
        Message(
            role="tool",
            tool_call_id="call_0",
            name=call.qualified_name,
            content=json.dumps(result.as_payload(), ensure_ascii=False, sort_keys=True),
        ),
    ]
    return messages[:first] + failed + messages[first:], [Step(call=call, result=result), *steps]


def _with_parallel_calls(messages: Sequence[Message]) -> list[Message]:
    """Merge the first two back-to-back single calls into one assistant message with two calls."""
    out = list(messages)
    for i in range(len(out) - 3):
        a, ra, b, rb = out[i : i + 4]
        if (
            a.role == "assistant"
            and len(a.tool_calls) == 1
            and ra.role == "tool"
            and b.role == "assistant"
            and len(b.tool_calls) == 1
            and rb.role == "tool"
        ):
            merged = attrs.evolve(a, tool_calls=(a.tool_calls[0], b.tool_calls[0]))
            return [*out[:i], merged, ra, rb, *out[i + 4 :]]
    return out
