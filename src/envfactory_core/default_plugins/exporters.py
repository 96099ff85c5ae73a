"""Built-in plugin: the exporters (JSONL, HF messages, OpenAI FT, LlamaFactory) and `envfactory export`.

The verl RL exporter (``verl/verl``) comes with the verl adapter, ``envfactory-verl``.
"""

from __future__ import annotations

import click

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
    from ..cli.export import export_command

    cli.add_command(export_command)
