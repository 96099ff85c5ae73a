"""The ``llm`` pipeline preset: every stage that benefits from a model uses one.

``envfactory init --llm MODEL`` writes it; the offline preset is
:data:`~envfactory_core.pipeline.config.DEFAULT_PIPELINE`. Both name components only, so a stage
switches between offline and LLM by changing its ``use``.
"""

from __future__ import annotations

import json

from ..llm.model_id import ModelId

__all__ = ["LLM_PIPELINE_TEMPLATE", "llm_pipeline"]

LLM_PIPELINE_TEMPLATE = """\
# The LLM pipeline: installed domains -> verify -> graph (LLM labels and edges) -> sample -> story
# -> story-consistent seed states -> ground -> LLM requests -> calibrated refinement -> quality
# gates -> LLM agent, k attempts on isolated episodes, best passing one kept -> score -> export.
# Every stage names a registered component (`envfactory components` lists them); change `use` to
# switch a stage back to its offline component (see `envfactory init` without --llm).
#
# Run it with a budget:  envfactory run THIS_FILE --max-cost 5
# Spending by stage and model:  envfactory llm usage envfactory-out

[run]
seed = 0
tasks = 40                # tasks to keep
chains_per_task = 3.0     # chains sampled per task wanted (grounding, gates and pass@k drop some)
validation_share = 0.05   # share of tasks in the validation split

[[stage]]
stage = "environments"
use = "core/installed"
options = {{ domains = [], include_evaluation = false }}

[[stage]]
stage = "verify"
use = "core/conformance"

[[stage]]
stage = "graph"
use = "core/graph"

[stage.options]
# llm/labeller decides which inputs a user can provide (batched); llm/edges adds tool->tool edges
# within each environment on top of the lexical links.
labeller = "llm/labeller"
labeller_options = {{ model = {model} }}
linker = "llm/edges"
linker_options = {{ model = {model}, base = "core/lexical" }}

[[stage]]
stage = "sample"
use = "core/topology"
options = {{ max_tools = 3 }}

[[stage]]
stage = "story"
use = "llm/story"
options = {{ model = {model} }}

[[stage]]
stage = "world"
use = "llm/seed_state"
options = {{ model = {model}, max_rows = 8 }}

[[stage]]
stage = "ground"
use = "core/ground"

[[stage]]
stage = "write"
use = "llm/writer"
options = {{ model = {model} }}

[[stage]]
stage = "refine"
use = "llm/refiner"
options = {{ model = {model} }}   # on_failure = "keep" keeps the writer's request instead of dropping

[[stage]]
stage = "gate"
use = ["core/gold_replay", "core/noop", "core/minimal", "core/read_answer", "core/solvable", "core/unique"]

[[stage]]
stage = "collect"
use = "llm/agent"
# k attempts per task; the best one passing core/envfactory against the gold state is kept.
# tool_format = "hermes" for raw servers; user = "llm/user" for conversational tasks;
# max_accuracy = 0.75 keeps only tasks some attempt fails (a difficulty filter).
options = {{ model = {model}, k = 4, tool_format = "native", reward = "core/envfactory" }}

[[stage]]
stage = "score"
use = ["core/envfactory", "core/state_diff"]

[[stage]]
stage = "export"
use = ["core/jsonl", "core/messages"]
"""


def llm_pipeline(model: str) -> str:
    """The ``llm`` preset with every LLM component set to ``model`` (a ``backend/model`` id)."""
    ModelId.parse(model)
    return LLM_PIPELINE_TEMPLATE.format(model=json.dumps(model))
