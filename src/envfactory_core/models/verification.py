"""Verification outcomes: values, never exceptions."""

from __future__ import annotations

import attrs

from ._validators import to_tuple

__all__ = ["Check", "VerificationReport"]


@attrs.frozen(kw_only=True)
class Check:
    """One check: its name, whether it passed, and what was seen."""

    name: str
    passed: bool
    detail: str = ""


@attrs.frozen(kw_only=True)
class VerificationReport:
    """Every check a verifier ran on one subject (an environment, a task, a trajectory)."""

    subject: str
    verifier: str
    checks: tuple[Check, ...] = attrs.field(converter=to_tuple)

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if not check.passed)

    def summary(self) -> str:
        failed = self.failures
        if not failed:
            return f"{self.subject}: {len(self.checks)} checks passed ({self.verifier})"
        lines = [f"{self.subject}: {len(failed)} of {len(self.checks)} checks failed ({self.verifier})"]
        lines.extend(f"  - {check.name}: {check.detail}" for check in failed)
        return "\n".join(lines)
