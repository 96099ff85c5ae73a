"""The validation loop: check, and on failure have a reviser fix the code or the scenarios.

An environment passes when its checks run green: it loads (policy, module, declared tools), the
conformance kit passes, and every scenario passes. Not when an LLM says so. On failure a reviser
(``envgen/llm_reviser``) sees the report and decides what is wrong, the code or a scenario, says why, and
returns the fix; the loop checks again, at most ``max_revisions`` times. Every check and every
revision is a checkpoint in the run store, so a killed run resumes at the step it was on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, Protocol

import attrs

from envfactory_core.env import Environment
from envfactory_core.models import Check, VerificationReport
from envfactory_core.models._validators import to_tuple

from ..errors import BuildError
from ..records import GeneratedEnvironment
from ..sandbox.limits import SandboxLimits
from .checkpoints import Checkpoints, IterationRow, history_json
from .verifier import VERIFIER, environment_checks

__all__ = ["LoopOutcome", "Revision", "Reviser", "validate_generated", "validation_loop"]

Progress = Callable[..., None]


@attrs.frozen(kw_only=True)
class Revision:
    """A reviser's decision: fix the ``code`` or the ``scenario``s, and why."""

    target: Literal["code", "scenario"]
    reason: str
    code: str | None = None
    scenarios: tuple[dict[str, Any], ...] | None = attrs.field(
        default=None, converter=attrs.converters.optional(to_tuple)
    )

    def __attrs_post_init__(self) -> None:
        if self.target not in ("code", "scenario"):
            raise ValueError(f"Revision.target must be 'code' or 'scenario', got {self.target!r}")
        if not self.reason.strip():
            raise ValueError("a revision must say why")
        if self.target == "code" and not self.code:
            raise ValueError("a code revision needs the new code")
        if self.target == "scenario" and self.scenarios is None:
            raise ValueError("a scenario revision needs the corrected scenarios")

    def apply(self, generated: GeneratedEnvironment) -> GeneratedEnvironment:
        if self.target == "code":
            assert self.code is not None
            return generated.with_code(self.code)
        assert self.scenarios is not None
        fixed = {str(scenario.get("id")): scenario for scenario in self.scenarios}
        merged = [fixed.pop(str(scenario.get("id")), scenario) for scenario in generated.scenarios]
        merged.extend(fixed.values())
        return generated.with_scenarios(merged)


class Reviser(Protocol):
    """Decides, from a failing report, whether the code or a scenario is wrong, and fixes it."""

    name: str

    def revise(self, generated: GeneratedEnvironment, report: VerificationReport, *, iteration: int) -> Revision: ...


@attrs.frozen(kw_only=True)
class LoopOutcome:
    """How validation ended: verified or failed, the last report, and the history of iterations."""

    status: Literal["verified", "failed"]
    generated: GeneratedEnvironment
    report: VerificationReport
    iterations: int
    history: tuple[dict[str, Any], ...] = ()
    reason: str = ""
    resumed_from: int = 0


def _load(generated: GeneratedEnvironment, trusted: bool, limits: SandboxLimits | None) -> Environment:
    from ..modules import load_environment

    return load_environment(
        generated.code, name=generated.name, trusted=trusted, limits=limits, code_id=generated.code_id
    )


def _load_failure(error: BaseException) -> str:
    text = str(error)
    trace = getattr(error, "__cause__", None)
    inner = getattr(trace, "trace", "") if trace is not None else ""
    if inner:
        text += "\n" + inner.strip().splitlines()[-1]
    return text[:4000]


def validate_generated(
    generated: GeneratedEnvironment,
    *,
    trusted: bool = False,
    limits: SandboxLimits | None = None,
    sequences: int = 8,
    calls_per_sequence: int = 12,
) -> VerificationReport:
    """Load ``generated`` and run the conformance kit and its scenarios; never raises for a failed check."""
    checks: list[Check] = []
    try:
        environment = _load(generated, trusted, limits)
    except Exception as error:  # the module is under test: any failure to load is a finding, not a crash
        checks.append(Check(name="loads", passed=False, detail=_load_failure(error)))
        return VerificationReport(subject=generated.name, verifier=VERIFIER, checks=checks)
    try:
        checks.append(
            Check(
                name="loads",
                passed=True,
                detail=f"{len(environment.tools)} tools, {'in-process' if trusted else 'sandboxed'}",
            )
        )
        expected = {tool.name for tool in generated.spec.tools}
        actual = set(environment.tools)
        missing = sorted(expected - actual)
        checks.append(
            Check(
                name="spec_tools",
                passed=not missing and environment.name == generated.spec.name,
                detail=(f"missing tools: {', '.join(missing)}" if missing else "")
                + (
                    f"; the environment is named {environment.name!r}, not {generated.spec.name!r}"
                    if environment.name != generated.spec.name
                    else ""
                )
                or f"all {len(expected)} tools of the spec are implemented",
            )
        )
        checks.extend(
            environment_checks(
                environment, generated.scenarios, sequences=sequences, calls_per_sequence=calls_per_sequence
            )
        )
    finally:
        close = getattr(environment, "close", None)
        if callable(close):
            close()
    return VerificationReport(subject=generated.name, verifier=VERIFIER, checks=checks)


def _reason(report: VerificationReport) -> str:
    failures = report.failures
    shown = "; ".join(f"{check.name}: {check.detail[:160]}" for check in failures[:3])
    more = f" (and {len(failures) - 3} more)" if len(failures) > 3 else ""
    return f"{len(failures)} of {len(report.checks)} checks failed: {shown}{more}"


def validation_loop(
    generated: GeneratedEnvironment,
    *,
    reviser: Reviser | None = None,
    max_revisions: int = 3,
    checkpoints: Checkpoints | None = None,
    key: str = "",
    trusted: bool = False,
    limits: SandboxLimits | None = None,
    progress: Progress | None = None,
) -> LoopOutcome:
    """Validate, revise and validate again, at most ``max_revisions`` times; resumes from checkpoints."""
    checkpoints = checkpoints or Checkpoints(None)
    notify = progress or (lambda *args, **kwargs: None)
    history = checkpoints.iterations(key) if key else []
    iteration = 0
    current = generated
    report: VerificationReport | None = None
    resumed_from = 0
    if history:
        last = history[-1]
        resumed_from = last.iteration
        if last.revised is not None and not last.report.passed:
            iteration, current = last.iteration + 1, last.revised
        else:
            iteration, current, report = last.iteration, last.generated, last.report
    status: Literal["verified", "failed"] = "failed"
    reason = ""
    while True:
        if report is None:
            notify("validate", name=current.name, iteration=iteration)
            report = validate_generated(current, trusted=trusted, limits=limits)
            if key:
                checkpoints.save_iteration(key, iteration, current, report)
            history = [*history, IterationRow(iteration=iteration, generated=current, report=report)]
        if report.passed:
            status = "verified"
            break
        if reviser is None or iteration >= max_revisions:
            reason = _reason(report)
            if reviser is not None:
                reason = f"still failing after {iteration} revision{'s' * (iteration != 1)}: {reason}"
            break
        notify("revise", name=current.name, iteration=iteration)
        try:
            revision = reviser.revise(current, report, iteration=iteration)
        except BuildError as error:  # no usable revision: the environment fails; a dead backend stops the run
            reason = f"{_reason(report)}; {error}"
            break
        revised = revision.apply(current)
        if key:
            checkpoints.save_revision(key, iteration, target=revision.target, reason=revision.reason, revised=revised)
        history[-1] = attrs.evolve(
            history[-1], revision_target=revision.target, revision_reason=revision.reason, revised=revised
        )
        current = revised
        iteration += 1
        report = None
    return LoopOutcome(
        status=status,
        generated=current,
        report=report,
        iterations=iteration,
        history=tuple(history_json(checkpoints.iterations(key) if key else history)),
        reason=reason,
        resumed_from=resumed_from,
    )
