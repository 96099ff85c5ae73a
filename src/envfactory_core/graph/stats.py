"""What a tool graph looks like, in numbers: the report behind ``envfactory graph stats``."""

from __future__ import annotations

from collections import Counter

from ..ids import JsonValue
from .index import UNREACHABLE
from .tool_graph import ToolGraph

__all__ = ["graph_stats"]


def graph_stats(graph: ToolGraph) -> dict[str, JsonValue]:
    """Nodes, edges by kind, links by reason, linked environment pairs, unreachable tools and
    inputs nobody can fill, as JSON values."""
    index = graph.index
    pair_counts: Counter[tuple[str, str]] = Counter()
    for source_tool, targets in enumerate(index.successors):
        for target_tool in targets:
            source_env = index.env_names[index.env_of[source_tool]]
            target_env = index.env_names[index.env_of[target_tool]]
            if source_env != target_env:
                pair_counts[(source_env, target_env)] += 1
    inputs = [parameter for tool in graph.tools for parameter in tool.inputs]
    unfillable = graph.unfillable_inputs()
    depths = [depth for depth in index.depth if depth < UNREACHABLE]
    dependency_degree = [len(index.successors[i]) + len(index.predecessors[i]) for i in range(index.tool_count)]
    return {
        "content_id": graph.content_id,
        "environments": len(graph.environments),
        "tools": len(graph.tools),
        "nodes": {**graph.node_counts(), "total": sum(graph.node_counts().values())},
        "edges": {**graph.edge_counts(), "total": sum(graph.edge_counts().values())},
        "links_by_reason": dict(sorted(Counter(link.reason for link in graph.links).items())),
        "inputs": {
            "total": len(inputs),
            "required": sum(parameter.required for parameter in inputs),
            "user_providable": sum(bool(parameter.user_providable) for parameter in inputs),
            "unfillable": len(unfillable),
            "unfillable_required": sum(parameter.required for parameter in unfillable),
        },
        "linked_environment_pairs": [
            {"source": source, "target": target, "tool_pairs": count}
            for (source, target), count in sorted(pair_counts.items(), key=lambda item: (-item[1], item[0]))
        ],
        "reachable_tools": len(index.reachable),
        "unreachable_tools": list(graph.unreachable_tools),
        "isolated_tools": [name for name, degree in zip(index.names, dependency_degree, strict=True) if degree == 0],
        "unfillable_inputs": [
            {"input": parameter.id, "required": parameter.required, "reason": parameter.label_reason}
            for parameter in unfillable
        ],
        "max_depth": max(depths, default=0),
        "components": len(graph.tool_components()),
        "issues_by_action": dict(sorted(Counter(issue.action for issue in graph.issues).items())),
        "issues": [str(issue) for issue in graph.issues],
        "linker": graph.source.linker,
        "labeller": graph.source.labeller,
        "environment_names": [environment.name for environment in graph.environments],
    }
