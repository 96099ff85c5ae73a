"""Built-in plugin: the environment conformance check ``core/conformance``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..hookspecs import Register
from ..plugins import hookimpl

if TYPE_CHECKING:
    from ..env import Environment
    from ..models import VerificationReport


class ConformanceCheck:
    """Run the standard conformance checks on an environment (schemas, atomicity, isolation, determinism)."""

    name = "conformance"

    def verify_environment(self, environment: Environment, **options: Any) -> VerificationReport:
        from ..env.conformance import check_environment

        return check_environment(environment, **options)


@hookimpl
def register_environment_checks(register: Register) -> None:
    register(ConformanceCheck())


__all__ = ["ConformanceCheck"]
