"""Built-in plugin: the environment conformance verifier ``core/conformance``."""

from __future__ import annotations

from typing import Any

from ..plugins import hookimpl


class ConformanceVerifier:
    """Run the standard conformance checks on an environment (schemas, atomicity, isolation, determinism)."""

    name = "conformance"
    subject = "environment"

    def verify_environment(self, environment: Any, **options: Any) -> Any:
        from ..env.conformance import check_environment

        return check_environment(environment, **options)


@hookimpl
def register_verifiers(register: Any) -> None:
    register(ConformanceVerifier())


__all__ = ["ConformanceVerifier"]
