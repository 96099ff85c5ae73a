"""The environment SDK and runtime.

Declare an :class:`Environment` with tables, tools and a seed factory; open isolated
:class:`Episode` copies of its state; combine several in a :class:`World`; publish a package of
them with :func:`environments_plugin`. See ``docs/tutorial/write-an-environment.md``.
"""

from .arguments import DEFAULT_MAX_STRING_CHARS, ArgumentValidator
from .environment import Environment, SeedContext, table
from .episode import Context, Episode, Template
from .errors import ToolError
from .plugin import EnvironmentsPlugin, environments_plugin
from .schema import Arg, parse_docstring, signature_schema
from .state import StateError, diff_states, hash_state
from .tools import ToolDefinition
from .world import World, hash_world, world_hash_from

__all__ = [
    "DEFAULT_MAX_STRING_CHARS",
    "Arg",
    "ArgumentValidator",
    "Context",
    "Environment",
    "Episode",
    "EnvironmentsPlugin",
    "SeedContext",
    "StateError",
    "Template",
    "ToolDefinition",
    "ToolError",
    "World",
    "diff_states",
    "environments_plugin",
    "hash_state",
    "hash_world",
    "parse_docstring",
    "signature_schema",
    "table",
    "world_hash_from",
]
