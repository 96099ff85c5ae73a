"""One structured question to a model, retried with the problem fed back, a bounded number of times.

An :class:`Exchange` holds the conversation (system prompt, user prompt, then each failed answer
followed by what was wrong with it) and a ``parse`` function that turns a response into a value
or raises :class:`~envfactory_core.synthesis.parsing.OutputProblem`. :func:`ask` and
:func:`ask_async` drive it; after ``max_attempts`` unusable answers they raise
:class:`AttemptsExhausted` listing every problem, which task components turn into a
:class:`~envfactory_core.tasks.context.DropTask` (counted by the pipeline) and graph components
into their fallback.

The exchange state lives apart from the call so that synchronous components (``chat_sync``) and
concurrent ones (``await chat``) share one retry policy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from ..llm.records import ChatRequest, ChatResponse, ToolDefinition
from ..models import Message
from .parsing import FormatProblem, OutputProblem
from .runtime import ChatClient
from .tally import note_answer, note_exhausted, using_stage
from .templates import load_template

__all__ = ["AttemptsExhausted", "Exchange", "ask", "ask_async", "excerpt"]

T = TypeVar("T")

TEMPERATURE_STEP = 0.3
"""How much each re-ask raises the temperature (from the configured one; unset counts as 0)."""
MAX_TEMPERATURE = 1.0
EXCERPT_CHARS = 400
"""How much of a failed answer a re-ask sends back (enough to see what was wrong)."""


class AttemptsExhausted(OutputProblem):
    """Every attempt gave an unusable answer; ``problems`` holds what was wrong with each."""

    def __init__(self, what: str, problems: Sequence[str]) -> None:
        self.what = what
        self.problems = tuple(problems)
        last = self.problems[-1] if self.problems else "no answer"
        super().__init__(f"{what}: no usable answer in {len(self.problems)} attempts; last problem: {last}")


class Exchange(Generic[T]):
    """The state of one structured question: history, attempts, problems.

    ``request_options`` are extra :class:`ChatRequest` fields (temperature, max_tokens, seed,
    sample, tools, json_mode). ``feedback`` names the template the problem is sent back with.
    """

    def __init__(
        self,
        *,
        model: str,
        system: str,
        user: str,
        parse: Callable[[ChatResponse], T],
        stage: str,
        what: str,
        max_attempts: int,
        prompts: str = "",
        tools: Sequence[ToolDefinition] = (),
        **request_options: Any,
    ) -> None:
        self.model = model
        self.history: list[Message] = [Message(role="system", content=system), Message(role="user", content=user)]
        self.parse = parse
        self.stage = stage
        self.what = what
        self.max_attempts = max_attempts
        self.prompts = prompts
        self.tools = tuple(tools)
        self.request_options = {key: value for key, value in request_options.items() if value is not None}
        self.problems: list[str] = []
        self.responses: list[ChatResponse] = []

    @property
    def attempts(self) -> int:
        return len(self.responses)

    def request(self) -> ChatRequest:
        return ChatRequest(model=self.model, messages=tuple(self.history), tools=self.tools, **self.request_options)

    def take(self, response: ChatResponse) -> tuple[bool, T | None]:
        """``(True, value)`` when the answer parses, ``(False, None)`` to ask again; raises
        :class:`AttemptsExhausted` when no attempt is left.

        A re-ask changes the request three ways, so it does not get the same answer back: the
        problem is stated; the temperature is raised a step (:data:`TEMPERATURE_STEP`, up to
        :data:`MAX_TEMPERATURE`) and the seed moved; and the prompt stays short: only an excerpt of
        the latest failed answer goes back, never the whole answer, and earlier failed answers are
        dropped from the history.
        """
        self.responses.append(response)
        try:
            if response.finish_reason == "length" and not response.tool_calls:
                raise FormatProblem("your answer was cut off at the length limit: write it shorter")
            with using_stage(self.stage):
                value = self.parse(response)
        except OutputProblem as problem:
            self.problems.append(str(problem))
            unreadable = isinstance(problem, FormatProblem)
            note_answer(self.stage, rejected=unreadable, invalid=not unreadable)
        else:
            note_answer(self.stage, rejected=False)
            return True, value
        if self.attempts >= self.max_attempts:
            note_exhausted(self.stage)
            raise AttemptsExhausted(self.what, self.problems)
        feedback = load_template("retry.user", self.prompts).render(problem=self.problems[-1])
        self.history[2:] = [
            Message(role="assistant", content=excerpt(response.text)),
            Message(role="user", content=feedback),
        ]
        self._vary()
        return False, None

    def _vary(self) -> None:
        """Raise the temperature a step and move the seed, for the next attempt."""
        temperature = self.request_options.get("temperature")
        base = float(temperature) if temperature is not None else 0.0
        self.request_options["temperature"] = round(min(MAX_TEMPERATURE, base + TEMPERATURE_STEP), 4)
        # A server with a fixed default seed (llama.cpp) samples the same answer again unless the seed moves.
        seed = self.request_options.get("seed")
        self.request_options["seed"] = (int(seed) + 1) % 2**31 if seed is not None else self.attempts


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of a failed answer, marked as cut, so a re-ask does not resend a long answer whole."""
    text = text.strip()
    if not text:
        return "(empty answer)"
    if len(text) <= limit:
        return text
    return f"{text[:limit].rstrip()}\n[… {len(text) - limit} more characters of this answer left out]"


def ask(client: ChatClient, exchange: Exchange[T]) -> T:
    """Ask until the answer parses (synchronous: ``client.chat_sync``)."""
    while True:
        response = client.chat_sync(exchange.request(), stage=exchange.stage)
        done, value = exchange.take(response)
        if done:
            return value  # type: ignore[return-value]


async def ask_async(client: ChatClient, exchange: Exchange[T]) -> T:
    """Ask until the answer parses, on the running event loop."""
    while True:
        response = await client.chat(exchange.request(), stage=exchange.stage)
        done, value = exchange.take(response)
        if done:
            return value  # type: ignore[return-value]
