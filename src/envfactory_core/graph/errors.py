"""Errors of the tool graph and the samplers (each also a builtin, see ``envfactory_core.errors``)."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import EnvFactoryError, ProblemsError

__all__ = ["GraphBuildError", "GraphFileError", "SamplingError", "UnknownToolError"]


class GraphBuildError(ProblemsError, ValueError):
    """The graph cannot be built from these environments (none given, duplicates, strict mode)."""


class GraphFileError(ProblemsError, ValueError):
    """A saved graph cannot be read (not JSON, another format, broken references)."""


class SamplingError(EnvFactoryError, ValueError):
    """A sampler cannot run on this graph with these options; the message says what to change."""


class UnknownToolError(EnvFactoryError, KeyError):
    """The graph has no tool of this name."""

    def __init__(self, name: str, known: Sequence[str]) -> None:
        self.name = name
        self.known = tuple(known)
        super().__init__(name)

    def __str__(self) -> str:
        bare = self.name.rpartition("__")[2]
        close = [known for known in self.known if known.endswith(f"__{bare}") or bare in known][:8]
        hint = (
            f"; did you mean: {', '.join(close)}"
            if close
            else f"; the graph has {len(self.known)} tools (see `envfactory graph stats`)"
        )
        return f"the graph has no tool {self.name!r}{hint}"
