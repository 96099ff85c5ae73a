"""The only module that touches ``rustworkx``.

Nodes are addressed by string keys (tool names, parameter ids) and edges carry their kind; nothing
from rustworkx leaves this module, so hook signatures and records stay library-free and the
graph library could change without touching a plugin.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import rustworkx as rx

__all__ = ["Digraph"]


class Digraph:
    """A directed multigraph of keyed nodes (each with a kind) and kinded edges."""

    def __init__(self) -> None:
        self._graph: rx.PyDiGraph = rx.PyDiGraph(multigraph=False)
        self._index: dict[str, int] = {}

    def add_node(self, key: str, kind: str) -> None:
        if key in self._index:
            raise ValueError(f"node {key!r} is already in the graph")
        self._index[key] = self._graph.add_node((key, kind))

    def add_edge(self, source: str, target: str, kind: str) -> None:
        """Add an edge; adding the same (source, target) twice keeps one edge of the last kind."""
        self._graph.add_edge(self._index[source], self._index[target], kind)

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def kind(self, key: str) -> str:
        kind: str = self._graph[self._index[key]][1]
        return kind

    def successors(self, key: str, kind: str) -> list[str]:
        """Targets of ``key``'s out-edges of ``kind``, sorted."""
        graph = self._graph
        return sorted(graph[target][0] for _, target, edge in graph.out_edges(self._index[key]) if edge == kind)

    def predecessors(self, key: str, kind: str) -> list[str]:
        """Sources of ``key``'s in-edges of ``kind``, sorted."""
        graph = self._graph
        return sorted(graph[source][0] for source, _, edge in graph.in_edges(self._index[key]) if edge == kind)

    def edges(self) -> Iterator[tuple[str, str, str]]:
        """Every edge as ``(source key, target key, kind)``, in insertion order."""
        graph = self._graph
        for source, target, kind in graph.weighted_edge_list():
            yield graph[source][0], graph[target][0], kind

    def node_count(self) -> int:
        return int(self._graph.num_nodes())

    def edge_count(self) -> int:
        return int(self._graph.num_edges())

    def edge_kinds(self) -> Counter[str]:
        return Counter(kind for _, _, kind in self._graph.weighted_edge_list())

    def node_kinds(self) -> Counter[str]:
        return Counter(kind for _, kind in self._graph.nodes())

    def components(self, kind: str) -> list[list[str]]:
        """Weakly connected components of the subgraph of nodes of ``kind``, each sorted, largest first."""
        keep = [
            index
            for index, (_, node_kind) in zip(self._graph.node_indices(), self._graph.nodes(), strict=True)
            if node_kind == kind
        ]
        sub = self._graph.subgraph(keep)
        found = [sorted(sub[index][0] for index in component) for component in rx.weakly_connected_components(sub)]
        return sorted(found, key=lambda keys: (-len(keys), keys[0]))
