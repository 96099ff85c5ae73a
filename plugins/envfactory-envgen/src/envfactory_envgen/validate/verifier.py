"""``envgen/validate``: the conformance kit plus scenario tests, as a registered environment check."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from envfactory_core.env.conformance import check_environment
from envfactory_core.models import Check, VerificationReport

from .scenarios import run_scenarios

__all__ = ["ValidateVerifier", "environment_checks"]

VERIFIER = "envgen/validate"


def environment_checks(environment: Any, scenarios: Sequence[dict[str, Any]], **options: Any) -> list[Check]:
    """The conformance checks (``options`` as for ``check_environment``), then one check per scenario."""
    conformance = check_environment(environment, **options)
    checks = [
        Check(name=f"conformance.{check.name}", passed=check.passed, detail=check.detail)
        for check in conformance.checks
    ]
    checks.extend(
        Check(
            name=f"scenario:{result.id}",
            passed=result.passed,
            detail=f"{result.steps} steps passed" if result.passed else "; ".join(result.failures[:4]),
        )
        for result in run_scenarios(environment, scenarios)
    )
    return checks


class ValidateVerifier:
    """Run the conformance checks and the given scenario tests (data) on an environment; pass when all are green."""

    name = "validate"

    def verify_environment(
        self, environment: Any, *, scenarios: Sequence[dict[str, Any]] = (), **options: Any
    ) -> VerificationReport:
        checks = environment_checks(environment, scenarios, **options)
        return VerificationReport(subject=environment.name, verifier=VERIFIER, checks=checks)
