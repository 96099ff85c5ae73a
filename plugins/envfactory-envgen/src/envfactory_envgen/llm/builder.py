"""``envgen/llm_builder``: an LLM writes the environment module on our SDK from the spec and its resource."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from envfactory_core.errors import Problem
from envfactory_core.llm.records import ChatResponse
from envfactory_core.models import EnvironmentSpec, Resource
from envfactory_core.synthesis.exchange import AttemptsExhausted, Exchange, ask
from envfactory_core.synthesis.render import truncate_middle

from ..errors import BuildError
from ..records import GeneratedEnvironment
from .common import (
    allowed_imports,
    check_tools,
    code_in,
    example_module,
    prompt,
    reference,
    spec_tools_json,
    state_tables,
)

__all__ = ["LLMBuilder"]

STAGE = "envgen.builder"
SOURCE_CHARS = 16000


class LLMBuilder:
    """An LLM writes the state schema, seed factory and tools on the SDK (prompt: SDK reference + an example)."""

    name = "llm_builder"
    description = "An LLM writes the state schema, seed factory and tools on the SDK from the spec and resource text."
    needs_model = True
    wants_scenarios = True

    def __init__(
        self, *, max_attempts: int = 3, temperature: float | None = None, max_tokens: int | None = None
    ) -> None:
        self.max_attempts = max_attempts
        self.temperature = temperature
        self.max_tokens = max_tokens

    def exchange(self, spec: EnvironmentSpec, resources: Sequence[Resource], model: str) -> Exchange[str]:
        source = "\n\n".join(truncate_middle(resource.text, SOURCE_CHARS) for resource in resources) or "(none)"

        def parse(response: ChatResponse) -> str:
            code = code_in(response.text)
            check_tools(code, spec)
            return code

        return Exchange(
            model=model,
            system=prompt("envgen_builder.system").render(
                sdk_reference=reference("sdk_reference"), allowed_imports=allowed_imports(), example=example_module()
            ),
            user=prompt("envgen_builder.user").render(
                name=spec.name,
                description=spec.description,
                tools=spec_tools_json(spec),
                tables=state_tables(spec),
                source=source,
            ),
            parse=parse,
            stage=STAGE,
            what=f"the module of {spec.name}",
            max_attempts=self.max_attempts,
            temperature=self.temperature,
            max_tokens=self.max_tokens,
        )

    def build(
        self,
        spec: EnvironmentSpec,
        resources: Sequence[Resource] = (),
        *,
        client: Any = None,
        model: str = "",
        **options: Any,
    ) -> GeneratedEnvironment:
        if client is None or not model:
            raise BuildError(
                "envgen/llm_builder needs an LLM",
                [Problem(location="--model", message="no model given", fix="pass --model backend/model")],
            )
        try:
            code = ask(client, self.exchange(spec, resources, model))
        except AttemptsExhausted as error:
            raise BuildError(
                f"envgen/llm_builder could not write {spec.name}",
                [Problem(location=spec.name, message=problem) for problem in error.problems],
            ) from error
        return GeneratedEnvironment(
            name=spec.name, code=code, spec=spec, builder="envgen/llm_builder", resources=tuple(resources)
        )
