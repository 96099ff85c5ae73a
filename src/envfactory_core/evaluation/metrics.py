"""What an evaluation reports: success rates with a confidence interval, and pass^k.

pass^k is tau-bench's reliability measure (Yao et al., 2024, §5): run every task ``n`` times; for
a task with ``c`` successes the chance that ``k`` trials drawn from its ``n`` all succeed is
``C(c, k) / C(n, k)``; pass^k is its mean over tasks. pass^1 is the plain success rate. It is
defined for ``k <= n``, so a set with fewer trials for some task reports pass^k up to the fewest.

The interval is Wilson's score interval (95%), which stays inside [0, 1] and is honest for the
small numbers of trials evaluations have, unlike the normal approximation.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import attrs

__all__ = ["Rate", "pass_hat_k", "wilson_interval"]

Z_95 = 1.959963984540054


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson's score interval for ``successes`` out of ``trials`` (``(0, 1)`` for no trials)."""
    if trials <= 0:
        return 0.0, 1.0
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def pass_hat_k(outcomes: Mapping[str, Sequence[bool]], k: int) -> float:
    """tau-bench's pass^k over tasks: the mean of ``C(c, k) / C(n, k)``; ``ValueError`` when a task has < k trials."""
    if not outcomes:
        return 0.0
    total = 0.0
    for task, trials in outcomes.items():
        n, c = len(trials), sum(trials)
        if n < k:
            raise ValueError(f"task {task} has {n} trials, fewer than k={k}")
        total += math.comb(c, k) / math.comb(n, k)
    return total / len(outcomes)


@attrs.frozen(kw_only=True)
class Rate:
    """Successes out of trials, with the Wilson 95% interval, pass^k for every defined k and the mean score."""

    successes: int
    trials: int
    tasks: int
    low: float
    high: float
    pass_hat: dict[int, float]
    mean_score: float

    @property
    def rate(self) -> float:
        return self.successes / self.trials if self.trials else 0.0

    @classmethod
    def of(cls, outcomes: Mapping[str, Sequence[tuple[bool, float]]]) -> Rate:
        """From ``{task id: [(passed, score) per trial]}``."""
        passed = {task: [ok for ok, _ in trials] for task, trials in outcomes.items()}
        scores = [score for trials in outcomes.values() for _, score in trials]
        successes = sum(sum(trials) for trials in passed.values())
        trials = sum(len(trials) for trials in passed.values())
        low, high = wilson_interval(successes, trials)
        fewest = min((len(trials) for trials in passed.values()), default=0)
        return cls(
            successes=successes,
            trials=trials,
            tasks=len(outcomes),
            low=low,
            high=high,
            pass_hat={k: pass_hat_k(passed, k) for k in range(1, fewest + 1)},
            mean_score=sum(scores) / len(scores) if scores else 0.0,
        )

    def as_json(self) -> dict[str, object]:
        return {
            "tasks": self.tasks,
            "trials": self.trials,
            "successes": self.successes,
            "success_rate": round(self.rate, 6),
            "ci95": [round(self.low, 6), round(self.high, 6)],
            "pass_hat_k": {str(k): round(value, 6) for k, value in self.pass_hat.items()},
            "mean_score": round(self.mean_score, 6),
        }


def group(rows: Iterable[tuple[str, str, bool, float]]) -> dict[str, dict[str, list[tuple[bool, float]]]]:
    """``(group, task id, passed, score)`` rows as ``{group: {task id: [(passed, score), ...]}}``."""
    grouped: dict[str, dict[str, list[tuple[bool, float]]]] = {}
    for name, task, ok, score in rows:
        grouped.setdefault(name, {}).setdefault(task, []).append((ok, score))
    return grouped
