"""Replaying call sequences on fresh episodes, and comparing outputs with recorded ones.

One episode is reused and reset between replays (a rollback to the savepoint it holds since it
was copied from the cached template, so a reset is cheap); the benchmark's hash is computed
incrementally from the rows each replay touched.

The benchmark shows a tool's answer as text: a string as it is, anything else as JSON, and a
refusal as ``"Error: "`` followed by the message. :func:`benchmark_text` renders our results the
same way, and :func:`output_agrees` compares with a recorded answer: both parsed as JSON when
both parse (numbers compared with their types: ``50`` is not ``50.0``), else as text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from envfactory_core.env import Environment, Episode
from envfactory_core.ids import canonical_json
from envfactory_core.models import Step, ToolResult

from .state_hash import EpisodeStateHasher
from .tasks import TauTask

__all__ = ["ERROR_PREFIX", "Replay", "Replayer", "benchmark_text", "output_agrees", "same_json"]

ERROR_PREFIX = "Error: "


def benchmark_text(result: ToolResult) -> str:
    """Our result as the benchmark would show it to the agent."""
    if not result.ok:
        assert result.error is not None
        return ERROR_PREFIX + result.error.message
    if isinstance(result.output, str):
        return result.output
    return json.dumps(result.output)


def same_json(left: Any, right: Any) -> bool:
    """Equal JSON values, with types: ``1``, ``1.0`` and ``True`` are three different values."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(same_json(left[key], right[key]) for key in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(same_json(a, b) for a, b in zip(left, right, strict=True))
    return bool(left == right)


_NOT_JSON = object()


def _parse(text: str) -> Any:
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return _NOT_JSON


def output_agrees(recorded: str, result: ToolResult) -> bool:
    """Whether our result gives the recorded answer (a recorded error must be an error for us too)."""
    if recorded.startswith(ERROR_PREFIX) and result.ok:
        return False
    ours = benchmark_text(result)
    if ours == recorded:
        return True
    left, right = _parse(recorded), _parse(ours)
    if left is _NOT_JSON or right is _NOT_JSON:
        return False
    return same_json(left, right)


@attrs.frozen(kw_only=True)
class Replay:
    """What a replay left: the benchmark's state hash, our canonical hash, and every step."""

    state_hash: str
    canonical_hash: str
    steps: tuple[Step, ...]

    @property
    def errors(self) -> list[dict[str, Any]]:
        """The refused calls: position, tool, and the error as the benchmark would show it."""
        return [
            {
                "index": index,
                "tool": step.call.tool,
                "kind": step.result.error.kind,
                "error": benchmark_text(step.result),
            }
            for index, step in enumerate(self.steps)
            if step.result.error is not None
        ]


class Replayer:
    """Replays call sequences on fresh episodes of one environment."""

    def __init__(self, environment: Environment) -> None:
        self.environment = environment
        self.hasher = EpisodeStateHasher()
        self._episode: Episode | None = None
        self._gold: dict[str, Replay] = {}

    @property
    def episode(self) -> Episode:
        if self._episode is None:
            self._episode = self.environment.episode()
        return self._episode

    def initial_hash(self) -> str:
        """The benchmark's hash of the untouched initial state."""
        episode = self.episode
        episode.reset()
        return self.hasher.hash(episode)

    def replay(self, calls: Iterable[tuple[str, Any]]) -> Replay:
        """Run ``(tool, arguments)`` pairs in order on a fresh episode."""
        episode = self.episode
        episode.reset()
        for tool, arguments in calls:
            episode.call(tool, arguments)
        return Replay(
            state_hash=self.hasher.hash(episode), canonical_hash=episode.state_hash(), steps=tuple(episode.steps)
        )

    def replay_gold(self, task: TauTask) -> Replay:
        """The task's gold actions on a fresh episode (cached by the actions, not the task's id)."""
        key = canonical_json([[action.name, dict(action.kwargs)] for action in task.actions])
        cached = self._gold.get(key)
        if cached is None:
            cached = self.replay((action.name, dict(action.kwargs)) for action in task.actions)
            self._gold[key] = cached
        return cached

    def final_state(self) -> Mapping[str, Any]:
        """Our canonical state after the last replay."""
        return self.episode.state()

    def close(self) -> None:
        if self._episode is not None:
            self._episode.close()
            self._episode = None
