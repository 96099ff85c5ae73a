"""Conformance helpers for tests: assert an environment passes the standard checks.

``assert_environment_conforms(env)`` runs :func:`envfactory_core.env.conformance.check_environment`
and, on top, a hypothesis property: for call sequences hypothesis draws (valid and invalid calls,
shrunk to a minimal failing sequence when one fails), no call crashes, failed and read calls leave
the state unchanged, and replays agree. Domain packages call it from their own tests::

    from envfactory_testing import assert_environment_conforms

    def test_storefront_conforms():
        assert_environment_conforms(storefront)
"""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from envfactory_core.env.conformance import check_environment, plan_calls
from envfactory_core.env.environment import Environment
from envfactory_core.models import VerificationReport

__all__ = ["assert_environment_conforms", "check_environment_property"]


def check_environment_property(
    environment: Environment,
    *,
    seeds: Sequence[int] = (0, 1),
    max_examples: int = 20,
    calls: int = 10,
) -> None:
    """Hypothesis-driven call sequences; raises ``AssertionError`` with the minimal failing sequence."""
    states = {seed: environment.template(seed=seed).canonical_state() for seed in seeds}

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(rng=st.randoms(use_true_random=False), seed=st.sampled_from(list(seeds)))
    def property_(rng: object, seed: int) -> None:
        plan = plan_calls(environment, rng, states[seed], calls)  # type: ignore[arg-type]
        report = check_environment(environment, plans=[plan], seeds=[seed])
        runtime = [
            check for check in report.failures if check.name not in {"schemas", "determinism_lint", "seed_state"}
        ]
        assert not runtime, (
            f"{environment.name}: " + "; ".join(f"{c.name}: {c.detail}" for c in runtime) + f"\nplan: {plan!r}"
        )

    property_()


def assert_environment_conforms(
    environment: Environment,
    *,
    seeds: Sequence[int] = (0, 1, 2),
    sequences: int = 8,
    calls_per_sequence: int = 12,
    max_examples: int = 15,
) -> VerificationReport:
    """Fail the test with a readable report unless ``environment`` passes every conformance check."""
    report = check_environment(environment, seeds=seeds, sequences=sequences, calls_per_sequence=calls_per_sequence)
    assert report.passed, report.summary()
    if max_examples:
        check_environment_property(environment, seeds=seeds[:2], max_examples=max_examples)
    return report
