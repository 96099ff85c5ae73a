"""API paths read as collections and items: ``/pets`` and ``/pets/{id}``, and which last words are actions."""

from __future__ import annotations

import re

import attrs

from envfactory_core.naming import snake

__all__ = ["ACTION_WORDS", "ApiPath", "is_action"]

ACTION_WORDS = frozenset(
    """activate add approve assign authorize calculate cancel change check clone close complete confirm copy
    create deactivate decline delete disable download enable execute export fetch find generate get import
    list lock login logout merge move notify open pause ping preview publish refresh reject remove rename
    reset restore resume retry reveal revoke rotate run scan search send set start stop submit suspend sync
    test trigger unlock update upload validate verify""".split()  # noqa: SIM905 - a word list reads better
)
_PARAM = re.compile(r"^\{[^{}]+\}$")


@attrs.frozen
class ApiPath:
    """A path template and its segments; ``{x}`` segments are parameters."""

    template: str
    segments: tuple[str, ...]

    @classmethod
    def of(cls, template: str) -> ApiPath:
        return cls(template, tuple(segment for segment in template.strip("/").split("/") if segment))

    @staticmethod
    def is_param(segment: str) -> bool:
        return bool(_PARAM.match(segment))

    @property
    def norm(self) -> str:
        return "/" + "/".join("{}" if self.is_param(s) else s for s in self.segments)

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(s[1:-1] for s in self.segments if self.is_param(s))

    @property
    def odd_segment(self) -> str:
        """A segment mixing a parameter and text (``{name}:merge``), which no rule understands."""
        for segment in self.segments:
            if "{" in segment and not self.is_param(segment):
                return segment
        return ""

    @property
    def ends_with_param(self) -> bool:
        return bool(self.segments) and self.is_param(self.segments[-1])

    def parent(self) -> ApiPath:
        return ApiPath(self.template.rsplit("/", 1)[0] or "/", self.segments[:-1])

    @property
    def last(self) -> str:
        return self.segments[-1] if self.segments else ""


def is_action(word: str) -> bool:
    first = snake(word).split("_")[0] if word else ""
    return first in ACTION_WORDS
