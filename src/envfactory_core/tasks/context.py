"""What task components see: the environments, the run's world states, the graph, an LLM client."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from ..env import Environment
from .states import WorldStates

if TYPE_CHECKING:
    from ..graph import ToolGraph

__all__ = ["DropTask", "TaskContext"]


class DropTask(Exception):
    """Raised by a writer, refiner or agent to drop the task it was given, with a reason.

    Not an error: the pipeline records the task as dropped (``stage: code``) and goes on.
    """

    def __init__(self, code: str, reason: str) -> None:
        self.code = code
        self.reason = reason
        super().__init__(f"{code}: {reason}")


@attrs.define(kw_only=True)
class TaskContext:
    """The context writers, refiners, gates and agents receive with a task.

    ``llm`` is an :class:`~envfactory_core.llm.LLMClient` when the run has a backend (None offline);
    ``seed`` is the work item's seed; ``seen`` holds the keys of the tasks kept so far (for the
    duplicate gate); ``registry`` resolves other components by name (an agent's reward);
    ``story`` is the persona and situation written for the chain when the pipeline has a story
    stage. ``descriptions`` maps ``env__tool`` to the tool's description.
    """

    environments: Mapping[str, Environment]
    states: WorldStates
    graph: ToolGraph | None = None
    llm: Any = None
    seed: int = 0
    seen: set[str] = attrs.field(factory=set)
    registry: Any = None
    story: str = ""
    descriptions: dict[str, str] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.descriptions = {
            f"{environment.name}__{tool.name}": tool.description
            for environment in self.environments.values()
            for tool in environment.spec.tools
        }
