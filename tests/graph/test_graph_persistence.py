"""Saving and loading graphs (JSON file, run store), damaged files, and exports."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from envfactory_core.graph import GraphFileError, ToolGraph, export_graph, sample_chains
from envfactory_core.store import RunStore

GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


def test_json_round_trip_is_exact(trio_graph: ToolGraph, tmp_path: Path) -> None:
    path = trio_graph.save(tmp_path / "graph.json")
    loaded = ToolGraph.load(path)
    assert loaded.dumps() == trio_graph.dumps()
    assert loaded.content_id == trio_graph.content_id
    assert loaded.tools == trio_graph.tools
    assert loaded.links == trio_graph.links
    assert loaded.edge_counts() == trio_graph.edge_counts()
    assert loaded.unreachable_tools == trio_graph.unreachable_tools
    # A loaded graph samples exactly like the original.
    assert sample_chains(loaded, sampler=_topology(), n=20, seed=4) == sample_chains(
        trio_graph, sampler=_topology(), n=20, seed=4
    )
    assert path.read_text(encoding="utf-8") == trio_graph.dumps() + "\n"


def _topology() -> Any:
    from envfactory_core.graph import TopologySampler

    return TopologySampler()


def test_run_store_round_trip(trio_graph: ToolGraph, tmp_path: Path) -> None:
    with RunStore(tmp_path / "run") as store:
        graph_id = trio_graph.save_to_store(store)
        assert graph_id == trio_graph.content_id
        assert trio_graph.save_to_store(store) == graph_id  # idempotent
        assert ToolGraph.load_from_store(store, graph_id).dumps() == trio_graph.dumps()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "is not JSON"),
        ("[]", "expected an object"),
        ('{"format": "something/else"}', "expected 'envfactory/tool-graph'"),
        ('{"format": "envfactory/tool-graph", "version": 99}', "reads version 1"),
        ('{"format": "envfactory/tool-graph", "version": 1, "extra": 1}', "unknown key"),
    ],
)
def test_damaged_files_are_clear_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "graph.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GraphFileError, match=message):
        ToolGraph.load(path)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(GraphFileError, match="envfactory graph build"):
        ToolGraph.load(tmp_path / "absent.json")


def test_tampered_content_and_dangling_links_are_caught(trio_graph: ToolGraph) -> None:
    data = trio_graph.to_json()
    data["content_id"] = "sha256:" + "0" * 64
    with pytest.raises(GraphFileError, match="content_id"):
        ToolGraph.from_json(data)
    data = json.loads(trio_graph.dumps())
    data["links"][0]["source"] = "ghost__tool:out:x"
    with pytest.raises(GraphFileError, match="not an output parameter"):
        ToolGraph.from_json(data)
    data = json.loads(trio_graph.dumps())
    data["tools"][0]["inputs"][0]["type"] = "banana"
    with pytest.raises(GraphFileError, match="damaged"):
        ToolGraph.from_json(data)


def test_graphml_export_is_wellformed_and_complete(trio_graph: ToolGraph) -> None:
    text = export_graph(trio_graph, "graphml")
    root = ET.fromstring(text)
    graph = root.find(f"{GRAPHML}graph")
    assert graph is not None
    nodes = graph.findall(f"{GRAPHML}node")
    edges = graph.findall(f"{GRAPHML}edge")
    counts = trio_graph.node_counts()
    assert len(nodes) == sum(counts.values())
    assert len(edges) == sum(trio_graph.edge_counts().values())
    kinds = [data.text for edge in edges for data in edge if data.get("key") == "e_kind"]
    assert {kind: kinds.count(kind) for kind in set(kinds)} == trio_graph.edge_counts()
    assert export_graph(trio_graph, "graphml") == text  # deterministic


def test_dot_export(trio_graph: ToolGraph) -> None:
    text = export_graph(trio_graph, "dot")
    assert text.startswith("digraph tool_graph {")
    assert text.rstrip().endswith("}")
    assert '"store__create_order" -> "store__create_order:out:order_id"' in text
    tools_only = export_graph(trio_graph, "dot", tools_only=True)
    assert '"store__create_order" -> "payments__charge"' in tools_only
    assert ":out:" not in tools_only


def test_json_export_is_the_graph_file(trio_graph: ToolGraph) -> None:
    assert ToolGraph.from_json(json.loads(export_graph(trio_graph, "json"))).dumps() == trio_graph.dumps()
    with pytest.raises(ValueError, match="unknown export format"):
        export_graph(trio_graph, "pickle")
