"""The core's import structure: no import cycle between the children of any package.

``lint-imports`` checks the layers (see ``.importlinter``); this test shows the same property the
acyclic contract states, with grimp directly, so a cycle fails the test suite too and the message
names the packages that import each other.
"""

from __future__ import annotations

import grimp
import rustworkx


def strongly_connected(nodes: list[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """The groups of two or more nodes that import each other, directly or around a loop."""
    graph = rustworkx.PyDiGraph()
    index = {node: graph.add_node(node) for node in nodes}
    graph.add_edges_from_no_data([(index[node], index[other]) for node in nodes for other in edges[node]])
    groups = [sorted(graph[i] for i in component) for component in rustworkx.strongly_connected_components(graph)]
    return sorted(group for group in groups if len(group) > 1)


def package_cycles(graph: object, package: str) -> list[list[str]]:
    """Cycles among the children of ``package``, a child package counting with everything in it."""
    children = sorted(graph.find_children(package))  # type: ignore[attr-defined]
    edges = {
        child: {
            other
            for other in children
            if other != child and graph.direct_import_exists(importer=child, imported=other, as_packages=True)  # type: ignore[attr-defined]
        }
        for child in children
    }
    return strongly_connected(children, edges)


def test_no_package_or_module_imports_its_siblings_in_a_cycle() -> None:
    graph = grimp.build_graph("envfactory_core", exclude_type_checking_imports=True)
    packages = sorted(module for module in graph.modules if graph.find_children(module))
    cycles = {package: groups for package in packages if (groups := package_cycles(graph, package))}
    assert not cycles, "\n".join(
        f"{package}: {' <-> '.join(group)}" for package, groups in cycles.items() for group in groups
    )
