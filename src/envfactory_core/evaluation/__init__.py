"""Evaluating a model on tasks: trials, pass^k, success rates with intervals (``envfactory eval``)."""

from .metrics import Rate, pass_hat_k, wilson_interval
from .runner import EvalOptions, EvalOutcome, run_eval
from .store import LayeredStates
from .tasksets import TaskSet, load_task_set

__all__ = [
    "EvalOptions",
    "EvalOutcome",
    "LayeredStates",
    "Rate",
    "TaskSet",
    "load_task_set",
    "pass_hat_k",
    "run_eval",
    "wilson_interval",
]
