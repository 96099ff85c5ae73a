"""What every LLM component shares: its options and how it opens an exchange.

The options (``model``, ``temperature``, ``max_tokens``, ``max_attempts``, ``prompts``) are
``attrs`` fields, so a pipeline file sets them like any component's options. ``needs_llm`` tells
the pipeline to give the run's workers an LLM client.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

import attrs

from ..errors import ConfigError, Problem
from ..llm.model_id import ModelId
from ..llm.records import ChatResponse
from .exchange import Exchange
from .templates import PromptTemplate, load_template

__all__ = ["LLMComponent"]

T = TypeVar("T")


def _model(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if value:
        ModelId.parse(value)


def _positive_or_none(instance: Any, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and value < 1:
        raise ValueError(f"{attribute.name} must be at least 1, got {value}")


@attrs.frozen(kw_only=True)
class LLMComponent:
    """Options shared by the LLM components.

    ``model`` is a model id (``openai/gpt-4.1-mini``); ``max_attempts`` bounds how often an
    unusable answer is asked again with its problem fed back; ``prompts`` names a folder of
    replacement prompt templates (``docs/reference/prompts.md`` lists the names and variables).
    """

    needs_llm: ClassVar[bool] = True
    stage: ClassVar[str] = "llm"

    model: str = attrs.field(default="", validator=_model)
    temperature: float | None = None
    max_tokens: int | None = attrs.field(default=None, validator=_positive_or_none)
    max_attempts: int = attrs.field(default=3, validator=attrs.validators.ge(1))
    prompts: str = ""

    @property
    def component_name(self) -> str:
        return f"llm/{getattr(self, 'name', type(self).__name__)}"

    def model_id(self) -> str:
        """The configured model; a clear error when the pipeline did not set one."""
        if not self.model:
            raise ConfigError(
                f"{self.component_name} has no model",
                [
                    Problem(
                        location=f"{self.component_name} options.model",
                        message="not set",
                        fix='set options = { model = "openai/gpt-4.1-mini" } (any BACKEND/MODEL id; '
                        "`envfactory init --llm MODEL` writes a pipeline that sets it everywhere)",
                    )
                ],
            )
        return self.model

    def template(self, name: str) -> PromptTemplate:
        return load_template(name, self.prompts)

    def exchange(
        self,
        prompt: str,
        parse: Callable[[ChatResponse], T],
        *,
        what: str,
        seed: int | None = None,
        sample: int = 0,
        json_mode: bool = False,
        **variables: Any,
    ) -> Exchange[T]:
        """An exchange with the ``{prompt}.system`` and ``{prompt}.user`` templates."""
        system_template = self.template(f"{prompt}.system")
        user_template = self.template(f"{prompt}.user")
        unused = set(variables) - set(system_template.variables) - set(user_template.variables)
        if unused:
            raise TypeError(f"prompt {prompt!r} has no variables {sorted(unused)}")
        return Exchange(
            model=self.model_id(),
            system=system_template.render(**{k: v for k, v in variables.items() if k in system_template.variables}),
            user=user_template.render(**{k: v for k, v in variables.items() if k in user_template.variables}),
            parse=parse,
            stage=self.stage,
            what=what,
            max_attempts=self.max_attempts,
            prompts=self.prompts,
            temperature=self.temperature,
            max_tokens=self.max_tokens,
            seed=None if seed is None else seed % 2**31,
            sample=sample,
            json_mode=json_mode,
        )
