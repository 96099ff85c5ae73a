"""``envfactory envgen build``: sources → loaders → specs → a builder → the validation loop → a run store.

Each environment's build has a key (the content id of builder, model, spec and resources). Its
generated code, every validation and every revision are checkpoints in the run store; running the
same build again into the same run directory skips what is finished and resumes what is not.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs

from envfactory_core.contracts import ENVIRONMENT_BUILDER, RESOURCE_LOADER
from envfactory_core.errors import EnvFactoryError, Problem
from envfactory_core.ids import content_id
from envfactory_core.loaders import LoadResult
from envfactory_core.models import EnvironmentSpec, Resource
from envfactory_core.registry import Registry
from envfactory_core.serialize import to_json
from envfactory_core.store import RunStore

from .documents import Document
from .errors import BuildError, SourceError
from .loaders.mcp_listing import listing_spec
from .loaders.sniff import resolve_loader_name
from .records import GeneratedEnvironment, SkippedOperation
from .sandbox.limits import SandboxLimits
from .validate.checkpoints import Checkpoints, history_json
from .validate.loop import LoopOutcome, Reviser, validation_loop

__all__ = ["BuildSummary", "EnvironmentOutcome", "load_sources", "resolve_loader", "run_build"]

Progress = Callable[..., None]


@attrs.frozen(kw_only=True)
class EnvironmentOutcome:
    """What became of one environment."""

    name: str
    source: str
    status: str
    reason: str = ""
    builder: str = ""
    tools: int = 0
    write_tools: int = 0
    iterations: int = 0
    scenarios: int = 0
    resumed: bool = False
    skipped: tuple[SkippedOperation, ...] = ()
    history: tuple[dict[str, Any], ...] = ()
    key: str = ""

    @property
    def built(self) -> bool:
        return self.status in ("verified", "failed") and self.tools > 0


@attrs.frozen(kw_only=True)
class BuildSummary:
    """Every environment of a build, and the sources' skipped operations."""

    outcomes: tuple[EnvironmentOutcome, ...]
    skipped: tuple[SkippedOperation, ...] = ()
    run_dir: str = ""

    @property
    def built(self) -> int:
        return sum(outcome.built for outcome in self.outcomes)

    @property
    def verified(self) -> int:
        return sum(outcome.status == "verified" for outcome in self.outcomes)

    @property
    def failed(self) -> tuple[EnvironmentOutcome, ...]:
        return tuple(outcome for outcome in self.outcomes if outcome.status != "verified")

    def to_json(self) -> dict[str, Any]:
        return {
            "built": self.built,
            "verified": self.verified,
            "failed": [{"name": outcome.name, "reason": outcome.reason} for outcome in self.failed],
            "skipped_operations": [
                {"operation": item.operation, "reason": item.reason, "source": item.source} for item in self.skipped
            ],
            "environments": [
                {
                    "name": outcome.name,
                    "source": outcome.source,
                    "status": outcome.status,
                    "builder": outcome.builder,
                    "tools": outcome.tools,
                    "scenarios": outcome.scenarios,
                    "iterations": outcome.iterations,
                    "resumed": outcome.resumed,
                    "skipped_operations": len(outcome.skipped),
                    "history": list(outcome.history),
                }
                for outcome in self.outcomes
            ],
            "run_dir": self.run_dir,
        }


def resolve_loader(registry: Registry, source: str) -> Any:
    """The loader for ``source``: asked of the plugins first, then recognised from the file itself."""
    name = registry.manager.hook.resolve_resource_loader(source=source)
    if name is None:
        name = resolve_loader_name(source)
    if name is None:
        for entry in registry.components(RESOURCE_LOADER):
            try:
                if entry.component.can_load(source):
                    return entry.component
            except Exception:  # a loader's sniffing bug must not stop the others
                continue
        path = Path(source)
        if not path.exists():
            raise SourceError(
                f"cannot read {source}", [Problem(location=source, message="no such file", fix="check the path")]
            )
        raise SourceError(
            f"cannot read {source}",
            [
                Problem(
                    location=source,
                    message="no loader recognises it",
                    fix="give an OpenAPI/Swagger document (.yaml/.json), a metadata JSON, a Python sketch (.py) "
                    "or a saved "
                    "MCP listing (.json)",
                )
            ],
        )
    return registry.get(RESOURCE_LOADER, name)


def _specs(result: LoadResult, source: str) -> list[tuple[EnvironmentSpec, tuple[Resource, ...]]]:
    if result.specs:
        return [(spec, result.resources) for spec in result.specs]
    pairs: list[tuple[EnvironmentSpec, tuple[Resource, ...]]] = []
    for resource in result.resources:
        if resource.kind == "mcp_listing":
            document = Document(source, resource.text, json.loads(resource.text), "json")
            pairs.append((listing_spec(document), (resource,)))
    return pairs


def load_sources(
    registry: Registry, sources: Sequence[str]
) -> tuple[list[tuple[str, EnvironmentSpec, tuple[Resource, ...]]], list[SkippedOperation]]:
    """Every source's draft specs (with their resources) and skipped operations; all load errors at once."""
    found: list[tuple[str, EnvironmentSpec, tuple[Resource, ...]]] = []
    skipped: list[SkippedOperation] = []
    problems: list[Problem] = []
    empty: list[str] = []
    for source in sources:
        try:
            loader = resolve_loader(registry, source)
            result = loader.load(source)
        except SourceError as error:
            problems.extend(error.problems)
            continue
        pairs = _specs(result, source)
        found.extend((source, *pair) for pair in pairs)
        skipped.extend(
            SkippedOperation(operation=item.location, reason=item.message, source=source) for item in result.skipped
        )
        if not pairs:
            empty.append(source)
    if problems:
        raise SourceError("some sources cannot be used", problems)
    if not found:
        raise SourceError(
            "nothing to build",
            [
                Problem(
                    location=source,
                    message="nothing stateful: every operation was left out (see the skipped operations)",
                    fix="--builder envgen/llm_builder can write behaviour a document only names",
                )
                for source in empty
            ],
        )
    names: dict[str, str] = {}
    for source, spec, _ in found:
        if spec.name in names and names[spec.name] != source:
            raise SourceError(
                "two sources make the same environment",
                [
                    Problem(
                        location=source,
                        message=f"environment {spec.name!r} also comes from {names[spec.name]}",
                        fix="rename one of the files",
                    )
                ],
            )
        names[spec.name] = source
    return found, skipped


def _key(builder: str, model: str, spec: EnvironmentSpec, resources: Sequence[Resource]) -> str:
    return content_id(
        {
            "builder": builder,
            "model": model,
            "spec": to_json(spec),
            "resources": [content_id(resource.text) for resource in resources],
        }
    )


def run_build(
    sources: Sequence[str],
    *,
    registry: Registry,
    builder: str = "envgen/crud",
    model: str | None = None,
    run_dir: str | Path | None = None,
    trusted: bool = False,
    max_revisions: int = 3,
    limits: SandboxLimits | None = None,
    progress: Progress | None = None,
    client: Any = None,
) -> BuildSummary:
    """Build, validate and record an environment per spec found in ``sources``."""
    notify = progress or (lambda *args, **kwargs: None)
    entry = registry.entry(ENVIRONMENT_BUILDER, builder)
    component = entry.component
    if getattr(component, "needs_model", False) and not model:
        raise BuildError(
            f"{entry.name} needs a model",
            [
                Problem(
                    location="--model",
                    message=f"{entry.name} writes code with an LLM",
                    fix="pass --model backend/model, e.g. --model openai/gpt-4.1",
                )
            ],
        )
    specs, skipped = load_sources(registry, sources)
    store = RunStore(run_dir) if run_dir is not None else None
    checkpoints = Checkpoints(store)
    owned: Any = None
    if model and client is None:
        from envfactory_core.llm import LLMClient

        client = owned = LLMClient(registry=registry, store=store)
    reviser: Reviser | None = None
    scenario_writer: Any = None
    if model:
        from .llm.reviser import LLMReviser
        from .llm.scenarios import LLMScenarios

        reviser = LLMReviser(client=client, model=model)
        scenario_writer = LLMScenarios(client=client, model=model)
    outcomes: list[EnvironmentOutcome] = []
    try:
        for source, spec, resources in specs:
            outcomes.append(
                _build_one(
                    source,
                    spec,
                    resources,
                    component=component,
                    builder=entry.name,
                    model=model or "",
                    checkpoints=checkpoints,
                    reviser=reviser,
                    scenario_writer=scenario_writer,
                    client=client,
                    trusted=trusted,
                    max_revisions=max_revisions,
                    limits=limits,
                    notify=notify,
                )
            )
    finally:
        if owned is not None:
            owned.close()  # its HTTP sessions: a client made here is closed here
        if store is not None:
            store.close()
    merged: dict[tuple[str, str, str], SkippedOperation] = {}
    for item in [*skipped, *(item for outcome in outcomes for item in outcome.skipped)]:
        merged.setdefault((item.source or "", item.operation, item.reason), item)
    return BuildSummary(outcomes=tuple(outcomes), skipped=tuple(merged.values()), run_dir=str(run_dir or ""))


def _build_one(
    source: str,
    spec: EnvironmentSpec,
    resources: tuple[Resource, ...],
    *,
    component: Any,
    builder: str,
    model: str,
    checkpoints: Checkpoints,
    reviser: Reviser | None,
    scenario_writer: Any,
    client: Any,
    trusted: bool,
    max_revisions: int,
    limits: SandboxLimits | None,
    notify: Progress,
) -> EnvironmentOutcome:
    key = _key(builder, model, spec, resources)
    previous = checkpoints.build(key)
    if previous is not None and previous.status in ("verified", "failed") and previous.generated is not None:
        notify("resumed", name=spec.name, status=previous.status)
        return _outcome(
            source,
            previous.generated,
            previous.status,
            previous.reason,
            previous.iterations,
            key,
            history=tuple(history_json(checkpoints.iterations(key))),
            resumed=True,
        )
    generated: GeneratedEnvironment | None = previous.generated if previous is not None else None
    resumed = generated is not None
    if generated is None:
        notify("build", name=spec.name, builder=builder)
        try:
            generated = component.build(spec, resources, client=client, model=model)
            if scenario_writer is not None and getattr(component, "wants_scenarios", False):
                notify("scenarios", name=spec.name)
                generated = generated.with_scenarios([*generated.scenarios, *scenario_writer.propose(generated)])
        except EnvFactoryError as error:
            reason = f"the builder failed: {error}"
            checkpoints.save_build(
                key, name=spec.name, source=source, builder=builder, model=model, status="failed", reason=reason
            )
            return EnvironmentOutcome(
                name=spec.name, source=source, status="failed", reason=reason, builder=builder, key=key
            )
        checkpoints.save_build(
            key, name=spec.name, source=source, builder=builder, model=model, status="validating", generated=generated
        )
    outcome: LoopOutcome = validation_loop(
        generated,
        reviser=reviser,
        max_revisions=max_revisions,
        checkpoints=checkpoints,
        key=key,
        trusted=trusted,
        limits=limits,
        progress=notify,
    )
    checkpoints.save_build(
        key,
        name=spec.name,
        source=source,
        builder=builder,
        model=model,
        status=outcome.status,
        generated=outcome.generated,
        report=outcome.report,
        reason=outcome.reason,
        iterations=outcome.iterations,
    )
    notify("done", name=spec.name, status=outcome.status)
    return _outcome(
        source,
        outcome.generated,
        outcome.status,
        outcome.reason,
        outcome.iterations,
        key,
        history=outcome.history,
        resumed=resumed or bool(outcome.resumed_from),
    )


def _outcome(
    source: str,
    generated: GeneratedEnvironment,
    status: str,
    reason: str,
    iterations: int,
    key: str,
    *,
    history: tuple[dict[str, Any], ...],
    resumed: bool,
) -> EnvironmentOutcome:
    return EnvironmentOutcome(
        name=generated.name,
        source=source,
        status=status,
        reason=reason,
        builder=generated.builder,
        tools=len(generated.spec.tools),
        write_tools=sum(tool.effect == "write" for tool in generated.spec.tools),
        iterations=iterations,
        scenarios=len(generated.scenarios),
        resumed=resumed,
        skipped=generated.skipped,
        history=history,
        key=key,
    )
