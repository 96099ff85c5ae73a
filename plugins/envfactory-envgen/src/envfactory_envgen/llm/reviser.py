"""``envgen/llm_reviser``: decides whether the code or a scenario is wrong, says why, and fixes it."""

from __future__ import annotations

import json
from typing import Any

from envfactory_core.errors import Problem
from envfactory_core.llm.records import ChatResponse
from envfactory_core.models import VerificationReport
from envfactory_core.synthesis.exchange import AttemptsExhausted, Exchange, ask
from envfactory_core.synthesis.parsing import OutputProblem, json_in

from ..errors import BuildError
from ..records import GeneratedEnvironment
from ..validate.loop import Revision
from .common import allowed_imports, check_tools, code_in, prompt, reference
from .scenarios import read_scenarios

__all__ = ["LLMReviser", "read_revision"]

STAGE = "envgen.reviser"


def read_revision(text: str, generated: GeneratedEnvironment) -> Revision:
    """The reviser's answer as a :class:`Revision`; an :class:`OutputProblem` says what to correct."""
    decision = json_in(text, "decision")
    if not isinstance(decision, dict):
        raise OutputProblem('<decision> must hold a JSON object {"target": "code" or "scenario", "reason": "..."}')
    target = decision.get("target")
    reason = str(decision.get("reason", "")).strip()
    if target not in ("code", "scenario"):
        raise OutputProblem(f'"target" must be "code" or "scenario", not {target!r}')
    if not reason:
        raise OutputProblem('"reason" must say why the code or the scenario is wrong')
    if target == "code":
        code = code_in(text)
        check_tools(code, generated.spec)
        if code == generated.code:
            raise OutputProblem("the corrected module is identical to the current one; change what is wrong")
        return Revision(target="code", reason=reason, code=code)
    tools = [tool.name for tool in generated.spec.tools]
    scenarios = read_scenarios(text, tools, origin="envgen/llm_reviser")
    known = {str(scenario.get("id")) for scenario in generated.scenarios}
    unknown = [str(scenario["id"]) for scenario in scenarios if str(scenario["id"]) not in known]
    if unknown:
        raise OutputProblem(f"correct existing scenarios (same ids); unknown ids: {', '.join(unknown)}")
    return Revision(target="scenario", reason=reason, scenarios=tuple(scenarios))


class LLMReviser:
    """Reads a failing report, decides code or scenario, explains why, and returns the fix."""

    name = "reviser"
    description = "Decides whether a failing environment's code or scenario is wrong, says why, and fixes it."

    def __init__(self, *, client: Any, model: str, max_attempts: int = 3) -> None:
        self.client = client
        self.model = model
        self.max_attempts = max_attempts

    def revise(self, generated: GeneratedEnvironment, report: VerificationReport, *, iteration: int) -> Revision:
        failures = "\n".join(f"- {check.name}: {check.detail}" for check in report.failures)

        def parse(response: ChatResponse) -> Revision:
            return read_revision(response.text, generated)

        exchange = Exchange(
            model=self.model,
            system=prompt("envgen_reviser.system").render(
                sdk_reference=reference("sdk_reference"),
                scenario_format=reference("scenario_format"),
                allowed_imports=allowed_imports(),
            ),
            user=prompt("envgen_reviser.user").render(
                name=generated.name,
                code=generated.code,
                scenarios=json.dumps(list(generated.scenarios), indent=1, ensure_ascii=False),
                failures=failures,
            ),
            parse=parse,
            stage=STAGE,
            what=f"a revision of {generated.name} (iteration {iteration})",
            max_attempts=self.max_attempts,
        )
        try:
            return ask(self.client, exchange)
        except AttemptsExhausted as error:
            raise BuildError(
                f"envgen/llm_reviser gave no usable revision of {generated.name}",
                [Problem(location=generated.name, message=problem) for problem in error.problems],
            ) from error
