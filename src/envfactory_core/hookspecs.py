"""The hooks a plugin may implement.

Contribution hooks take a ``register`` callable and return nothing: the plugin calls
``register(component)`` (or ``register(component, name="short_name")``) once per component. The core
names each component ``namespace/name``, where the namespace is the plugin's entry-point name
(``core`` for built-ins), records which distribution and version provided it, and refuses
duplicates.

Resolution hooks pick one answer and stop at the first plugin that gives one
(``firstresult``).

Hooks grow by new keyword arguments, never by renaming; an implementation may accept any subset of
a hook's arguments.

Write a plugin::

    from envfactory_core import hookimpl

    @hookimpl
    def register_verifiers(register):
        register(MyVerifier(), name="my_check")

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
    """Register resource loaders: read a source (OpenAPI, metadata JSON, sketch, MCP listing)
    into ``Resource`` records and draft ``EnvironmentSpec`` values."""


@hookspec(firstresult=True)
def resolve_resource_loader(source: str) -> str | None:
    """Name the resource loader (``namespace/name``) that can read ``source``, a path or URL.

    Stops at the first non-None result. Return None when the plugin does not recognise the source.
    """


@hookspec
def register_environment_builders(register: Register) -> None:
    """Register environment builders: turn a draft spec into an executable environment."""


@hookspec
def register_environments(register: Register) -> None:
    """Register ready environments (``envfactory_core.env.Environment`` objects)."""


@hookspec
def register_verifiers(register: Register) -> None:
    """Register verifiers: checks on environments, tasks or trajectories that return a
    ``VerificationReport`` and never raise for a failed check."""


# --- tool graph and sampling -----------------------------------------------------------------


@hookspec
def register_linkers(register: Register) -> None:
    """Register data-flow linkers: decide which tool outputs can feed which tool inputs."""


@hookspec
def register_labellers(register: Register) -> None:
    """Register labellers: decide which input parameters a user can provide in a request."""


@hookspec
def register_embedders(register: Register) -> None:
    """Register embedders: turn texts into vectors for linkers that compare meanings."""


@hookspec
def register_samplers(register: Register) -> None:
    """Register tool-chain samplers that walk the tool graph."""


# --- tasks, agents, rewards ------------------------------------------------------------------


@hookspec
def register_refiners(register: Register) -> None:
    """Register query writers and refiners: write a user request for a grounded chain, or
    rewrite one to carry implicit intent."""


@hookspec
def register_agents(register: Register) -> None:
    """Register agents (rollout policies) that solve tasks against live episodes."""


@hookspec
def register_rewards(register: Register) -> None:
    """Register rewards: score a trajectory against its task's gold calls and gold state."""


@hookspec
def register_exporters(register: Register) -> None:
    """Register exporters that write tasks and trajectories as training data files."""


# --- infrastructure --------------------------------------------------------------------------


@hookspec
def register_llm_backends(register: Register) -> None:
    """Register LLM backends (chat with tools, embeddings) under a model-id prefix."""


@hookspec
def register_executors(register: Register) -> None:
    """Register executors that run pipeline work items (local, distributed)."""


@hookspec
def register_stages(register: Register) -> None:
    """Register pipeline stage components (ground, gate, collect, ...)."""


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add commands or command groups to the ``envfactory`` command line."""
