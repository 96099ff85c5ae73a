"""``envgen/llm_scenarios``: an LLM proposes scenario tests (data) for a generated environment."""

from __future__ import annotations

from typing import Any

from envfactory_core.llm.records import ChatResponse
from envfactory_core.synthesis.exchange import AttemptsExhausted, Exchange, ask
from envfactory_core.synthesis.parsing import OutputProblem, json_in

from ..errors import SourceError
from ..records import GeneratedEnvironment
from ..validate.scenarios import parse_scenarios
from .common import prompt, reference, spec_tools_json

__all__ = ["LLMScenarios", "read_scenarios"]

STAGE = "envgen.scenarios"


def read_scenarios(text: str, tools: list[str], *, origin: str) -> list[dict[str, Any]]:
    """Scenarios from ``<scenarios>`` JSON, checked; an :class:`OutputProblem` lists what is wrong."""
    data = json_in(text, "scenarios")
    try:
        scenarios = parse_scenarios(data, tools=tools)
    except SourceError as error:
        raise OutputProblem(
            "the scenarios cannot run: " + "; ".join(str(problem) for problem in error.problems[:8])
        ) from None
    return [{**scenario, "origin": scenario.get("origin") or origin} for scenario in scenarios]


class LLMScenarios:
    """Proposes scenario tests as JSON data: call sequences with expected outputs, state diffs and refusals."""

    name = "scenarios"
    description = "Proposes scenario tests (JSON data) for a generated environment."

    def __init__(self, *, client: Any, model: str, max_attempts: int = 3) -> None:
        self.client = client
        self.model = model
        self.max_attempts = max_attempts

    def propose(self, generated: GeneratedEnvironment) -> list[dict[str, Any]]:
        tools = [tool.name for tool in generated.spec.tools]

        def parse(response: ChatResponse) -> list[dict[str, Any]]:
            scenarios = read_scenarios(response.text, tools, origin="envgen/llm_scenarios")
            taken = {str(scenario.get("id")) for scenario in generated.scenarios}
            clashes = [str(scenario["id"]) for scenario in scenarios if str(scenario["id"]) in taken]
            if clashes:
                raise OutputProblem(f"these ids are taken already: {', '.join(clashes)}; choose new ids")
            return scenarios

        exchange = Exchange(
            model=self.model,
            system=prompt("envgen_scenarios.system").render(scenario_format=reference("scenario_format")),
            user=prompt("envgen_scenarios.user").render(
                name=generated.name, tools=spec_tools_json(generated.spec), code=generated.code
            ),
            parse=parse,
            stage=STAGE,
            what=f"scenarios for {generated.name}",
            max_attempts=self.max_attempts,
        )
        try:
            return ask(self.client, exchange)
        except AttemptsExhausted:
            return []
