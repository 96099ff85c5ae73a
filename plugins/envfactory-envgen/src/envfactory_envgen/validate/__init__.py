"""Validation of generated environments: scenario tests as data, the loop, its checkpoints."""

from .checkpoints import Checkpoints, envgen_migrations
from .loop import LoopOutcome, Reviser, Revision, validate_generated, validation_loop
from .scenarios import ScenarioResult, parse_scenarios, run_scenario, run_scenarios

__all__ = [
    "Checkpoints",
    "LoopOutcome",
    "Revision",
    "Reviser",
    "ScenarioResult",
    "envgen_migrations",
    "parse_scenarios",
    "run_scenario",
    "run_scenarios",
    "validate_generated",
    "validation_loop",
]
