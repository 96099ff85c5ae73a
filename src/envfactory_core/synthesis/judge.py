"""``llm/judge``: an optional reward for tasks whose success is not a state (read-only answers).

Write tasks are judged by their final state, never by a model. A read task changes nothing, so
what shows success is the answer; by default that is checked without a model too (``llm/agent``
requires the answer to mention the task's ``answer_facts``). Where wording varies too much for
that, this judge compares the answer with what the gold calls returned. It is a registered reward
(``score(data)``), so it can also sit in a pipeline's score stage; for write tasks it abstains
(score 1, component ``applicable = 0``) unless ``applies_to = "all"``.
"""

from __future__ import annotations

import json
from typing import ClassVar, Literal

import attrs

from ..llm.records import ChatResponse
from ..models import RewardResult
from ..rewards import RewardInput
from .base import LLMComponent
from .exchange import AttemptsExhausted, Exchange, ask, ask_async
from .parsing import OutputProblem, optional_tag, tagged
from .render import truncate_middle
from .runtime import ChatClient, client_for

__all__ = ["LLMJudge"]


@attrs.frozen(kw_only=True)
class _Verdict:
    correct: bool
    reason: str


@attrs.frozen(kw_only=True)
class LLMJudge(LLMComponent):
    """An LLM judge of final answers for read-only tasks (optional; never used by default)."""

    stage: ClassVar[str] = "judge"
    name: str = "judge"
    description: str = "Optional LLM judge of read-only answers against what the gold calls returned."
    applies_to: Literal["read", "all"] = attrs.field(default="read", validator=attrs.validators.in_(("read", "all")))
    max_expected_chars: int = attrs.field(default=6000, validator=attrs.validators.ge(200))

    def applicable(self, data: RewardInput) -> bool:
        writes = any(gold.effect == "write" for gold in data.gold_calls)
        return self.applies_to == "all" or not writes

    def _exchange(self, data: RewardInput, request: str, sample: int) -> Exchange[_Verdict]:
        def parse(response: ChatResponse) -> _Verdict:
            verdict = tagged(response.text, "verdict").lower()
            if verdict not in ("correct", "incorrect"):
                raise OutputProblem(f"<verdict> must be correct or incorrect, got {verdict!r}")
            return _Verdict(correct=verdict == "correct", reason=optional_tag(response.text, "reason") or "")

        expected = [
            {"call": gold.call.qualified_name, "arguments": gold.call.arguments, "output": gold.output}
            for gold in data.gold_calls
        ]
        return self.exchange(
            "judge",
            parse,
            what="judge verdict",
            sample=sample,
            request=request or "(not given)",
            expected=truncate_middle(json.dumps(expected, ensure_ascii=False, sort_keys=True), self.max_expected_chars),
            facts=json.dumps(list(data.answer_facts), ensure_ascii=False),
            answer=data.answer or "(no answer)",
        )

    def _result(self, verdict: _Verdict | None, error: str = "") -> RewardResult:
        if verdict is None:
            return RewardResult(
                reward=self.component_name,
                score=0.0,
                components={"applicable": 1.0, "correct": 0.0},
                explanation=f"no usable verdict: {error}",
            )
        return RewardResult(
            reward=self.component_name,
            score=1.0 if verdict.correct else 0.0,
            components={"applicable": 1.0, "correct": 1.0 if verdict.correct else 0.0},
            explanation=verdict.reason or ("correct" if verdict.correct else "incorrect"),
        )

    def _abstain(self) -> RewardResult:
        return RewardResult(
            reward=self.component_name,
            score=1.0,
            components={"applicable": 0.0},
            explanation="a write task: judged by its final state, not by a model",
        )

    def score(self, data: RewardInput) -> RewardResult:
        """Judge ``data.answer`` (with the client of the surrounding run)."""
        if not self.applicable(data):
            return self._abstain()
        try:
            verdict = ask(client_for(None), self._exchange(data, "", 0))
        except AttemptsExhausted as error:
            return self._result(None, str(error))
        return self._result(verdict)

    async def ascore(
        self, data: RewardInput, *, client: ChatClient | None = None, request: str = "", sample: int = 0
    ) -> RewardResult:
        """:meth:`score` on the running event loop, with the user's request when known."""
        if not self.applicable(data):
            return self._abstain()
        try:
            verdict = await ask_async(client or client_for(None), self._exchange(data, request, sample))
        except AttemptsExhausted as error:
            return self._result(None, str(error))
        return self._result(verdict)
