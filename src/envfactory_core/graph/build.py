"""Building a tool graph from environment specs: flatten, label, link, assemble.

The graph needs only :class:`~envfactory_core.models.EnvironmentSpec` values, so specs of
installed domains, generated environments and loaded files all work the same way::

    specs, notes = environment_specs(registry)            # installed, non-evaluation environments
    graph = build_tool_graph(specs, linker="core/lexical", labeller="core/rules", registry=registry)

Bad input is reported, not crashed on: a tool whose schema is not JSON Schema is skipped, an
unknown parameter type is typed ``any``, a link a linker got wrong is dropped; each leaves a
:class:`~envfactory_core.graph.records.GraphIssue` on ``graph.issues``. ``strict=True`` turns any
issue into a :class:`~envfactory_core.graph.errors.GraphBuildError` instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ..contracts import EMBEDDER, ENVIRONMENT, LABELLER, LINKER, Embedder, Kind, Labeller, Linker
from ..errors import EnvFactoryError, Problem
from ..models import EnvironmentSpec
from ..options import component_label, configure
from ..serialize import record_id
from .errors import GraphBuildError
from .flatten import InvalidSchema, flatten_tool
from .linkers import LinkContext
from .records import EnvironmentNode, GraphIssue, GraphSource, Label, Link, Parameter, ToolNode
from .tool_graph import ToolGraph

if TYPE_CHECKING:
    from ..registry import Registry

__all__ = ["build_tool_graph", "environment_specs"]


def _registry_for(kind: str, name: str, registry: Registry | None) -> Registry:
    """The caller's registry, which resolves registered names; the graph never builds its own."""
    if registry is None:
        raise TypeError(f"{kind} {name!r} is a registered name: pass registry= to resolve it, or pass a {kind} object")
    return registry


def _spec_of(component: Any) -> EnvironmentSpec:
    if isinstance(component, EnvironmentSpec):
        return component
    spec = getattr(component, "spec", None)
    if isinstance(spec, EnvironmentSpec):
        return spec
    raise TypeError(f"{type(component).__name__} is neither an Environment nor an EnvironmentSpec")


def environment_specs(
    registry: Registry, names: Sequence[str] = (), *, include_evaluation: bool = False
) -> tuple[list[EnvironmentSpec], list[GraphIssue]]:
    """The specs of registered environments, and the issues met while reading them.

    With ``names`` (registered names like ``commerce/storefront``, short names, or environment
    names), exactly those, evaluation-only ones included; an unknown name or a broken environment
    is an error. Without, every registered environment except evaluation-only ones (unless
    ``include_evaluation``); a broken one is skipped with an issue.
    """
    entries = registry.components(ENVIRONMENT)
    issues: list[GraphIssue] = []
    if names:
        specs: list[EnvironmentSpec] = []
        problems: list[Problem] = []
        for name in names:
            entry = next((e for e in entries if name in (e.name, e.short_name)), None)
            if entry is None:
                entry = next((e for e in entries if getattr(e.component, "name", None) == name), None)
            if entry is None:
                known = ", ".join(e.name for e in entries) or "none installed"
                problems.append(
                    Problem(location=name, message="no such environment", fix=f"registered environments: {known}")
                )
                continue
            try:
                specs.append(_spec_of(entry.component))
            except (EnvFactoryError, ValueError, TypeError) as error:
                problems.append(Problem(location=entry.name, message=f"cannot describe it: {error}"))
        if problems:
            raise GraphBuildError("cannot use the named environments", problems)
        return specs, issues
    found: list[EnvironmentSpec] = []
    for entry in entries:
        try:
            spec = _spec_of(entry.component)
        except (EnvFactoryError, ValueError, TypeError) as error:
            issues.append(
                GraphIssue(
                    location=entry.name,
                    message=f"cannot describe it: {error}",
                    action="skipped_environment",
                    fix=f"fix or uninstall {entry.distribution or entry.plugin}",
                )
            )
            continue
        if spec.evaluation_only and not include_evaluation:
            continue
        found.append(spec)
    return found, issues


def _resolve(
    kind: Kind[Any], component: Any, options: Mapping[str, Any] | None, registry: Registry | None
) -> tuple[Any, str]:
    if isinstance(component, str):
        entry = _registry_for(kind.name, component, registry).entry(kind, component)
        return configure(entry.component, options, what=kind.name), entry.name
    return configure(component, options, what=kind.name), component_label(component)


def _label(tools: list[ToolNode], labeller: Labeller, issues: list[GraphIssue]) -> list[ToolNode]:
    labels: Mapping[str, Label] = labeller.label(tools)
    labelled: list[ToolNode] = []
    for tool in tools:
        inputs: list[Parameter] = []
        for parameter in tool.inputs:
            label = labels.get(parameter.id)
            if label is None:
                issues.append(
                    GraphIssue(
                        location=parameter.id,
                        message="the labeller gave no label; treated as not user-providable",
                        action="unlabelled",
                    )
                )
                label = Label(user_providable=False, reason="unlabelled")
            inputs.append(attrs.evolve(parameter, user_providable=label.user_providable, label_reason=label.reason))
        labelled.append(attrs.evolve(tool, inputs=tuple(inputs)))
    return labelled


def _checked_links(links: Iterable[Link], tools: list[ToolNode], linker: str, issues: list[GraphIssue]) -> list[Link]:
    parameters = {parameter.id: parameter for tool in tools for parameter in (*tool.inputs, *tool.outputs)}
    best: dict[tuple[str, str], Link] = {}
    for link in links:
        source, target = parameters.get(link.source), parameters.get(link.target)
        problem = ""
        if source is None or source.direction != "output":
            problem = f"source {link.source!r} is not an output parameter"
        elif target is None or target.direction != "input":
            problem = f"target {link.target!r} is not an input parameter"
        elif source.tool == target.tool:
            problem = "it connects a tool to itself"
        elif not 0.0 <= link.score <= 1.0:
            problem = f"its score {link.score} is outside [0, 1]"
        if problem:
            issues.append(
                GraphIssue(
                    location=f"{link.source} -> {link.target}",
                    message=f"{linker} made a bad link: {problem}",
                    action="dropped_link",
                    fix=f"report it to the author of {linker}",
                )
            )
            continue
        key = (link.source, link.target)
        if key not in best or link.score > best[key].score:
            best[key] = link
    return list(best.values())


def build_tool_graph(
    specs: Iterable[EnvironmentSpec],
    *,
    linker: Linker | str = "core/lexical",
    labeller: Labeller | str = "core/rules",
    linker_options: Mapping[str, Any] | None = None,
    labeller_options: Mapping[str, Any] | None = None,
    registry: Registry | None = None,
    embedders: Mapping[str, Embedder] | None = None,
    strict: bool = False,
    issues: Sequence[GraphIssue] = (),
) -> ToolGraph:
    """Build the tool graph of ``specs`` with a linker and a labeller (objects or registered names).

    Registered names are resolved in ``registry``, the caller's (the CLI's or the run's).
    ``embedders`` supplies embedders by name for linkers that ask for one (default: the
    registry's). ``issues`` are carried over from reading the specs (see
    :func:`environment_specs`). Raises :class:`GraphBuildError` when there is nothing to build,
    when two environments share a name, or (``strict``) when any issue was found.
    """
    specs = sorted(specs, key=lambda spec: spec.name)
    if not specs:
        raise GraphBuildError(
            "cannot build a tool graph",
            [
                Problem(
                    location="environments",
                    message="no environments were given",
                    fix="install a domain package, name environments, or pass --spec-file",
                )
            ],
        )
    names = [spec.name for spec in specs]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise GraphBuildError(
            "cannot build a tool graph",
            [
                Problem(location=name, message="two environments have this name", fix="rename one of them")
                for name in duplicates
            ],
        )
    linker_object, linker_name = _resolve(LINKER, linker, linker_options, registry)
    labeller_object, labeller_name = _resolve(LABELLER, labeller, labeller_options, registry)

    found: list[GraphIssue] = list(issues)
    tools: list[ToolNode] = []
    environments: list[EnvironmentNode] = []
    for spec in specs:
        environments.append(
            EnvironmentNode(
                name=spec.name,
                domain=spec.domain,
                description=spec.description,
                spec_id=record_id(spec),
                evaluation_only=spec.evaluation_only,
            )
        )
        for tool_spec in spec.tools:
            try:
                node, tool_issues = flatten_tool(spec.name, tool_spec)
            except InvalidSchema as error:
                found.append(
                    GraphIssue(
                        location=error.location,
                        message=f"not valid JSON Schema: {error.message}",
                        action="skipped_tool",
                        fix="fix the tool's schema",
                    )
                )
                continue
            found.extend(tool_issues)
            tools.append(node)
    if strict and found:
        raise GraphBuildError(
            "the environments have problems (strict mode)",
            [
                Problem(location=issue.location, message=f"{issue.message} [{issue.action}]", fix=issue.fix)
                for issue in found
            ],
        )
    if not tools:
        raise GraphBuildError(
            "cannot build a tool graph",
            [
                Problem(
                    location="environments",
                    message=f"none of {', '.join(names)} has a usable tool",
                    fix="see the issues above, or declare tools",
                )
            ],
        )
    tools = _label(tools, labeller_object, found)

    def resolve_embedder(name: str) -> Embedder:
        if embedders is not None and name in embedders:
            return embedders[name]
        return _registry_for("embedder", name, registry).get(EMBEDDER, name)

    def resolve_linker(name: str) -> Any:
        return _registry_for("linker", name, registry).get(LINKER, name)

    context = LinkContext(
        environments={spec.name: spec for spec in specs},
        resolve_embedder=resolve_embedder,
        resolve_linker=resolve_linker,
    )
    links = _checked_links(linker_object.link(tools, context), tools, linker_name, found)
    linker_settings = dict(linker_object.settings())
    if context.used:
        linker_settings["embedders"] = dict(sorted(context.used.items()))
    source = GraphSource(
        environments=tuple(environments),
        linker=linker_name,
        linker_settings=linker_settings,
        labeller=labeller_name,
        labeller_settings=dict(labeller_object.settings()),
    )
    return ToolGraph(source=source, tools=tools, links=links, issues=found)
