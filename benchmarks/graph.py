"""Tool graph benchmark: build and sampling speed against a networkx baseline, and sampler quality.

Run: ``python benchmarks/graph.py`` (about a minute on 2 cores). It measures, in one run:

* graph build (flatten, label, link, assemble) on the installed domain environments and on a
  synthetic graph of the paper's size (85 environments, ~680 tools, ~4,200 parameters), against a
  baseline that builds the same graph with the same linking on a ``networkx.DiGraph``, with the
  inverted indexes a competent peer would use (outputs by name key, TF-IDF postings by token)
  instead of an all-pairs input × output loop;
* sampling speed of ``core/topology`` (wall clock, best of five batches of 2,000, and CPU time,
  which a busy machine distorts less) against the reference-style topology sampler written
  directly on the networkx graph (graph queries at every step, chain validation by scanning);
* per sampler, over 2,000 chains: share of valid chains, distinct tools in valid chains, mean
  chain length, mean environments per chain; and the number of chains until every reachable tool
  has appeared in a valid chain.

The baseline needs networkx (not a dependency of envfactory): ``pip install networkx``.
The last line is JSON: ``{"benchmark": "graph", "figures": {...}, "ratios": {...}}``.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from statistics import fmean
from typing import Any

import _report  # noqa: F401  (imported first, it moves this folder to the end of sys.path)
from _synthetic import synthetic_specs
from rich.console import Console
from rich.table import Table

from envfactory_core import load_registry
from envfactory_core.errors import EnvFactoryError
from envfactory_core.graph import (
    CoverageSampler,
    LexicalLinker,
    RandomWalkSampler,
    RuleLabeller,
    ToolGraph,
    TopologySampler,
    build_tool_graph,
    environment_specs,
    flatten_tool,
)
from envfactory_core.graph.linkers import LinkContext, _Candidates, _document, is_specific, name_key
from envfactory_core.graph.tfidf import TfidfIndex
from envfactory_core.models import EnvironmentSpec

try:
    import networkx as nx
except ImportError:  # pragma: no cover - printed for the user
    print("This benchmark compares against networkx, which is not installed: pip install networkx", file=sys.stderr)
    raise SystemExit(2) from None

QUALITY_CHAINS = 2000
COVERAGE_LIMIT = 20000
SAMPLERS = {
    "core/topology": TopologySampler(),
    "core/random_walk": RandomWalkSampler(),
    "core/coverage": CoverageSampler(),
}
console = Console(width=130)
log = Console(stderr=True)


def best_of(runs: int, function: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


# --- the baseline: networkx, the same linking through inverted indexes ------------------------------


def baseline_build(specs: Sequence[EnvironmentSpec], linker: LexicalLinker) -> nx.DiGraph:
    """The same graph and linking on networkx, with inverted indexes instead of all-pairs scoring."""
    graph = nx.DiGraph()
    tools = []
    for spec in specs:
        for tool_spec in spec.tools:
            node, _ = flatten_tool(spec.name, tool_spec)
            tools.append(node)
    labels = RuleLabeller().label(tools)
    context = LinkContext(environments={spec.name: spec for spec in specs})
    candidates = _Candidates(tools, context, linker.local_ids)
    outputs = candidates.outputs
    inputs = [parameter for tool in tools for parameter in tool.inputs]
    for tool in tools:
        graph.add_node(tool.name, kind="tool", environment=tool.environment)
        for parameter in tool.inputs:
            graph.add_node(
                parameter.id,
                kind="input",
                required=parameter.required,
                user_providable=labels[parameter.id].user_providable,
            )
            graph.add_edge(parameter.id, tool.name, edge_type="parameter_to_tool", required=parameter.required)
        for parameter in tool.outputs:
            graph.add_node(parameter.id, kind="output")
            graph.add_edge(tool.name, parameter.id, edge_type="tool_to_parameter")
    index = TfidfIndex(
        [_document(p, linker.name_weight) for p in outputs] + [_document(p, linker.name_weight) for p in inputs]
    )
    vectors = index.vectors
    # Inverted indexes, as a competent peer would write them: outputs by name key, and for each
    # token the outputs whose vector holds it. Scores add the same terms in the same order as the
    # all-pairs sum (a missing token adds 0.0, which leaves a float sum unchanged), so the links agree.
    by_key: dict[str, list[Any]] = {}
    postings: dict[str, list[tuple[int, float]]] = {}
    for number, output in enumerate(outputs):
        by_key.setdefault(name_key(output), []).append(output)
        for token, weight in vectors[number].items():
            postings.setdefault(token, []).append((number, weight))
    for position, input_ in enumerate(inputs):
        key = name_key(input_)
        local = candidates.local_only(input_, key)
        exact = (
            [output for output in by_key.get(key, ()) if candidates.allowed(output, input_, local)]
            if is_specific(key)
            else []
        )
        chosen: list[tuple[str, float]] = [(output.id, 1.0) for output in exact]
        if not chosen:
            totals: dict[int, float] = {}
            for token, weight in vectors[len(outputs) + position].items():
                for number, theirs in postings.get(token, ()):
                    totals[number] = totals.get(number, 0.0) + weight * theirs
            scored = []
            for number in sorted(totals):
                score, output = totals[number], outputs[number]
                if score >= linker.floor and candidates.allowed(output, input_, local):
                    scored.append((round(score, 4), output.id))
            scored.sort(key=lambda item: (-item[0], item[1]))
            chosen = [(source, score) for score, source in scored[: linker.top_k]]
        for source, score in chosen:
            graph.add_edge(source, input_.id, edge_type="parameter_to_parameter", score=score)
            graph.add_edge(source.partition(":")[0], input_.tool, edge_type="tool_to_tool")
    return graph


class BaselineTopologySampler:
    """The reference topology sampler (§4.1-4.2) on the networkx graph, with a local RNG."""

    def __init__(self, graph: nx.DiGraph, max_tools: int = 10, max_servers: int = 3, max_depth: int = 5) -> None:
        self.graph, self.max_tools, self.max_servers, self.max_depth = graph, max_tools, max_servers, max_depth
        self.tools = sorted(node for node, data in graph.nodes(data=True) if data["kind"] == "tool")

    def _inputs(self, tool: str) -> list[str]:
        return sorted(
            source
            for source, _, data in self.graph.in_edges(tool, data=True)
            if data["edge_type"] == "parameter_to_tool"
        )

    def _providers(self, parameter: str) -> list[str]:
        found = []
        for output, _, data in self.graph.in_edges(parameter, data=True):
            if data["edge_type"] == "parameter_to_parameter":
                found.extend(
                    tool
                    for tool, _, d in self.graph.in_edges(output, data=True)
                    if d["edge_type"] == "tool_to_parameter"
                )
        return sorted(set(found))

    def _satisfied(self, parameter: str, visited: list[str]) -> bool:
        return bool(self.graph.nodes[parameter]["user_providable"]) or any(
            p in visited for p in self._providers(parameter)
        )

    def _servers(self, tools: list[str]) -> set[str]:
        return {self.graph.nodes[tool]["environment"] for tool in tools}

    def _prior(self, node: str, visited: list[str], depth: int, rng: random.Random) -> list[str]:
        if depth >= self.max_depth:
            return []
        chosen: list[str] = []
        for parameter in self._inputs(node):
            if not self.graph.nodes[parameter]["required"] and rng.random() < 0.6:
                continue
            if self._satisfied(parameter, visited + chosen) and rng.random() < 0.9:
                continue
            candidates = [t for t in self._providers(parameter) if t != node and t not in visited and t not in chosen]
            servers = self._servers(visited + chosen)
            if len(servers) >= self.max_servers:
                candidates = [t for t in candidates if self.graph.nodes[t]["environment"] in servers]
            if not candidates:
                continue
            provider = rng.choice(candidates)
            chosen.extend(self._prior(provider, visited + chosen, depth + 1, rng))
            chosen.append(provider)
        return chosen

    def _valid(self, chain: list[str]) -> bool:
        for step, tool in enumerate(chain):
            for parameter in self._inputs(tool):
                if self.graph.nodes[parameter]["required"] and not self._satisfied(parameter, chain[:step]):
                    return False
        return True

    def sample(self, seed: int) -> tuple[list[str], bool]:
        rng = random.Random(seed)
        queue, visited = [rng.choice(self.tools)], []
        while queue and len(visited) < self.max_tools:
            current = queue.pop(0)
            for prior in self._prior(current, visited, 0, rng):
                if prior not in visited:
                    visited.append(prior)
            visited.append(current)
            servers = self._servers(visited)
            succ = [
                t
                for _, t, d in self.graph.out_edges(current, data=True)
                if d["edge_type"] == "tool_to_tool"
                and t not in visited
                and (len(servers) < self.max_servers or self.graph.nodes[t]["environment"] in servers)
            ]
            if succ:
                queue.extend(rng.sample(sorted(succ), rng.randint(1, len(succ))))
            else:
                env = self.graph.nodes[current]["environment"]
                queue.append(rng.choice([t for t in self.tools if self.graph.nodes[t]["environment"] == env]))
        return visited, self._valid(visited)


# --- measurements ---------------------------------------------------------------------------------


def link_agreement(graph: ToolGraph, baseline: nx.DiGraph) -> float:
    ours = {(link.source, link.target) for link in graph.links}
    theirs = {(s, t) for s, t, d in baseline.edges(data=True) if d["edge_type"] == "parameter_to_parameter"}
    return len(ours & theirs) / max(1, len(ours | theirs))


def quality(graph: ToolGraph) -> dict[str, dict[str, Any]]:
    report: dict[str, dict[str, Any]] = {}
    reachable = set(graph.reachable_tools)
    for name, sampler in SAMPLERS.items():
        chains = list(sampler.sample_many(graph, QUALITY_CHAINS, seed=0))
        valid = [chain for chain in chains if chain.valid]
        covered: set[str] = set()
        to_full: int | None = None
        for number, chain in enumerate(sampler.sample_many(graph, COVERAGE_LIMIT, seed=0), start=1):
            if chain.valid:
                covered.update(chain.tools)
            if covered >= reachable:
                to_full = number
                break
        report[name] = {
            "valid_share": round(len(valid) / len(chains), 4),
            "distinct_tools": len({tool for chain in valid for tool in chain.tools}),
            "mean_length": round(fmean(len(chain.tools) for chain in chains), 2),
            "mean_environments": round(fmean(len(chain.environments) for chain in chains), 2),
            "chains_to_full_coverage": to_full,
        }
    return report


def measure(label: str, specs: list[EnvironmentSpec]) -> dict[str, Any]:
    log.print(f"[bold]{label}[/bold]: {len(specs)} environments")
    linker = LexicalLinker()
    build_s, graph = best_of(3, lambda: build_tool_graph(specs, linker=linker, labeller=RuleLabeller()))
    log.print(f"  built in {build_s:.3f} s; baseline (networkx, inverted indexes) ...")
    baseline_s, baseline = best_of(1, lambda: baseline_build(specs, linker))
    agreement = link_agreement(graph, baseline)

    _ = graph.index  # built once per graph, like a real run
    topology = SAMPLERS["core/topology"]
    n_fast = 2000
    cpu_runs: list[float] = []

    def timed_batch() -> None:
        start = time.process_time()
        list(topology.sample_many(graph, n_fast, seed=1))
        cpu_runs.append(time.process_time() - start)

    sample_s, _ = best_of(5, timed_batch)
    cpu_per_chain = min(cpu_runs) / n_fast
    per_sampler_speed = {}
    for name, sampler in SAMPLERS.items():
        seconds, _ = best_of(2, lambda sampler=sampler: list(sampler.sample_many(graph, 2000, seed=2)))
        per_sampler_speed[name] = round(2000 / seconds)
    environments = len({graph.tool(t).environment for t in graph.tool_names})
    reference = BaselineTopologySampler(baseline, max_servers=min(3, environments))
    n_slow = 300
    reference_s, reference_chains = best_of(1, lambda: [reference.sample(seed) for seed in range(n_slow)])
    log.print("  sampling quality ...")
    return {
        "environments": len(graph.environments),
        "tools": len(graph.tools),
        "parameters": sum(len(t.inputs) + len(t.outputs) for t in graph.tools),
        "links": len(graph.links),
        "reachable_tools": len(graph.reachable_tools),
        "build_s": round(build_s, 4),
        "baseline_build_s": round(baseline_s, 4),
        "build_ratio": round(baseline_s / build_s, 2),
        "link_agreement": round(agreement, 4),
        "chains_per_s": round(n_fast / sample_s),
        "chains_per_cpu_s": round(1 / cpu_per_chain),
        "chains_per_s_by_sampler": per_sampler_speed,
        "baseline_chains_per_s": round(n_slow / reference_s, 1),
        "baseline_valid_share": round(sum(valid for _, valid in reference_chains) / n_slow, 4),
        "sampling_ratio": round((n_fast / sample_s) / (n_slow / reference_s), 1),
        "quality": quality(graph),
    }


def print_tables(label: str, result: dict[str, Any]) -> None:
    table = Table(
        title=f"{label}: {result['environments']} environments, {result['tools']} tools, "
        f"{result['parameters']} parameters, {result['links']} links"
    )
    for column in ("measure", "envfactory (rustworkx)", "baseline (networkx)", "times better"):
        table.add_column(column, justify="right")
    table.add_row(
        "graph build (s)",
        f"{result['build_s']:.3f}",
        f"{result['baseline_build_s']:.3f}",
        f"{result['build_ratio']:.1f}x",
    )
    table.add_row(
        "topology chains per second",
        f"{result['chains_per_s']:,}",
        f"{result['baseline_chains_per_s']:,}",
        f"{result['sampling_ratio']:.0f}x",
    )
    table.add_row("topology chains per CPU second", f"{result['chains_per_cpu_s']:,}", "", "")
    table.add_row(
        "valid share (topology)",
        f"{result['quality']['core/topology']['valid_share']:.1%}",
        f"{result['baseline_valid_share']:.1%}",
        "",
    )
    table.add_row("link agreement (Jaccard)", f"{result['link_agreement']:.3f}", "", "")
    console.print(table)
    quality_table = Table(
        title=f"{label}: sampling quality over {QUALITY_CHAINS:,} chains ({result['reachable_tools']} reachable tools)"
    )
    for column in (
        "sampler",
        "valid share",
        "distinct tools",
        "mean length",
        "mean environments",
        "chains to full coverage",
        "chains/s",
    ):
        quality_table.add_column(column, justify="right")
    for name, row in result["quality"].items():
        full = row["chains_to_full_coverage"]
        quality_table.add_row(
            name,
            f"{row['valid_share']:.1%}",
            str(row["distinct_tools"]),
            f"{row['mean_length']:.2f}",
            f"{row['mean_environments']:.2f}",
            f"{full:,}" if full else f"> {COVERAGE_LIMIT:,}",
            f"{result['chains_per_s_by_sampler'][name]:,}",
        )
    console.print(quality_table)


def main() -> None:
    try:
        installed, _ = environment_specs(load_registry())
    except EnvFactoryError as error:
        log.print(f"Cannot read the installed environments ({error}); measuring the synthetic graph only.")
        installed = []
    else:
        if not installed:
            log.print("No domain environments are installed; measuring the synthetic graph only.")
    results: dict[str, dict[str, Any]] = {}
    if installed:
        results["domains"] = measure("installed domains", installed)
        print_tables("Installed domains", results["domains"])
    results["synthetic"] = measure("synthetic, paper size", synthetic_specs())
    print_tables("Synthetic (paper size)", results["synthetic"])

    quality_source = results.get("domains", results["synthetic"])
    synthetic = results["synthetic"]
    figures: dict[str, Any] = {
        "build_s": synthetic["build_s"],
        "baseline_build_s": synthetic["baseline_build_s"],
        "chains_per_s": synthetic["chains_per_s"],
        "chains_per_cpu_s": synthetic["chains_per_cpu_s"],
        "baseline_chains_per_s": synthetic["baseline_chains_per_s"],
        "valid_share": {name: row["valid_share"] for name, row in quality_source["quality"].items()},
        "chains_to_full_coverage": {
            name: row["chains_to_full_coverage"] for name, row in quality_source["quality"].items()
        },
        "quality_graph": "domains" if "domains" in results else "synthetic",
        "synthetic": {key: value for key, value in synthetic.items() if key != "quality"}
        | {"quality": synthetic["quality"]},
    }
    if "domains" in results:
        figures["domains"] = results["domains"]
    ratios = {"build": synthetic["build_ratio"], "sampling": synthetic["sampling_ratio"]}
    if "domains" in results:
        ratios["build_domains"] = results["domains"]["build_ratio"]
    print(json.dumps({"benchmark": "graph", "figures": figures, "ratios": ratios}, sort_keys=True))


if __name__ == "__main__":
    main()
