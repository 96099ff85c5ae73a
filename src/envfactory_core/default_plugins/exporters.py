"""Built-in plugin: the exporters (JSONL, HF messages, OpenAI FT, LlamaFactory) and `envfactory export`.

The verl RL exporter (``verl/verl``) comes with the verl adapter, ``envfactory-verl``.
"""

from __future__ import annotations

import click

from ..cli.lazy import LazyCommand
from ..hookspecs import Register
from ..plugins import hookimpl


@hookimpl
def register_exporters(register: Register) -> None:
    from ..export.canonical import CanonicalJsonl
    from ..export.llamafactory import LlamaFactoryExporter
    from ..export.messages import MessagesJsonl
    from ..export.openai_ft import OpenAIFineTune

    register(CanonicalJsonl())
    register(MessagesJsonl())
    register(OpenAIFineTune())
    register(LlamaFactoryExporter())


@hookimpl
def register_commands(cli: click.Group) -> None:
    cli.add_command(
        LazyCommand(
            "export",
            "envfactory_core.cli.export:export_command",
            summary="Export the kept tasks of the run in RUN as training data in one format.",
            plugin="core.exporters",
        )
    )
