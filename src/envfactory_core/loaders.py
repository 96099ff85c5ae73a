"""What a resource loader makes of a source (the loader's contract is ``contracts.ResourceLoader``).

A resource loader reads a source (a file, a folder, a URL it knows how to fetch offline) into
:class:`~envfactory_core.models.Resource` records plus what it can make of them: draft
``EnvironmentSpec`` values (tools and schemas, no code), ready executable environments (when the
source comes with hand-written tools, as a benchmark package does), and the source's own tasks.
Operations it cannot give meaning to are listed in ``skipped``, never faked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from .errors import Problem
from .models import EnvironmentSpec, Resource

if TYPE_CHECKING:
    from .env import Environment

__all__ = ["LoadResult"]


@attrs.frozen(kw_only=True)
class LoadResult:
    """What a loader made of one source."""

    resources: tuple[Resource, ...] = ()
    specs: tuple[EnvironmentSpec, ...] = ()
    environments: tuple[Environment, ...] = attrs.field(default=(), eq=False)
    tasks: tuple[Any, ...] = attrs.field(default=(), eq=False)
    skipped: tuple[Problem, ...] = ()
    details: Mapping[str, Any] = attrs.field(factory=dict, eq=False)
