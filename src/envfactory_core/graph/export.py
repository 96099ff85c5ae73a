"""Exporting a tool graph for other tools: GraphML (Gephi, yEd, networkx), DOT (Graphviz), JSON.

Exports are deterministic: nodes and edges in a fixed order, so the same graph gives the same
file. JSON is the graph's own format (:meth:`ToolGraph.dumps`), readable back with
``ToolGraph.load``; GraphML and DOT are one-way.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from .records import Parameter
from .tool_graph import ToolGraph

__all__ = ["EXPORT_FORMATS", "export_graph", "to_dot", "to_graphml"]

EXPORT_FORMATS = ("graphml", "dot", "json")

_KEYS = (
    ("node", "kind", "string"),
    ("node", "label", "string"),
    ("node", "environment", "string"),
    ("node", "type", "string"),
    ("node", "required", "boolean"),
    ("node", "user_providable", "boolean"),
    ("node", "description", "string"),
    ("edge", "kind", "string"),
    ("edge", "required", "boolean"),
    ("edge", "score", "double"),
    ("edge", "reason", "string"),
)


def _data(key: str, value: object) -> str:
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return f'<data key="{key}">{_escape(text)}</data>'


def _escape(text: str) -> str:
    return quoteattr(text)[1:-1]


def _parameter_data(parameter: Parameter) -> list[str]:
    kind = parameter.direction
    data = [_data("n_kind", kind), _data("n_label", parameter.path), _data("n_type", parameter.type)]
    if kind == "input":
        data.append(_data("n_required", parameter.required))
        data.append(_data("n_user_providable", bool(parameter.user_providable)))
    if parameter.description:
        data.append(_data("n_description", parameter.description))
    return data


def to_graphml(graph: ToolGraph) -> str:
    """GraphML text: tool and parameter nodes, edges with their kind (and link score/reason)."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
    ]
    for domain, name, kind in _KEYS:
        prefix = "n" if domain == "node" else "e"
        lines.append(f'  <key id="{prefix}_{name}" for="{domain}" attr.name="{name}" attr.type="{kind}"/>')
    lines.append(f'  <graph id={quoteattr(graph.content_id)} edgedefault="directed">')
    edges: list[str] = []
    for tool in graph.tools:
        data = [_data("n_kind", "tool"), _data("n_label", tool.tool), _data("n_environment", tool.environment)]
        if tool.description:
            data.append(_data("n_description", tool.description))
        lines.append(f"    <node id={quoteattr(tool.name)}>{''.join(data)}</node>")
        for parameter in tool.inputs:
            lines.append(f"    <node id={quoteattr(parameter.id)}>{''.join(_parameter_data(parameter))}</node>")
            edges.append(
                f"    <edge source={quoteattr(parameter.id)} target={quoteattr(tool.name)}>"
                f"{_data('e_kind', 'input')}{_data('e_required', parameter.required)}</edge>"
            )
        for parameter in tool.outputs:
            lines.append(f"    <node id={quoteattr(parameter.id)}>{''.join(_parameter_data(parameter))}</node>")
            edge = f"source={quoteattr(tool.name)} target={quoteattr(parameter.id)}"
            edges.append(f"    <edge {edge}>{_data('e_kind', 'output')}</edge>")
    dependencies: set[tuple[str, str]] = set()
    for link in graph.links:
        edges.append(
            f"    <edge source={quoteattr(link.source)} target={quoteattr(link.target)}>{_data('e_kind', 'data_flow')}"
            f"{_data('e_score', link.score)}{_data('e_reason', link.reason)}</edge>"
        )
        dependencies.add((graph.parameter(link.source).tool, graph.parameter(link.target).tool))
    for source, target in sorted(dependencies):
        edges.append(
            f"    <edge source={quoteattr(source)} target={quoteattr(target)}>{_data('e_kind', 'dependency')}</edge>"
        )
    lines.extend(edges)
    lines.extend(["  </graph>", "</graphml>", ""])
    return "\n".join(lines)


def to_dot(graph: ToolGraph, *, tools_only: bool = False) -> str:
    """Graphviz DOT text; ``tools_only`` keeps just tools and dependency edges (readable at scale)."""
    lines = ["digraph tool_graph {", "  rankdir=LR;", '  node [fontname="Helvetica"];']

    def quote(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    environments: dict[str, list[str]] = {}
    for tool in graph.tools:
        environments.setdefault(tool.environment, []).append(tool.name)
    for position, (environment, names) in enumerate(sorted(environments.items())):
        lines.append(f"  subgraph cluster_{position} {{")
        lines.append(f"    label={quote(environment)};")
        for name in names:
            tool = graph.tool(name)
            lines.append(f"    {quote(name)} [shape=box, label={quote(tool.tool)}];")
            if tools_only:
                continue
            for parameter in tool.inputs:
                style = "solid" if parameter.required else "dashed"
                fill = ', style="filled", fillcolor="palegreen"' if parameter.user_providable else ""
                lines.append(
                    f"    {quote(parameter.id)} [shape=ellipse, label={quote(parameter.path)}{fill}, peripheries=1];"
                )
                lines.append(f"    {quote(parameter.id)} -> {quote(name)} [style={style}];")
            for parameter in tool.outputs:
                lines.append(f"    {quote(parameter.id)} [shape=ellipse, label={quote(parameter.path)}];")
                lines.append(f"    {quote(name)} -> {quote(parameter.id)};")
        lines.append("  }")
    if tools_only:
        for name in graph.tool_names:
            for successor in graph.successors(name):
                lines.append(f"  {quote(name)} -> {quote(successor)} [color=blue];")
    else:
        for link in graph.links:
            lines.append(
                f"  {quote(link.source)} -> {quote(link.target)} [color=blue, label={quote(f'{link.score:g}')}];"
            )
    lines.append("}")
    return "\n".join(lines) + "\n"


def export_graph(graph: ToolGraph, fmt: str, *, tools_only: bool = False) -> str:
    """The graph as text in ``fmt`` (one of :data:`EXPORT_FORMATS`)."""
    if fmt == "graphml":
        return to_graphml(graph)
    if fmt == "dot":
        return to_dot(graph, tools_only=tools_only)
    if fmt == "json":
        return graph.dumps() + "\n"
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
