"""The core's import structure: no import cycle between the children of any package.

``lint-imports`` checks the layers (see ``.importlinter``); this test shows the same property the
acyclic contract states, with grimp directly, so a cycle fails the test suite too and the message
names the packages that import each other.
"""

from __future__ import annotations

import pytest

grimp = pytest.importorskip("grimp")


def strongly_connected(nodes: list[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm: the groups of nodes that import each other, directly or around a loop."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in nodes:
        if node not in index:
            visit(node)
    return groups


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
