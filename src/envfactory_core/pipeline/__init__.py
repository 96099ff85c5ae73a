"""Pipelines: stages composed from registered components, run resumably into a run directory."""

from .config import DEFAULT_PIPELINE, STAGE_TYPES, Pipeline, RunSettings, Stage, load_pipeline, parse_pipeline
from .executors import LocalExecutor
from .runner import RunOptions, RunOutcome, run_pipeline

__all__ = [
    "DEFAULT_PIPELINE",
    "STAGE_TYPES",
    "LocalExecutor",
    "Pipeline",
    "RunOptions",
    "RunOutcome",
    "RunSettings",
    "Stage",
    "load_pipeline",
    "parse_pipeline",
    "run_pipeline",
]
