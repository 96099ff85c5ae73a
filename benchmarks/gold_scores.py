"""Replay every kept task of a run with the gold oracle and score it with the core rewards.

Usage: ``python benchmarks/gold_scores.py RUN`` (a run directory of ``envfactory tasks make``).
"""

import sys

from envfactory_core.contracts import REWARD
from envfactory_core.env.catalog import environment_catalog
from envfactory_core.plugins import make_plugin_manager
from envfactory_core.registry import Registry
from envfactory_core.store import RunStore
from envfactory_core.store.pipeline import PipelineStore
from envfactory_core.tasks import TaskContext
from envfactory_core.tasks.oracle import OracleAgent
from envfactory_core.tasks.scoring import score_trajectory
from envfactory_core.tasks.states import StoreStates

store = RunStore(sys.argv[1], create=False)
registry = Registry(make_plugin_manager())
catalog = environment_catalog(registry)
rewards = [registry.get(REWARD, name) for name in ("core/envfactory", "core/state_diff")]
scores = []
for _, task, _ in PipelineStore(store).kept():
    context = TaskContext(environments={n: catalog[n] for n in task.environments}, states=StoreStates(store))
    trajectory = score_trajectory(task, OracleAgent().solve(task, context), rewards, context)
    scores.append(min(reward.score for reward in trajectory.rewards))
perfect = sum(1 for score in scores if score == 1.0)
print(f"{len(scores)} kept tasks replayed with their gold calls; {perfect} score 1.0; min {min(scores)}")
