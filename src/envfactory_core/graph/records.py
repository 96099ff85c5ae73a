"""The records a tool graph is made of: parameters, tools, environments, links, issues.

They are plain ``attrs`` records (JSON through :mod:`envfactory_core.serialize`), so a graph can be
saved, loaded, compared and shown without the graph library behind it.
"""

from __future__ import annotations

from typing import Literal

import attrs

from ..ids import JsonValue
from ..models._validators import to_tuple

__all__ = [
    "PARAMETER_TYPES",
    "Direction",
    "EnvironmentNode",
    "GraphIssue",
    "GraphSource",
    "Label",
    "Link",
    "Parameter",
    "ToolNode",
    "parameter_id",
]

Direction = Literal["input", "output"]

PARAMETER_TYPES = ("string", "integer", "number", "boolean", "array", "object", "null", "any")
"""The types a parameter can have after normalisation; ``any`` means "unconstrained or unknown"."""

_DIRECTION_MARK = {"input": "in", "output": "out"}


def parameter_id(tool: str, direction: Direction, path: str) -> str:
    """The stable id of a parameter node: ``store__get_order:in:order_id``."""
    return f"{tool}:{_DIRECTION_MARK[direction]}:{path}"


@attrs.frozen(kw_only=True)
class Parameter:
    """One input argument or one output field of a tool, flattened one level.

    ``path`` is the argument or field name, or ``parent.child`` for a property of an object or of
    the items of an array of objects. ``item_type`` is the type of an array's items. Inputs carry
    ``required`` and, once labelled, ``user_providable`` with the labeller's ``label_reason``.
    """

    tool: str
    direction: Direction = attrs.field(validator=attrs.validators.in_(("input", "output")))
    path: str
    type: str = attrs.field(default="any", validator=attrs.validators.in_(PARAMETER_TYPES))
    item_type: str = ""
    description: str = ""
    required: bool = False
    format: str = ""
    enum: bool = False
    user_providable: bool | None = None
    label_reason: str = ""

    @property
    def id(self) -> str:
        return parameter_id(self.tool, self.direction, self.path)

    @property
    def leaf(self) -> str:
        """The last segment of the path (``sku`` for ``items.sku``)."""
        return self.path.rpartition(".")[2]

    @property
    def parent(self) -> str:
        """The first segment of a nested path, or ``""``."""
        head, dot, _ = self.path.partition(".")
        return head if dot else ""


@attrs.frozen(kw_only=True)
class ToolNode:
    """A tool as the graph sees it: its qualified name and its flattened parameters."""

    name: str
    environment: str
    tool: str
    description: str = ""
    effect: str = "read"
    inputs: tuple[Parameter, ...] = attrs.field(default=(), converter=to_tuple)
    outputs: tuple[Parameter, ...] = attrs.field(default=(), converter=to_tuple)

    def input(self, path: str) -> Parameter:
        for parameter in self.inputs:
            if parameter.path == path:
                return parameter
        raise KeyError(f"tool {self.name!r} has no input {path!r}")

    def output(self, path: str) -> Parameter:
        for parameter in self.outputs:
            if parameter.path == path:
                return parameter
        raise KeyError(f"tool {self.name!r} has no output {path!r}")


@attrs.frozen(kw_only=True)
class EnvironmentNode:
    """An environment the graph was built from, with the content id of its spec."""

    name: str
    domain: str = ""
    description: str = ""
    spec_id: str = ""
    evaluation_only: bool = False


@attrs.frozen(kw_only=True)
class Link:
    """A data-flow edge: output parameter ``source`` can feed input parameter ``target``.

    ``score`` is the linker's confidence in [0, 1] (1.0 for an exact name match); ``reason`` says
    which signal made the link (``name``, ``lexical``, ``embedding`` or a plugin's own word).
    """

    source: str
    target: str
    score: float = 1.0
    reason: str = "name"


@attrs.frozen(kw_only=True)
class Label:
    """A labeller's verdict on one input parameter."""

    user_providable: bool
    reason: str = ""


@attrs.frozen(kw_only=True)
class GraphIssue:
    """Something in the input the build could not use as it was, and what it did instead.

    ``action`` is one of ``skipped_environment``, ``skipped_tool``, ``typed_as_any``,
    ``no_outputs``, ``dropped_link``, ``unlabelled``.
    """

    location: str
    message: str
    action: str
    fix: str = ""

    def __str__(self) -> str:
        fix = f" (fix: {self.fix})" if self.fix else ""
        return f"{self.location}: {self.message} [{self.action}]{fix}"


@attrs.frozen(kw_only=True)
class GraphSource:
    """What a graph was built from; its content id is the graph's id."""

    environments: tuple[EnvironmentNode, ...] = attrs.field(default=(), converter=to_tuple)
    linker: str = ""
    linker_settings: dict[str, JsonValue] = attrs.field(factory=dict, hash=False)
    labeller: str = ""
    labeller_settings: dict[str, JsonValue] = attrs.field(factory=dict, hash=False)
