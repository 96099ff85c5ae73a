"""Building the graph: structure, content id, environment selection, and bad input."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from envfactory_core.env import Environment, table
from envfactory_core.errors import ConfigError, UnknownComponentError
from envfactory_core.graph import (
    EDGE_KINDS,
    GraphBuildError,
    LexicalLinker,
    RuleLabeller,
    build_tool_graph,
    environment_specs,
    graph_stats,
)
from envfactory_core.models import EnvironmentSpec, StateSchema, ToolSpec
from envfactory_core.registry import Registry


def test_graph_structure(trio_graph: Any) -> None:
    counts = trio_graph.node_counts()
    assert counts["tool"] == 11
    edges = trio_graph.edge_counts()
    assert set(edges) == set(EDGE_KINDS)
    assert edges["input"] == counts["input"]
    assert edges["output"] == counts["output"]
    assert edges["data_flow"] == len(trio_graph.links)
    parameter = trio_graph.parameter
    pairs = {(parameter(link.source).tool, parameter(link.target).tool) for link in trio_graph.links}
    assert edges["dependency"] == len(pairs)
    assert trio_graph.predecessors("payments__charge") == tuple(
        sorted({s for s, t in pairs if t == "payments__charge"})
    )


def test_depth_and_reachability(trio_graph: Any) -> None:
    assert trio_graph.depth("store__find_customer") == 0
    assert trio_graph.depth("store__create_order") == 1  # needs a customer id first
    assert trio_graph.depth("payments__charge") == 2  # needs an order, which needs a customer
    assert trio_graph.depth("payments__settle_batch") is None
    assert trio_graph.unreachable_tools == ("payments__settle_batch",)


def test_stats_report(trio_graph: Any) -> None:
    report = graph_stats(trio_graph)
    assert report["tools"] == 11
    assert report["environments"] == 3
    assert report["unreachable_tools"] == ["payments__settle_batch"]
    assert report["inputs"]["unfillable_required"] == 1
    pairs = {(p["source"], p["target"]) for p in report["linked_environment_pairs"]}
    assert ("store", "payments") in pairs
    assert ("store", "email") in pairs
    assert report["edges"]["total"] == sum(v for k, v in report["edges"].items() if k != "total")


def test_content_id_depends_on_inputs_only(trio_specs: list[EnvironmentSpec]) -> None:
    first = build_tool_graph(trio_specs, linker=LexicalLinker(), labeller=RuleLabeller())
    again = build_tool_graph(list(reversed(trio_specs)), linker=LexicalLinker(), labeller=RuleLabeller())
    assert first.content_id == again.content_id
    assert first.dumps() == again.dumps()
    assert first.content_id.startswith("sha256:")
    other_linker = build_tool_graph(trio_specs, linker=LexicalLinker(top_k=1), labeller=RuleLabeller())
    other_labeller = build_tool_graph(trio_specs, linker=LexicalLinker(), labeller=RuleLabeller(default=False))
    fewer = build_tool_graph(trio_specs[:2], linker=LexicalLinker(), labeller=RuleLabeller())
    changed_spec = [attrs.evolve(trio_specs[0], description="changed"), *trio_specs[1:]]
    changed = build_tool_graph(changed_spec, linker=LexicalLinker(), labeller=RuleLabeller())
    ids = {first.content_id, other_linker.content_id, other_labeller.content_id, fewer.content_id, changed.content_id}
    assert len(ids) == 5


def test_names_resolve_through_the_registry_with_options(trio_specs: list[EnvironmentSpec], registry: Registry) -> None:
    graph = build_tool_graph(
        trio_specs, linker="lexical", linker_options={"top_k": "1"}, labeller="core/rules", registry=registry
    )
    assert graph.source.linker == "core/lexical"
    assert graph.source.linker_settings["top_k"] == 1
    with pytest.raises(ConfigError, match="unknown option"):
        build_tool_graph(trio_specs, linker="core/lexical", linker_options={"topk": "1"}, registry=registry)
    with pytest.raises(ConfigError, match="top_k"):
        build_tool_graph(trio_specs, linker="core/lexical", linker_options={"top_k": "-1"}, registry=registry)
    with pytest.raises(UnknownComponentError):
        build_tool_graph(trio_specs, linker="core/nope", registry=registry)


def test_environment_specs_skip_evaluation_only_unless_named(
    register_plugin: Any, plugin_manager: Any, trio_plugin: Any
) -> None:
    benchmark = Environment(
        name="bench",
        domain="eval",
        description="A benchmark's own.",
        tables=[table("t", primary_key="k", k=str)],
        evaluation_only=True,
    )
    register_plugin(trio_plugin(extra=[benchmark]), name="fixtures")
    registry = Registry(plugin_manager)
    specs, issues = environment_specs(registry)
    assert sorted(spec.name for spec in specs) == ["email", "payments", "store"]
    assert issues == []
    included, _ = environment_specs(registry, include_evaluation=True)
    assert "bench" in {spec.name for spec in included}
    named, _ = environment_specs(registry, ["fixtures/bench", "store"])
    assert [spec.name for spec in named] == ["bench", "store"]
    with pytest.raises(GraphBuildError, match="no such environment") as caught:
        environment_specs(registry, ["nope"])
    assert "fixtures/store" in str(caught.value)


def test_a_broken_registered_environment_is_skipped_with_an_issue(
    register_plugin: Any, plugin_manager: Any, trio_plugin: Any
) -> None:
    class Broken:
        name = "broken"

        @property
        def spec(self) -> EnvironmentSpec:
            raise ValueError("its schema does not load")

    register_plugin(trio_plugin(extra=[Broken()]), name="fixtures")
    specs, issues = environment_specs(Registry(plugin_manager))
    assert len(specs) == 3
    assert [(issue.location, issue.action) for issue in issues] == [("fixtures/broken", "skipped_environment")]
    assert "does not load" in issues[0].message
    with pytest.raises(GraphBuildError, match="cannot describe it"):
        environment_specs(Registry(plugin_manager), ["broken"])


def spec_with(tool: ToolSpec, name: str = "odd") -> EnvironmentSpec:
    return EnvironmentSpec(name=name, domain="d", description="d", tools=(tool,), state_schema=StateSchema(tables=()))


def test_bad_input_no_environments() -> None:
    with pytest.raises(GraphBuildError, match="no environments were given"):
        build_tool_graph([], linker=LexicalLinker(), labeller=RuleLabeller())


def test_bad_input_duplicate_environment_names(trio_specs: list[EnvironmentSpec]) -> None:
    with pytest.raises(GraphBuildError, match="two environments have this name"):
        build_tool_graph([*trio_specs, trio_specs[0]], linker=LexicalLinker(), labeller=RuleLabeller())


def test_bad_input_invalid_schema_skips_the_tool(trio_specs: list[EnvironmentSpec]) -> None:
    broken = ToolSpec(
        name="bad", description="Bad.", input_schema={"type": "object", "properties": {"x": {"type": 7}}}, effect="read"
    )
    graph = build_tool_graph([*trio_specs, spec_with(broken)], linker=LexicalLinker(), labeller=RuleLabeller())
    assert "odd__bad" not in graph.tool_names
    [issue] = graph.issues
    assert issue.action == "skipped_tool"
    assert issue.location == "odd__bad.input_schema.properties.x"
    with pytest.raises(GraphBuildError, match="strict mode") as caught:
        build_tool_graph([*trio_specs, spec_with(broken)], linker=LexicalLinker(), labeller=RuleLabeller(), strict=True)
    assert "odd__bad.input_schema.properties.x" in str(caught.value)


def test_bad_input_only_unusable_tools() -> None:
    broken = ToolSpec(
        name="bad", description="Bad.", input_schema={"type": "object", "properties": {"x": "no"}}, effect="read"
    )
    with pytest.raises(GraphBuildError, match="has a usable tool"):
        build_tool_graph([spec_with(broken)], linker=LexicalLinker(), labeller=RuleLabeller())


def test_bad_input_unknown_type_is_typed_any(trio_specs: list[EnvironmentSpec]) -> None:
    odd = ToolSpec(
        name="remind",
        description="Remind.",
        input_schema={"type": "object", "properties": {"order_id": {"type": "uuid"}}, "required": ["order_id"]},
        effect="write",
    )
    graph = build_tool_graph([*trio_specs, spec_with(odd)], linker=LexicalLinker(), labeller=RuleLabeller())
    assert graph.tool("odd__remind").input("order_id").type == "any"
    assert [issue.action for issue in graph.issues] == ["typed_as_any"]
    # An `any` input still links by name.
    assert "store__get_order:out:order_id" in {link.source for link in graph.providers("odd__remind:in:order_id")}


def test_environment_with_no_tools_is_kept_and_harmless(trio_specs: list[EnvironmentSpec]) -> None:
    empty = EnvironmentSpec(name="empty", domain="d", description="d", tools=(), state_schema=StateSchema(tables=()))
    graph = build_tool_graph([*trio_specs, empty], linker=LexicalLinker(), labeller=RuleLabeller())
    assert "empty" in {environment.name for environment in graph.environments}
    assert len(graph.tools) == 11


def test_unknown_tool_lookup_suggests(trio_graph: Any) -> None:
    from envfactory_core.graph import UnknownToolError

    assert trio_graph.tool("charge").name == "payments__charge"
    with pytest.raises(UnknownToolError, match="did you mean: payments__charge"):
        trio_graph.tool("store__charge")
    with pytest.raises(KeyError):
        trio_graph.tool("nothing_like_it")
