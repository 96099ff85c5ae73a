"""Built-in plugin: the LLM layer (the scripted fake backend and the ``envfactory llm`` commands).

Its components live in namespace ``llm`` (``llm/fake``). Vendor backends are separate plugins
(``envfactory-openai``, ``envfactory-anthropic``).
"""

from __future__ import annotations

import click

from ..hookspecs import Register
from ..plugins import hookimpl

ENVFACTORY_NAMESPACE = "llm"


@hookimpl
def register_llm_backends(register: Register) -> None:
    from ..testing.fake_llm import FakeBackend

    register(FakeBackend())


@hookimpl
def register_commands(cli: click.Group) -> None:
    from ..cli.llm import llm_group

    cli.add_command(llm_group)
