"""Pipeline files: stages in order, each naming registered components and their options.

A pipeline file is TOML::

    [run]
    seed = 0
    tasks = 40                  # tasks to keep
    chains_per_task = 2.0       # chains sampled per task wanted (grounding drops some)

    [[stage]]
    stage = "sample"            # the stage type
    use = "core/topology"       # a registered component (a list for gate/score/export)
    options = { max_servers = 3 }

Stage types run in a fixed order (:data:`STAGE_TYPES`); a pipeline may leave some out, but each
stage's inputs must be made by an earlier one. :func:`load_pipeline` checks everything up front
and raises one :class:`~envfactory_core.errors.ConfigError` listing every problem with its location.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs

from ..contracts import (
    AGENT,
    ENVIRONMENT_CHECK,
    ENVIRONMENT_SOURCE,
    EXPORTER,
    GRAPH_BUILDER,
    GROUNDER,
    REFINER,
    REWARD,
    SAMPLER,
    SEED_STATE,
    STORY,
    TASK_GATE,
    WRITER,
    Kind,
)
from ..errors import ConfigError, Problem, UnknownComponentError
from ..ids import content_id
from ..options import option_problems
from ..registry import Registry

__all__ = [
    "DEFAULT_PIPELINE",
    "STAGE_TYPES",
    "Pipeline",
    "RunSettings",
    "Stage",
    "StageType",
    "component_problem",
    "load_pipeline",
    "parse_pipeline",
]

Scope = Literal["run", "item"]


@attrs.frozen(kw_only=True)
class StageType:
    """A kind of stage: the component kind it uses, what it needs and what it makes.

    Each stage type uses components of one kind (:mod:`envfactory_core.contracts`), so the kind says
    which method the stage calls on them.
    """

    name: str
    kind: Kind[Any]
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    scope: Scope
    default: tuple[str, ...]
    multiple: bool = False
    summary: str = ""


STAGE_TYPES: dict[str, StageType] = {
    stage.name: stage
    for stage in (
        StageType(
            name="environments",
            kind=ENVIRONMENT_SOURCE,
            inputs=(),
            outputs=("environments",),
            scope="run",
            default=("core/installed",),
            summary="pick the installed environments",
        ),
        StageType(
            name="verify",
            kind=ENVIRONMENT_CHECK,
            inputs=("environments",),
            outputs=("environments",),
            scope="run",
            default=("core/conformance",),
            summary="keep environments that pass their checks",
        ),
        StageType(
            name="graph",
            kind=GRAPH_BUILDER,
            inputs=("environments",),
            outputs=("graph",),
            scope="run",
            default=("core/graph",),
            summary="build the tool graph",
        ),
        StageType(
            name="sample",
            kind=SAMPLER,
            inputs=("graph",),
            outputs=("chains",),
            scope="run",
            default=("core/topology",),
            summary="sample tool chains",
        ),
        StageType(
            name="story",
            kind=STORY,
            inputs=("chains",),
            outputs=("stories",),
            scope="item",
            default=("llm/story",),
            summary="write a persona and situation for each chain",
        ),
        StageType(
            name="world",
            kind=SEED_STATE,
            inputs=("chains",),
            outputs=("worlds",),
            scope="item",
            default=("llm/seed_state",),
            summary="write a story-consistent initial state for each chain",
        ),
        StageType(
            name="ground",
            kind=GROUNDER,
            inputs=("chains", "environments"),
            outputs=("tasks",),
            scope="item",
            default=("core/ground",),
            summary="execute chains: gold calls and gold states",
        ),
        StageType(
            name="write",
            kind=WRITER,
            inputs=("tasks",),
            outputs=("requests",),
            scope="item",
            default=("core/template",),
            summary="write user requests",
        ),
        StageType(
            name="refine",
            kind=REFINER,
            inputs=("requests",),
            outputs=("requests",),
            scope="item",
            default=("core/implicit",),
            summary="refine requests to implicit intent",
        ),
        StageType(
            name="gate",
            kind=TASK_GATE,
            inputs=("requests",),
            outputs=("kept",),
            scope="item",
            default=(
                "core/gold_replay",
                "core/noop",
                "core/minimal",
                "core/read_answer",
                "core/solvable",
                "core/quality",
                "core/unique",
            ),
            multiple=True,
            summary="keep tasks that pass the quality gates",
        ),
        StageType(
            name="collect",
            kind=AGENT,
            inputs=("requests",),
            outputs=("trajectories",),
            scope="item",
            default=("core/oracle",),
            summary="collect trajectories from an agent",
        ),
        StageType(
            name="score",
            kind=REWARD,
            inputs=("trajectories",),
            outputs=("rewards",),
            scope="item",
            default=("core/envfactory", "core/state_diff"),
            multiple=True,
            summary="score trajectories by replay",
        ),
        StageType(
            name="export",
            kind=EXPORTER,
            inputs=("requests",),
            outputs=("files",),
            scope="run",
            default=("core/jsonl", "core/messages"),
            multiple=True,
            summary="write training files",
        ),
    )
}
"""Stage types in the order they run."""


@attrs.frozen(kw_only=True)
class RunSettings:
    seed: int = 0
    tasks: int = 40
    chains_per_task: float = 2.0
    validation_share: float = 0.05


@attrs.frozen(kw_only=True)
class Stage:
    """A stage of a loaded pipeline: its type, the components it uses (configured), their options."""

    type: str
    use: tuple[str, ...]
    options: Mapping[str, Any] = attrs.field(factory=dict, eq=False)
    components: tuple[Any, ...] = attrs.field(default=(), eq=False, repr=False)


@attrs.frozen(kw_only=True)
class Pipeline:
    """A validated pipeline: run settings and stages with their components resolved."""

    settings: RunSettings
    stages: tuple[Stage, ...]
    source: str = ""

    def stage(self, name: str) -> Stage | None:
        return next((stage for stage in self.stages if stage.type == name), None)

    def describe(self) -> dict[str, Any]:
        """The pipeline as data (what the run fingerprint is computed from)."""
        return {
            "settings": attrs.asdict(self.settings),
            "stages": [
                {"stage": stage.type, "use": list(stage.use), "options": dict(stage.options)} for stage in self.stages
            ],
        }

    @property
    def fingerprint(self) -> str:
        return content_id(self.describe())

    def with_settings(self, **changes: Any) -> Pipeline:
        return attrs.evolve(
            self, settings=attrs.evolve(self.settings, **{k: v for k, v in changes.items() if v is not None})
        )


DEFAULT_PIPELINE = """\
# The offline pipeline: installed domains -> verify -> graph -> sample -> ground -> write -> refine
# -> quality gates -> oracle agent -> score -> export. Every stage names a registered component
# (`envfactory components` lists them) and may set its options.

[run]
seed = 0
tasks = 40                # tasks to keep
chains_per_task = 2.0     # chains sampled per task wanted (grounding and gates drop some)
validation_share = 0.05   # share of tasks in the validation split (by a seeded hash of the task id)

[[stage]]
stage = "environments"
use = "core/installed"
options = { domains = [], include_evaluation = false }

[[stage]]
stage = "verify"
use = "core/conformance"

[[stage]]
stage = "graph"
use = "core/graph"
options = { linker = "core/lexical", labeller = "core/rules" }

[[stage]]
stage = "sample"
use = "core/topology"
options = { max_tools = 3 }   # tools per chain; longer chains ground less often

[[stage]]
stage = "ground"
use = "core/ground"

[[stage]]
stage = "write"
use = "core/template"

[[stage]]
stage = "refine"
use = "core/implicit"

[[stage]]
stage = "gate"
use = ["core/gold_replay", "core/noop", "core/minimal", "core/read_answer", "core/solvable", "core/unique"]

[[stage]]
stage = "collect"
use = "core/oracle"

[[stage]]
stage = "score"
use = ["core/envfactory", "core/state_diff"]

[[stage]]
stage = "export"
use = ["core/jsonl", "core/messages"]
"""


def _settings(data: Any, problems: list[Problem]) -> RunSettings:
    if data is None:
        return RunSettings()
    if not isinstance(data, dict):
        problems.append(Problem(location="run", message="must be a table", fix="write [run] with seed = 0"))
        return RunSettings()
    values, found = option_problems(RunSettings(), data, location="run")
    problems.extend(found)
    for key in ("tasks",):
        if key in values and values[key] < 1:
            problems.append(Problem(location=f"run.{key}", message="must be at least 1"))
    if "chains_per_task" in values and values["chains_per_task"] < 1:
        problems.append(Problem(location="run.chains_per_task", message="must be at least 1.0"))
    if "validation_share" in values and not 0 <= values["validation_share"] < 1:
        problems.append(Problem(location="run.validation_share", message="must be in [0, 1)"))
    if problems:
        return RunSettings()
    return attrs.evolve(RunSettings(), **values)


def _non_finite(value: Any, location: str) -> Iterator[Problem]:
    """``nan`` and ``inf`` anywhere in a loaded pipeline file (TOML allows them; nothing here means them)."""
    if isinstance(value, float) and not math.isfinite(value):
        yield Problem(location=location or "<file>", message=f"{value} is not a finite number", fix="write a number")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _non_finite(item, f"{location}.{key}" if location else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _non_finite(item, f"{location}[{index}]")


def read_pipeline_file(path: Path) -> str:
    """The text of a pipeline file; a file that cannot be read or is not UTF-8 is a clear error."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ConfigError(
            f"cannot read {path}",
            [Problem(location=str(path), message=error.strerror or str(error), fix="give a readable TOML file")],
        ) from error
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ConfigError(
            f"{path} is not UTF-8 text",
            [
                Problem(
                    location=f"{path}:{line}",
                    message=f"byte {error.start} ({data[error.start : error.start + 1]!r}) is not UTF-8",
                    fix="save the file as UTF-8 (TOML files must be UTF-8)",
                )
            ],
        ) from None


def parse_pipeline(text: str, registry: Registry, *, source: str = "<pipeline>") -> Pipeline:
    """Validate pipeline TOML text and resolve its components; every problem at once."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{source} is not valid TOML", [Problem(location=source, message=str(error))]) from error
    problems: list[Problem] = list(_non_finite(data, ""))
    if problems:
        raise ConfigError(f"{source} has numbers that are not finite", problems)
    unknown_top = sorted(set(data) - {"run", "stage"})
    for key in unknown_top:
        problems.append(Problem(location=key, message="unknown section", fix="use [run] and [[stage]]"))
    settings = _settings(data.get("run"), problems)
    raw_stages = data.get("stage", [])
    if not isinstance(raw_stages, list) or not raw_stages:
        problems.append(
            Problem(location="stage", message="no stages", fix='add [[stage]] tables, e.g. stage = "sample"')
        )
        raw_stages = []
    order = list(STAGE_TYPES)
    made: set[str] = set()
    last_position = -1
    stages: list[Stage] = []
    for index, raw in enumerate(raw_stages):
        where = f"stage[{index}]"
        if not isinstance(raw, dict):
            problems.append(Problem(location=where, message="must be a table"))
            continue
        extra = sorted(set(raw) - {"stage", "use", "options"})
        for key in extra:
            problems.append(
                Problem(location=f"{where}.{key}", message="unknown key", fix="a stage has stage, use and options")
            )
        kind_name = raw.get("stage")
        if kind_name not in STAGE_TYPES:
            problems.append(
                Problem(
                    location=f"{where}.stage", message=f"unknown stage {kind_name!r}", fix=f"one of: {', '.join(order)}"
                )
            )
            continue
        stage_type = STAGE_TYPES[kind_name]
        where = f"stage[{index}] ({kind_name})"
        position = order.index(kind_name)
        if position <= last_position:
            problems.append(
                Problem(
                    location=where,
                    message="is out of order or repeated",
                    fix=f"stages run in this order: {', '.join(order)}",
                )
            )
        last_position = max(last_position, position)
        for needed in stage_type.inputs:
            if needed not in made:
                maker = next(s.name for s in STAGE_TYPES.values() if needed in s.outputs)
                problems.append(
                    Problem(
                        location=where,
                        message=f"needs {needed}, which no earlier stage makes",
                        fix=f"add a {maker} stage before it",
                    )
                )
        made.update(stage_type.outputs)
        use = raw.get("use", list(stage_type.default))
        names = [use] if isinstance(use, str) else use
        if not isinstance(names, list) or not all(isinstance(name, str) for name in names) or not names:
            problems.append(Problem(location=f"{where}.use", message="must be a component name or a list of names"))
            continue
        if len(names) > 1 and not stage_type.multiple:
            problems.append(Problem(location=f"{where}.use", message="takes one component", fix=f"use = {names[0]!r}"))
            continue
        options = raw.get("options", {})
        if not isinstance(options, dict):
            problems.append(Problem(location=f"{where}.options", message="must be a table"))
            options = {}
        components: list[Any] = []
        for name in names:
            problem = component_problem(registry, kind_name, name)
            if problem:
                problems.append(Problem(location=f"{where}.use", message=problem))
                continue
            entry = registry.entry(stage_type.kind, name)
            component = entry.component
            own = options.get(entry.name, options.get(entry.short_name)) if len(names) > 1 else options
            if own:
                values, found = option_problems(component, own, location=f"{where}.options")
                problems.extend(found)
                if not found:
                    component = attrs.evolve(component, **values)
            components.append(component)
        stages.append(
            Stage(
                type=kind_name,
                use=tuple(
                    registry.entry(stage_type.kind, n).name for n in names if _known(registry, stage_type.kind, n)
                ),
                options=options,
                components=tuple(components),
            )
        )
    if problems:
        raise ConfigError(f"{source} has problems", problems)
    return Pipeline(settings=settings, stages=tuple(stages), source=source)


def component_problem(registry: Registry, stage: str, name: str) -> str:
    """Why ``name`` cannot serve a ``stage`` stage ("" when it can): it is not a component of the stage's kind."""
    try:
        registry.entry(STAGE_TYPES[stage].kind, name)
    except UnknownComponentError as error:
        return str(error)
    return ""


def _known(registry: Registry, kind: Kind[Any], name: str) -> bool:
    try:
        registry.entry(kind, name)
    except UnknownComponentError:
        return False
    return True


def load_pipeline(path: str | Path | None, registry: Registry) -> Pipeline:
    """Read and validate a pipeline file (the built-in default when ``path`` is None)."""
    if path is None:
        return parse_pipeline(DEFAULT_PIPELINE, registry, source="<built-in pipeline>")
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(
            f"cannot read {file}", [Problem(location=str(file), message=error.strerror or str(error))]
        ) from error
    return parse_pipeline(text, registry, source=str(file))


def stage_names(pipeline: Pipeline) -> Sequence[str]:
    return [stage.type for stage in pipeline.stages]
