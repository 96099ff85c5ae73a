"""Records of environment synthesis: what was left out, what was generated, how it was checked."""

from __future__ import annotations

from typing import Any

import attrs

from envfactory_core.ids import JsonValue, content_id
from envfactory_core.models import EnvironmentSpec, Resource
from envfactory_core.models._validators import to_tuple

__all__ = ["GeneratedEnvironment", "SkippedOperation", "SkippedParameter"]


@attrs.frozen(kw_only=True)
class SkippedOperation:
    """An operation a builder could not give meaning to, and why (it is left out, not faked)."""

    operation: str
    reason: str
    source: str = ""


@attrs.frozen(kw_only=True)
class SkippedParameter:
    """An optional parameter left off a tool because it maps to nothing in the state."""

    operation: str
    parameter: str
    reason: str
    source: str = ""


@attrs.frozen(kw_only=True)
class GeneratedEnvironment:
    """The code of one environment and what it was made from.

    ``code`` is a Python module built on the environment SDK that defines ``environment`` (an
    :class:`~envfactory_core.env.Environment`). ``scenarios`` are the scenario tests (as JSON
    data, see :mod:`envfactory_envgen.validate.scenarios`) it must pass. ``trusted`` code runs
    in-process; untrusted code only in the sandbox.
    """

    name: str
    code: str
    spec: EnvironmentSpec
    builder: str
    scenarios: tuple[dict[str, JsonValue], ...] = attrs.field(default=(), converter=to_tuple, hash=False)
    skipped: tuple[SkippedOperation, ...] = attrs.field(default=(), converter=to_tuple)
    skipped_parameters: tuple[SkippedParameter, ...] = attrs.field(default=(), converter=to_tuple)
    resources: tuple[Resource, ...] = attrs.field(default=(), converter=to_tuple)
    trusted: bool = False
    notes: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)

    @property
    def code_id(self) -> str:
        return content_id(self.code)

    def with_code(self, code: str) -> GeneratedEnvironment:
        return attrs.evolve(self, code=code)

    def with_scenarios(self, scenarios: Any) -> GeneratedEnvironment:
        return attrs.evolve(self, scenarios=tuple(scenarios))
