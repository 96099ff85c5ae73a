"""Grounded tasks, offline: grounding, requests, solvability, quality gates, the oracle agent."""

from .context import TaskContext
from .grounding import Grounded, Grounder
from .requests import ImplicitRefiner, TemplateWriter, identifier_count, solvability_problems
from .states import MemoryStates, StoreStates, WorldStates

__all__ = [
    "Grounded",
    "Grounder",
    "ImplicitRefiner",
    "MemoryStates",
    "StoreStates",
    "TaskContext",
    "TemplateWriter",
    "WorldStates",
    "identifier_count",
    "solvability_problems",
]
