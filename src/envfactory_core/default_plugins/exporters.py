"""Built-in plugin: the exporters (JSONL, HF messages, OpenAI FT, LlamaFactory, verl) and `envfactory export`."""

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
    from ..export.verl import VerlExporter

    register(CanonicalJsonl())
    register(MessagesJsonl())
    register(OpenAIFineTune())
    register(LlamaFactoryExporter())
    register(VerlExporter())


@hookimpl
def register_commands(cli: click.Group) -> None:
    cli.add_command(
        LazyCommand(
            "export",
            "envfactory_core.cli.export:export_command",
            summary="Export the kept tasks of the run in RUN_DIR as training data in one format.",
            plugin="core.exporters",
        )
    )
