"""Model ids: ``backend/model``.

The part before the first ``/`` names an endpoint (``openai``, ``anthropic``, ``fake``, or one
configured under ``[backends.NAME]``); the rest is the provider's model name, passed through
unchanged, so ``vllm/Qwen/Qwen3-8B`` means model ``Qwen/Qwen3-8B`` on endpoint ``vllm``.
"""

from __future__ import annotations

import re

import attrs

__all__ = ["ModelId"]

_ENDPOINT = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")


@attrs.frozen
class ModelId:
    """A parsed model id."""

    endpoint: str
    model: str

    @classmethod
    def parse(cls, text: str) -> ModelId:
        endpoint, sep, model = text.partition("/")
        if not sep or not endpoint or not model:
            raise ValueError(
                f"model id {text!r} must look like 'backend/model', for example 'openai/gpt-4.1-mini', "
                "'anthropic/claude-sonnet-4-5' or 'vllm/Qwen3-8B' for an endpoint configured as [backends.vllm]"
            )
        if not _ENDPOINT.match(endpoint):
            raise ValueError(
                f"model id {text!r}: the backend part {endpoint!r} must start with a letter and hold only "
                "letters, digits, '_', '.' or '-'"
            )
        return cls(endpoint, model)

    def __str__(self) -> str:
        return f"{self.endpoint}/{self.model}"
