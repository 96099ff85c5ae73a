"""Built-in plugin: the LLM layer and LLM-powered synthesis.

Its components live in namespace ``llm``: the synthesis components (``llm/story``,
``llm/seed_state``, ``llm/writer``, ``llm/refiner``, ``llm/agent``, ``llm/user``, ``llm/judge``,
``llm/labeller``, ``llm/edges``). It also adds the ``envfactory llm`` commands. Vendor backends are
separate plugins (``envfactory-openai``, ``envfactory-anthropic``); the prompt reference page comes
from ``envfactory-docs``; the scripted fake backend is a test double that the test kit registers
(:mod:`envfactory_testing.plugin`).
"""

from __future__ import annotations

import click

from ..cli.lazy import LazyCommand
from ..hookspecs import Register
from ..plugins import hookimpl

ENVFACTORY_NAMESPACE = "llm"


@hookimpl
def register_stories(register: Register) -> None:
    from ..synthesis import LLMStory

    register(LLMStory())


@hookimpl
def register_seed_states(register: Register) -> None:
    from ..synthesis import LLMSeedState

    register(LLMSeedState())


@hookimpl
def register_writers(register: Register) -> None:
    from ..synthesis import LLMWriter

    register(LLMWriter())


@hookimpl
def register_refiners(register: Register) -> None:
    from ..synthesis import LLMRefiner

    register(LLMRefiner())


@hookimpl
def register_agents(register: Register) -> None:
    from ..synthesis import LLMAgent, LLMUser

    register(LLMAgent())
    register(LLMUser())


@hookimpl
def register_rewards(register: Register) -> None:
    from ..synthesis import LLMJudge

    register(LLMJudge())


@hookimpl
def register_labellers(register: Register) -> None:
    from ..synthesis import LLMLabeller

    register(LLMLabeller())


@hookimpl
def register_linkers(register: Register) -> None:
    from ..synthesis import LLMEdges

    register(LLMEdges())


@hookimpl
def register_commands(cli: click.Group) -> None:
    cli.add_command(
        LazyCommand(
            "llm",
            "envfactory_core.cli.llm:llm_group",
            summary="Configured LLM backends, a test request, and what a run spent on LLM calls.",
            plugin="core.llm",
        )
    )
