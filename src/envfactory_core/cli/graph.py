"""``envfactory graph``: build, inspect, sample and export the tool graph."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from statistics import fmean
from typing import Any, TypeVar

import cattrs
import cattrs.v
import click
from rich.table import Table

from ..contracts import LABELLER, LINKER, SAMPLER, Kind
from ..errors import Problem, RecordError
from ..graph import (
    EXPORT_FORMATS,
    ToolGraph,
    build_tool_graph,
    environment_specs,
    export_graph,
    graph_stats,
)
from ..graph.errors import GraphBuildError
from ..graph.records import GraphIssue
from ..ids import canonical_json
from ..models import EnvironmentSpec, ToolChain
from ..options import configure, parse_option_pairs
from ..serialize import converter, to_json
from .app import App, echo_json, fail, handle_errors, pass_app, stderr_console, stdout_console

__all__ = ["graph_group"]

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_GRAPH_FILE = "tool-graph.json"


def _build_options(function: F) -> F:
    """Options that say how to build a graph (shared by every command that may build one)."""
    options = [
        click.option(
            "--spec-file",
            "spec_files",
            multiple=True,
            type=click.Path(dir_okay=False, exists=True),
            help="An EnvironmentSpec JSON file (one spec or a list); repeatable. Adds to named environments.",
        ),
        click.option(
            "--include-evaluation",
            is_flag=True,
            help="When using every installed environment, include evaluation-only ones too.",
        ),
        click.option("--linker", default="core/lexical", show_default=True, help="Registered linker (kind 'linker')."),
        click.option(
            "--linker-option",
            "linker_options",
            multiple=True,
            metavar="KEY=VALUE",
            help="Linker option, e.g. top_k=5 (repeatable).",
        ),
        click.option(
            "--labeller", default="core/rules", show_default=True, help="Registered labeller (kind 'labeller')."
        ),
        click.option(
            "--labeller-option",
            "labeller_options",
            multiple=True,
            metavar="KEY=VALUE",
            help="Labeller option, e.g. default=false (repeatable).",
        ),
        click.option(
            "--strict", is_flag=True, help="Fail on any schema issue instead of skipping what cannot be used."
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _source_options(function: F) -> F:
    """``--graph FILE`` or ``--env NAME``: where a command gets its graph."""
    function = _build_options(function)
    function = click.option(
        "--env", "envs", multiple=True, metavar="NAME", help="Build from this registered environment (repeatable)."
    )(function)
    return click.option(
        "--graph",
        "graph_file",
        type=click.Path(dir_okay=False),
        default=None,
        help=f"A graph file written by `envfactory graph build` (e.g. {DEFAULT_GRAPH_FILE}). Without it the graph is "
        "built now from --env/--spec-file or every installed environment.",
    )(function)


def _read_spec_files(paths: Sequence[str]) -> list[EnvironmentSpec]:
    specs: list[EnvironmentSpec] = []
    for path in paths:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise RecordError(
                f"{path} is not JSON",
                [Problem(location=f"line {error.lineno} column {error.colno}", message=error.msg)],
            ) from error
        items = data if isinstance(data, list) else [data]
        for position, item in enumerate(items):
            where = path if len(items) == 1 else f"{path}[{position}]"
            specs.append(_spec_from_json(item, where))
    return specs


def _explain(error: BaseException, kind: type | None) -> str:
    """cattrs says "invalid value" for a failed validator; the validator's own message says why."""
    if isinstance(error, (ValueError, TypeError)) and str(error):
        return str(error)
    return cattrs.v.format_exception(error, kind)


def _spec_from_json(data: Any, where: str) -> EnvironmentSpec:
    try:
        spec: EnvironmentSpec = converter.structure(data, EnvironmentSpec)
    except cattrs.BaseValidationError as error:
        messages = cattrs.transform_error(error, path="EnvironmentSpec", format_exception=_explain)
        problems = [Problem(location="", message=message) for message in messages]
        raise RecordError(f"{where} is not a valid EnvironmentSpec", problems) from error
    except (ValueError, TypeError) as error:
        problems = [Problem(location="", message=str(error))]
        raise RecordError(f"{where} is not a valid EnvironmentSpec", problems) from error
    return spec


def _build(
    app: App,
    *,
    envs: Sequence[str],
    spec_files: Sequence[str],
    include_evaluation: bool,
    linker: str,
    linker_options: Sequence[str],
    labeller: str,
    labeller_options: Sequence[str],
    strict: bool,
) -> ToolGraph:
    specs: list[EnvironmentSpec] = []
    issues: list[GraphIssue] = []
    if envs or not spec_files:
        specs, issues = environment_specs(app.registry, envs, include_evaluation=include_evaluation)
        if not envs and not specs:
            raise GraphBuildError(
                "cannot build a tool graph",
                [
                    Problem(
                        location="environments",
                        message="no environment is installed",
                        fix="install a domain package (pip install ...), or pass --spec-file FILE",
                    )
                ],
            )
    specs.extend(_read_spec_files(spec_files))
    with contextlib.ExitStack() as stack:
        if _needs_llm(app, (LINKER, linker), (LABELLER, labeller)):
            from ..llm import LLMClient
            from ..synthesis.runtime import using_llm

            # An LLM linker or labeller has no task context: it uses this command's client.
            stack.enter_context(using_llm(stack.enter_context(LLMClient(registry=app.registry))))
        stack.enter_context(stderr_console().status(f"Building the tool graph of {len(specs)} environments"))
        return build_tool_graph(
            specs,
            linker=linker,
            labeller=labeller,
            linker_options=parse_option_pairs(linker_options, flag="--linker-option"),
            labeller_options=parse_option_pairs(labeller_options, flag="--labeller-option"),
            registry=app.registry,
            strict=strict,
            issues=issues,
        )


def _needs_llm(app: App, *named: tuple[Kind[Any], str]) -> bool:
    """Whether the named linker or labeller calls a language model (an unknown name is reported later)."""
    for kind, name in named:
        try:
            if getattr(app.registry.get(kind, name), "needs_llm", False):
                return True
        except KeyError:
            continue
    return False


def _obtain(app: App, graph_file: str | None, envs: Sequence[str], **build: Any) -> ToolGraph:
    if graph_file:
        if envs or build.get("spec_files"):
            fail("give --graph FILE or environments (--env/--spec-file), not both")
        return ToolGraph.load(graph_file)
    return _build(app, envs=envs, **build)


def _summary(graph: ToolGraph) -> dict[str, Any]:
    nodes, edges = graph.node_counts(), graph.edge_counts()
    return {
        "content_id": graph.content_id,
        "environments": len(graph.environments),
        "tools": nodes["tool"],
        "parameters": nodes["input"] + nodes["output"],
        "edges": edges,
        "reachable_tools": len(graph.reachable_tools),
        "issues": [str(issue) for issue in graph.issues],
    }


@click.group("graph")
def graph_group() -> None:
    """Build, inspect, sample and export the tool graph.

    The tool graph links tool outputs to the inputs of other tools (data flow) over every
    environment; samplers walk it to draw tool chains whose inputs are filled by the user or by
    earlier tools. Start with `envfactory graph build`, then `stats`, `show TOOL` and `sample`.
    """


@graph_group.command("build")
@click.argument("environments", nargs=-1)
@_build_options
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False),
    default=DEFAULT_GRAPH_FILE,
    show_default=True,
    help="Where to write the graph (canonical JSON).",
)
@click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Also keep the graph in this run directory's store (content-addressed).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_app
@handle_errors
def build_command(
    app: App, /, environments: tuple[str, ...], out: str, store_dir: str | None, as_json: bool, **build: Any
) -> None:
    """Build the tool graph of ENVIRONMENTS (default: every installed, non-evaluation environment).

    ENVIRONMENTS are registered names (`commerce/storefront`, or a unique short name). Schemas that
    cannot be used are skipped and listed as issues (or fail the build with --strict).
    """
    graph = _build(app, envs=environments, **build)
    path = graph.save(out)
    summary = _summary(graph) | {"out": str(path)}
    if store_dir:
        from ..store import RunStore

        with RunStore(store_dir) as store:
            summary["store"] = str(store.path)
            summary["store_id"] = graph.save_to_store(store)
    if as_json:
        echo_json(summary)
        return
    console = stdout_console()
    console.print(
        f"Built the tool graph of {summary['environments']} environments: {summary['tools']} tools, "
        f"{summary['parameters']} parameters, {summary['edges']['data_flow']} data-flow links, "
        f"{summary['reachable_tools']} tools reachable in a valid chain."
    )
    for issue in graph.issues:
        console.print(f"  [yellow]issue[/yellow] {issue}", highlight=False, markup=True)
    console.print(f"Wrote {path} ({graph.content_id})")


@graph_group.command("stats")
@_source_options
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON.")
@pass_app
@handle_errors
def stats_command(app: App, /, graph_file: str | None, envs: tuple[str, ...], as_json: bool, **build: Any) -> None:
    """Nodes, edges by type, linked environment pairs, unreachable tools, inputs nobody can fill."""
    graph = _obtain(app, graph_file, envs, **build)
    report = graph_stats(graph)
    if as_json:
        echo_json(report)
        return
    console = stdout_console()
    table = Table(title=f"Tool graph {graph.content_id[:19]}…", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    nodes, edges, inputs = report["nodes"], report["edges"], report["inputs"]
    rows = [
        ("environments", report["environments"]),
        ("tools", nodes["tool"]),
        ("input parameters", nodes["input"]),
        ("output parameters", nodes["output"]),
        ("edges: input (param → tool)", edges["input"]),
        ("edges: output (tool → param)", edges["output"]),
        ("edges: data flow (output → input)", edges["data_flow"]),
        ("edges: dependency (tool → tool)", edges["dependency"]),
        *((f"links by {reason}", count) for reason, count in report["links_by_reason"].items()),
        ("user-providable inputs", f"{inputs['user_providable']} of {inputs['total']}"),
        ("inputs nobody can fill", f"{inputs['unfillable']} ({inputs['unfillable_required']} required)"),
        ("linked environment pairs", len(report["linked_environment_pairs"])),
        ("tools reachable in a valid chain", report["reachable_tools"]),
        ("unreachable tools", len(report["unreachable_tools"])),
        ("isolated tools", len(report["isolated_tools"])),
        ("deepest prerequisite nesting", report["max_depth"]),
        ("issues", len(report["issues"])),
    ]
    for label, value in rows:
        table.add_row(label, str(value))
    console.print(table)
    pairs = report["linked_environment_pairs"][:10]
    if pairs:
        pair_table = Table(title="Most linked environment pairs")
        for column in ("from", "to", "tool pairs"):
            pair_table.add_column(column)
        for pair in pairs:
            pair_table.add_row(pair["source"], pair["target"], str(pair["tool_pairs"]))
        console.print(pair_table)
    for name in report["unreachable_tools"][:20]:
        console.print(f"unreachable: {name}", highlight=False)
    for item in report["unfillable_inputs"][:20]:
        mark = "required" if item["required"] else "optional"
        console.print(f"nobody can fill: {item['input']} ({mark}; {item['reason']})", highlight=False)
    for issue in report["issues"][:20]:
        console.print(f"issue: {issue}", highlight=False)


@graph_group.command("show")
@click.argument("tool")
@_source_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
@handle_errors
def show_command(
    app: App, /, tool: str, graph_file: str | None, envs: tuple[str, ...], as_json: bool, **build: Any
) -> None:
    """One TOOL (`env__tool`, or a unique bare name): parameters, who fills its inputs, who uses its outputs."""
    graph = _obtain(app, graph_file, envs, **build)
    node = graph.tool(tool)
    inputs = [
        to_json(parameter) | {"providers": [to_json(link) for link in graph.providers(parameter.id)]}
        for parameter in node.inputs
    ]
    outputs = [
        to_json(parameter) | {"consumers": [to_json(link) for link in graph.consumers(parameter.id)]}
        for parameter in node.outputs
    ]
    report = {
        "name": node.name,
        "environment": node.environment,
        "description": node.description,
        "effect": node.effect,
        "depth": graph.depth(node.name),
        "inputs": inputs,
        "outputs": outputs,
        "predecessors": list(graph.predecessors(node.name)),
        "successors": list(graph.successors(node.name)),
    }
    if as_json:
        echo_json(report)
        return
    console = stdout_console()
    depth = report["depth"]
    reach = "never (a required input nobody can fill)" if depth is None else f"after {depth} level(s) of earlier tools"
    console.print(f"[bold]{node.name}[/bold] ({node.effect}): {node.description}")
    console.print(f"Reachable in a valid chain: {reach}", highlight=False)
    table = Table(title="Inputs")
    for column in ("input", "type", "required", "user", "filled by (best first)"):
        table.add_column(column, overflow="fold")
    for parameter, item in zip(node.inputs, inputs, strict=True):
        providers = item["providers"]
        shown = ", ".join(f"{link['source']} ({link['reason']} {link['score']:g})" for link in providers[:4])
        more = f" +{len(providers) - 4} more" if len(providers) > 4 else ""
        table.add_row(
            parameter.path,
            parameter.type,
            "yes" if parameter.required else "no",
            "yes" if parameter.user_providable else "no",
            (shown + more) or "-",
        )
    console.print(table)
    table = Table(title="Outputs")
    for column in ("output", "type", "feeds"):
        table.add_column(column, overflow="fold")
    for parameter, item in zip(node.outputs, outputs, strict=True):
        consumers = item["consumers"]
        shown = ", ".join(link["target"] for link in consumers[:4])
        more = f" +{len(consumers) - 4} more" if len(consumers) > 4 else ""
        table.add_row(parameter.path, parameter.type, (shown + more) or "-")
    console.print(table)


def _chain_summary(chains: Sequence[ToolChain]) -> dict[str, Any]:
    valid = [chain for chain in chains if chain.valid]
    return {
        "chains": len(chains),
        "valid": len(valid),
        "valid_share": round(len(valid) / len(chains), 4) if chains else 0.0,
        "distinct_tools": len({tool for chain in chains for tool in chain.tools}),
        "distinct_tools_in_valid": len({tool for chain in valid for tool in chain.tools}),
        "mean_length": round(fmean(len(chain.tools) for chain in chains), 3) if chains else 0.0,
        "mean_environments": round(fmean(len(chain.environments) for chain in chains), 3) if chains else 0.0,
    }


@graph_group.command("sample")
@click.option(
    "--sampler",
    "sampler_name",
    default="core/topology",
    show_default=True,
    help="Registered sampler: core/topology, core/random_walk, core/coverage, or a plugin's.",
)
@click.option("--chains", "count", type=click.IntRange(min=0), default=10, show_default=True, help="How many chains.")
@click.option(
    "-n", "count", type=click.IntRange(min=0), default=10, hidden=True, help="Deprecated spelling of --chains."
)
@click.option("--seed", type=int, default=0, show_default=True, help="Batch seed: the same seed gives the same chains.")
@click.option(
    "--option",
    "options",
    multiple=True,
    metavar="KEY=VALUE",
    help="Sampler option, e.g. max_tools=8 or max_servers=2 (repeatable; see docs/reference/graph.md).",
)
@click.option(
    "--out", "out", type=click.Path(dir_okay=False), default=None, help="Also write the chains as JSON lines here."
)
@_source_options
@click.option("--json", "as_json", is_flag=True, help="Print the chains and a summary as JSON.")
@pass_app
@handle_errors
def sample_command(
    app: App,
    /,
    sampler_name: str,
    count: int,
    seed: int,
    options: tuple[str, ...],
    out: str | None,
    graph_file: str | None,
    envs: tuple[str, ...],
    as_json: bool,
    **build: Any,
) -> None:
    """Sample N tool chains with a sampler and a seed; each carries its bindings and validity."""
    graph = _obtain(app, graph_file, envs, **build)
    entry = app.registry.entry(SAMPLER, sampler_name)
    sampler = configure(entry.component, parse_option_pairs(options), what="sampler")
    chains: list[ToolChain] = []
    with stderr_console().status(f"Sampling {count} chains with {entry.name}"):
        chains.extend(sampler.sample_many(graph, count, seed=seed))
    summary = _chain_summary(chains)
    if out:
        Path(out).write_text("".join(canonical_json(to_json(chain)) + "\n" for chain in chains), encoding="utf-8")
    if as_json:
        echo_json(
            {
                "graph": graph.content_id,
                "sampler": entry.name,
                "options": sampler.options(),
                "seed": seed,
                "summary": summary,
                "chains": [to_json(chain) for chain in chains],
            }
        )
        return
    console = stdout_console()
    table = Table(title=f"{count} chains from {entry.name} (seed {seed})")
    for column in ("#", "valid", "turns", "tools"):
        table.add_column(column, overflow="fold")
    for number, chain in enumerate(chains):
        turns = " | ".join(" → ".join(chain.tools[step] for step in turn) for turn in chain.turns)
        table.add_row(str(number), "yes" if chain.valid else "[red]no[/red]", str(len(chain.turns)), turns)
    console.print(table)
    console.print(
        f"{summary['valid']} of {summary['chains']} valid ({summary['valid_share']:.0%}); "
        f"{summary['distinct_tools']} distinct tools; mean length {summary['mean_length']}; "
        f"mean environments per chain {summary['mean_environments']}",
        highlight=False,
    )
    if out:
        console.print(f"Wrote {out}")


@graph_group.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="graphml", show_default=True, help="Output format."
)
@click.option("--out", "out", type=click.Path(dir_okay=False), default=None, help="Write here instead of stdout.")
@click.option("--tools-only", is_flag=True, help="DOT only: draw tools and dependency edges, not parameters.")
@_source_options
@pass_app
@handle_errors
def export_command(
    app: App,
    /,
    fmt: str,
    out: str | None,
    tools_only: bool,
    graph_file: str | None,
    envs: tuple[str, ...],
    **build: Any,
) -> None:
    """Export the graph as GraphML (Gephi, yEd, networkx), DOT (Graphviz) or the graph's JSON."""
    graph = _obtain(app, graph_file, envs, **build)
    text = export_graph(graph, fmt, tools_only=tools_only)
    if out:
        Path(out).write_text(text, encoding="utf-8")
        stderr_console().print(f"Wrote {out} ({fmt})")
    else:
        click.echo(text, nl=False)
