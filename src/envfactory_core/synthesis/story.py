"""``llm/story``: a persona and a situation for a chain, written without naming any tool.

The story grounds everything written later (seed states, requests, the simulated user) in one
coherent person (paper §5.2 step 1). It is validated for length and for tool names: a story that
says ``create_order`` leaks the solution into every request written from it.
"""

from __future__ import annotations

import re
from typing import ClassVar

import attrs

from ..llm.records import ChatResponse
from ..models import ToolChain, split_qualified_name
from ..tasks.context import DropTask, TaskContext
from .base import LLMComponent
from .exchange import AttemptsExhausted, ask
from .parsing import OutputProblem, tagged
from .render import environment_lines, tool_lines
from .runtime import client_for

__all__ = ["LLMStory", "tool_name_mentions"]


def tool_name_mentions(text: str, qualified: tuple[str, ...]) -> list[str]:
    """Tool names ``text`` mentions: qualified names, and bare names that are clearly identifiers
    (they contain an underscore, so no ordinary word matches)."""
    found: list[str] = []
    lowered = text.lower()
    for name in qualified:
        _, tool = split_qualified_name(name)
        for candidate in (name, tool):
            if "_" not in candidate:
                continue
            if re.search(rf"(?<![\w]){re.escape(candidate.lower())}(?![\w])", lowered) and candidate not in found:
                found.append(candidate)
    return found


@attrs.frozen(kw_only=True)
class LLMStory(LLMComponent):
    """Write a persona and situation for a chain (never naming tools); used by the story stage."""

    stage: ClassVar[str] = "story"
    name: str = "story"
    description: str = "LLM scenario planner: a persona and situation for each chain, never naming tools."
    min_chars: int = attrs.field(default=150, validator=attrs.validators.ge(0))
    max_chars: int = attrs.field(default=4000, validator=attrs.validators.ge(1))

    def tell(self, chain: ToolChain, context: TaskContext) -> str:
        environments = [context.environments[name] for name in chain.environments if name in context.environments]

        def parse(response: ChatResponse) -> str:
            story = tagged(response.text, "story", whole=True)
            story = re.sub(r"\s+\n", "\n", story).strip()
            if len(story) < self.min_chars:
                raise OutputProblem(
                    f"the story is {len(story)} characters long; write at least {self.min_chars} "
                    "(persona, situation and motivation)"
                )
            if len(story) > self.max_chars:
                raise OutputProblem(f"the story is {len(story)} characters long; keep it under {self.max_chars}")
            named = tool_name_mentions(story, chain.tools)
            if named:
                raise OutputProblem(
                    f"the story names the tool(s) {', '.join(named)}; describe what the person needs, never tool names"
                )
            return story

        exchange = self.exchange(
            "story",
            parse,
            what="story",
            seed=context.seed,
            environments=environment_lines(environments),
            needs=tool_lines(context.environments, chain.tools, names=False),
            turns=len(chain.turns) or 1,
        )
        try:
            return ask(client_for(context.llm), exchange)
        except AttemptsExhausted as error:
            raise DropTask("story_invalid", str(error)) from None
