"""The ``_meta`` keys envfactory reads from MCP requests and writes on MCP results.

They are namespaced (``envfactory/…``) as the MCP specification asks for custom ``_meta`` keys,
and they are part of the plugin's public contract: harnesses set them, so they never change.
"""

from __future__ import annotations

__all__ = [
    "EPISODE_ID_KEY",
    "EPISODE_SCOPE_KEY",
    "EPISODE_SHARED_KEY",
    "MANAGEMENT_KEY",
    "MANAGEMENT_PREFIX",
    "MAX_EPISODE_ID_CHARS",
    "TOOL_EFFECT_KEY",
    "TOOL_ENVIRONMENT_KEY",
    "TOOL_MASKED_KEY",
]

EPISODE_ID_KEY = "envfactory/episode_id"
"""Request ``_meta``: the episode this request addresses (any string of 1-200 printable characters).

The first request naming an id opens that episode at the server's seed; later requests with the
same id see its state. Ids are server-wide, so a rollout harness may reconnect, or use one HTTP
request per call, and still reach its episode. Echoed on every result that used a named episode.
"""

EPISODE_SHARED_KEY = "envfactory/episode_shared"
"""Request ``_meta``, with ``EPISODE_ID_KEY`` on the request that opens a named episode: ``true`` lets
every client use it. Without it the episode belongs to the MCP session that opened it (or, opened
without a session, to that client's address) and other sessions are refused."""

EPISODE_SCOPE_KEY = "envfactory/episode_scope"
"""Result ``_meta``: which episode served the request: ``named`` (an ``EPISODE_ID_KEY`` episode),
``session`` (the MCP session's own episode), ``connection`` (the stdio connection's own episode) or
``request`` (a fresh episode for this one request, discarded after it)."""

MANAGEMENT_KEY = "envfactory/management"
"""Request ``_meta`` on ``tools/list``: ``true`` also lists the management tools (only on a server
started with ``--management``). Agents never send it, so they never see them."""

MANAGEMENT_PREFIX = "envfactory__"
"""Management tool names start with this; an environment may not be named ``envfactory``."""

MAX_EPISODE_ID_CHARS = 200

TOOL_ENVIRONMENT_KEY = "envfactory/environment"
"""Tool ``_meta``: the environment the tool belongs to."""

TOOL_EFFECT_KEY = "envfactory/effect"
"""Tool ``_meta``: ``read`` or ``write``, as declared (also given as ``annotations.readOnlyHint``)."""

TOOL_MASKED_KEY = "envfactory/masked_arguments"
"""Tool ``_meta``: arguments whose value does not change the outcome (pagination, limits)."""
