"""``llm/labeller``: which input parameters a user can provide, decided by a model in batches (§3.2).

Parameters go to the model ``batch_size`` at a time with their tools' descriptions (the batches run
concurrently); it answers ``{"0": true, "1": false, ...}``. An answer that misses a parameter, adds
one, or is not a boolean goes back with the problem; a batch that still fails is labelled by the
rules (``fallback = "rules"``, the default) or marked not user-providable (``"false"``, the
reference code's behaviour), and the label's reason says so.

The graph's content id includes this labeller's settings (model, batch size, prompt text), and the
answers are cached in the run store, so a rebuilt graph is the same graph.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import ClassVar, Literal

import attrs

from ..graph.labellers import RuleLabeller
from ..graph.records import Label, Parameter, ToolNode
from ..ids import JsonValue
from ..llm.errors import LLMError, failure_code
from ..llm.records import ChatResponse
from .base import LLMComponent
from .exchange import AttemptsExhausted, ask_async
from .parsing import OutputProblem, json_in
from .runtime import ChatClient, client_for, run_async
from .tally import note_fallback

__all__ = ["LLMLabeller"]


def _parameter_line(number: int, parameter: Parameter) -> str:
    required = "required" if parameter.required else "optional"
    kind = parameter.type + (f" of {parameter.item_type}" if parameter.item_type else "")
    if parameter.format:
        kind += f", format {parameter.format}"
    if parameter.enum:
        kind += ", one of a fixed set"
    description = parameter.description.strip().splitlines()[0] if parameter.description.strip() else ""
    line = f"{number}. {parameter.tool}: {parameter.path} ({kind}, {required})"
    return f"{line}: {description}" if description else line


@attrs.frozen(kw_only=True)
class LLMLabeller(LLMComponent):
    """Label input parameters user-providable with an LLM, in batches (rules as the fallback)."""

    stage: ClassVar[str] = "label"
    name: str = "labeller"
    description: str = "LLM labeller: user-providable input parameters, in batches; rules label a batch that fails."
    temperature: float | None = 0.0
    batch_size: int = attrs.field(default=32, validator=attrs.validators.ge(1))
    fallback: Literal["rules", "false"] = attrs.field(
        default="rules", validator=attrs.validators.in_(("rules", "false"))
    )

    def settings(self) -> dict[str, JsonValue]:
        return {
            "model": self.model,
            "batch_size": self.batch_size,
            "fallback": self.fallback,
            "temperature": self.temperature,
            "prompts": [self.template(name).content_id for name in ("labeller.system", "labeller.user")],
        }

    def label(self, tools: Sequence[ToolNode]) -> dict[str, Label]:
        parameters = [parameter for tool in tools for parameter in tool.inputs]
        if not parameters:
            return {}
        client = client_for(None)
        descriptions = {tool.name: tool.description for tool in tools}
        batches = [parameters[start : start + self.batch_size] for start in range(0, len(parameters), self.batch_size)]

        async def all_batches() -> list[dict[str, Label]]:
            return list(
                await asyncio.gather(
                    *(self._batch(client, batch, descriptions, number) for number, batch in enumerate(batches))
                )
            )

        labels: dict[str, Label] = {}
        for result in run_async(client, all_batches):
            labels.update(result)
        return labels

    async def _batch(
        self, client: ChatClient, batch: Sequence[Parameter], descriptions: dict[str, str], number: int
    ) -> dict[str, Label]:
        def parse(response: ChatResponse) -> dict[str, bool]:
            data = json_in(response.text, "labels")
            if not isinstance(data, dict):
                raise OutputProblem(f"<labels> must hold a JSON object, got {type(data).__name__}")
            expected = {str(index) for index in range(len(batch))}
            given = {str(key) for key in data}
            missing = sorted(expected - given, key=int)
            extra = sorted(given - expected)
            not_bool = sorted(str(key) for key, value in data.items() if not isinstance(value, bool))
            problems = []
            if missing:
                problems.append(f"no label for parameter(s) {', '.join(missing)}")
            if extra:
                problems.append(f"there is no parameter {', '.join(extra)} (label 0 to {len(batch) - 1})")
            if not_bool:
                problems.append(f"the label of {', '.join(not_bool)} is not true or false")
            if problems:
                raise OutputProblem("; ".join(problems))
            return {str(key): bool(value) for key, value in data.items()}

        owners = sorted({parameter.tool for parameter in batch})
        exchange = self.exchange(
            "labeller",
            parse,
            what=f"labels of batch {number}",
            tools="\n".join(f"- {tool}: {descriptions.get(tool, '').strip()}" for tool in owners),
            parameters="\n".join(_parameter_line(index, parameter) for index, parameter in enumerate(batch)),
        )
        try:
            verdicts = await ask_async(client, exchange)
        except (AttemptsExhausted, LLMError) as error:
            # Every answer rejected, or a call that failed for good (a refusal, a server that cannot
            # answer): this batch falls back, the graph is still built, and the summary says so.
            how = "rules" if self.fallback == "rules" else "not user-providable"
            why = "every answer rejected" if isinstance(error, AttemptsExhausted) else failure_code(error)
            note_fallback(f"llm/labeller: {how} instead of the LLM ({why}; parameters)", len(batch))
            return {parameter.id: self._fallback(parameter, str(error)) for parameter in batch}
        reason = f"labelled by {self.model}"
        return {
            parameter.id: Label(user_providable=verdicts[str(index)], reason=reason)
            for index, parameter in enumerate(batch)
        }

    def _fallback(self, parameter: Parameter, error: str) -> Label:
        if self.fallback == "false":
            return Label(
                user_providable=False, reason=f"LLM labelling failed ({error[:120]}); treated as not user-providable"
            )
        label = RuleLabeller().label_parameter(parameter)
        return Label(user_providable=label.user_providable, reason=f"rules after LLM labelling failed: {label.reason}")
