"""Built-in plugin: the tool graph's linkers, labeller, embedder, samplers and the ``graph`` commands."""

from __future__ import annotations

import click

from ..cli.lazy import LazyCommand
from ..hookspecs import Register
from ..plugins import hookimpl


@hookimpl
def register_linkers(register: Register) -> None:
    from ..graph import EmbeddingLinker, LexicalLinker

    register(LexicalLinker())
    register(EmbeddingLinker())


@hookimpl
def register_labellers(register: Register) -> None:
    from ..graph import RuleLabeller

    register(RuleLabeller())


@hookimpl
def register_embedders(register: Register) -> None:
    from ..graph import HashedNgramEmbedder

    register(HashedNgramEmbedder())


@hookimpl
def register_samplers(register: Register) -> None:
    from ..graph import CoverageSampler, RandomWalkSampler, TopologySampler

    register(TopologySampler())
    register(RandomWalkSampler())
    register(CoverageSampler())


@hookimpl
def register_commands(cli: click.Group) -> None:
    cli.add_command(
        LazyCommand(
            "graph",
            "envfactory_core.cli.graph:graph_group",
            summary="Build, inspect, sample and export the tool graph.",
            plugin="core.graph",
        )
    )
