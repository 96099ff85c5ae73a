"""The hooks a plugin may implement.

Contribution hooks take a ``register`` callable and return nothing: the plugin calls
``register(component)`` (or ``register(component, name="short_name")``) once per component. The core
names each component ``namespace/name``, where the namespace is the plugin's entry-point name
(``core`` for built-ins), records which distribution and version provided it, and refuses
duplicates.

Resolution hooks pick one answer and stop at the first plugin that gives one
(``firstresult``).

Each contribution hook contributes one kind of component; what a component of that kind must do is
its contract in :mod:`envfactory_core.contracts` (named in each hook's docstring).

Hooks grow by new keyword arguments, never by renaming; an implementation may accept any subset of
a hook's arguments.

Write a plugin::

    from envfactory_core import hookimpl

    @hookimpl
    def register_environment_checks(register):
        register(MyCheck(), name="my_check")

and publish it under the ``envfactory`` entry-point group::

    [project.entry-points.envfactory]
    mine = "my_package.plugin"
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import pluggy

if TYPE_CHECKING:
    import click

__all__ = ["Register", "hookspec"]

hookspec = pluggy.HookspecMarker("envfactory")


class Register(Protocol):
    """The callable contribution hooks receive."""

    def __call__(self, component: Any, *, name: str | None = None) -> None:
        """Register ``component`` under ``name`` (default: its ``name`` attribute)."""


# --- building environments -------------------------------------------------------------------


@hookspec
def register_resource_loaders(register: Register) -> None:
    """Register resource loaders (``ResourceLoader``): read a source (OpenAPI, metadata JSON, sketch,
    MCP listing) into ``Resource`` records and draft ``EnvironmentSpec`` values."""


@hookspec(firstresult=True)
def resolve_resource_loader(source: str) -> str | None:
    """Name the resource loader (``namespace/name``) that can read ``source``, a path or URL.

    Stops at the first non-None result. Return None when the plugin does not recognise the source.
    """


@hookspec
def register_environment_builders(register: Register) -> None:
    """Register environment builders (``EnvironmentBuilder``): turn a draft spec into environment code."""


@hookspec
def register_environments(register: Register) -> None:
    """Register ready environments (``envfactory_core.env.Environment`` objects) for every command to use."""


@hookspec
def register_environment_checks(register: Register) -> None:
    """Register environment checks (``EnvironmentCheck``): run checks on an environment (conformance,
    scenario tests) and return a ``VerificationReport``, never raising for a failed check. The
    pipeline's verify stage and ``envfactory envs verify`` keep environments that pass."""


@hookspec
def register_environment_sources(register: Register) -> None:
    """Register environment sources (``EnvironmentSource``): pick the environments a pipeline run works
    on (the pipeline's environments stage)."""


# --- tool graph and sampling -----------------------------------------------------------------


@hookspec
def register_linkers(register: Register) -> None:
    """Register data-flow linkers (``Linker``): decide which tool outputs can feed which tool inputs."""


@hookspec
def register_labellers(register: Register) -> None:
    """Register labellers (``Labeller``): decide which input parameters a user can provide in a request."""


@hookspec
def register_embedders(register: Register) -> None:
    """Register embedders (``Embedder``): turn texts into vectors for linkers that compare meanings."""


@hookspec
def register_graph_builders(register: Register) -> None:
    """Register graph builders (``GraphBuilder``): build the tool graph over a run's environments with
    the linker and labeller they name (the pipeline's graph stage)."""


@hookspec
def register_samplers(register: Register) -> None:
    """Register tool-chain samplers (``Sampler``) that walk the tool graph from a seed."""


# --- tasks -----------------------------------------------------------------------------------


@hookspec
def register_stories(register: Register) -> None:
    """Register stories (``Story``): write the persona and situation behind a sampled chain (the
    pipeline's story stage)."""


@hookspec
def register_seed_states(register: Register) -> None:
    """Register seed states (``SeedState``): write the initial world state a chain is grounded on (the
    pipeline's world stage)."""


@hookspec
def register_grounders(register: Register) -> None:
    """Register grounders (``ChainGrounder``): execute a sampled chain on a world to get a task's gold
    calls and gold final state (the pipeline's ground stage)."""


@hookspec
def register_writers(register: Register) -> None:
    """Register query writers (``Writer``): write the user request of a grounded task (the pipeline's
    write stage)."""


@hookspec
def register_refiners(register: Register) -> None:
    """Register refiners (``Refiner``): rewrite a written request to carry implicit intent while
    staying solvable (the pipeline's refine stage)."""


@hookspec
def register_task_gates(register: Register) -> None:
    """Register task gates (``TaskGate``): check that a task is meaningful before it ships and return a
    ``VerificationReport``, never raising for a failed check (the pipeline's gate stage)."""


# --- agents, rewards, export -----------------------------------------------------------------


@hookspec
def register_agents(register: Register) -> None:
    """Register agents (``Agent``, rollout policies) that solve tasks against live episodes."""


@hookspec
def register_rewards(register: Register) -> None:
    """Register rewards (``Reward``): score a trajectory against its task's gold calls and gold state."""


@hookspec
def register_exporters(register: Register) -> None:
    """Register exporters (``Exporter``) that write tasks and trajectories as training data files."""


# --- infrastructure --------------------------------------------------------------------------


@hookspec
def register_llm_backends(register: Register) -> None:
    """Register LLM backends (``LLMBackend``: chat with tools, embeddings) under a model-id prefix."""


@hookspec
def register_executors(register: Register) -> None:
    """Register executors (``Executor``) that run pipeline work items (local, distributed)."""


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add commands or command groups to the ``envfactory`` command line."""
