"""Samplers: validity, bindings, limits, determinism, coverage, options and bad input."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from envfactory_core import hookimpl
from envfactory_core.errors import ConfigError
from envfactory_core.graph import (
    CoverageSampler,
    GraphSource,
    LexicalLinker,
    RandomWalkSampler,
    RuleLabeller,
    SamplingError,
    ToolGraph,
    TopologySampler,
    build_tool_graph,
    chain_seed,
    check_chain,
    sample_chains,
    segment_turns,
    validate_tools,
)
from envfactory_core.models import Binding, ColumnSpec, EnvironmentSpec, StateSchema, TableSpec, ToolChain, ToolSpec
from envfactory_core.registry import Registry

SAMPLERS = (TopologySampler, RandomWalkSampler, CoverageSampler)

# --- random graphs --------------------------------------------------------------------------------

IDS = ("alpha_id", "beta_id", "gamma_id", "delta_id")
VALUES = ("city", "amount", "title")
NEVER = ("batch_token",)


@st.composite
def random_specs(draw: st.DrawFn) -> list[EnvironmentSpec]:
    environments = draw(st.integers(1, 4))
    specs = []
    for env in range(environments):
        tools = []
        for number in range(draw(st.integers(1, 5))):
            inputs = draw(st.lists(st.sampled_from(IDS + VALUES + NEVER), max_size=3, unique=True))
            required = [name for name in inputs if draw(st.booleans())]
            outputs = draw(st.lists(st.sampled_from(IDS + VALUES), max_size=3, unique=True))
            tools.append(
                ToolSpec(
                    name=f"t{number}",
                    description="A tool.",
                    input_schema={
                        "type": "object",
                        "properties": {name: {"type": "string"} for name in inputs},
                        "required": required,
                    },
                    output_schema={"type": "object", "properties": {name: {"type": "string"} for name in outputs}}
                    if outputs
                    else None,
                    effect="read",
                )
            )
        owned = draw(st.lists(st.sampled_from(IDS), max_size=2, unique=True))
        tables = tuple(
            TableSpec(name=f"table_{key}", primary_key=(key,), columns=(ColumnSpec(name=key, type="text"),))
            for key in owned
        )
        specs.append(
            EnvironmentSpec(
                name=f"e{env}", domain="d", description="d", tools=tuple(tools), state_schema=StateSchema(tables=tables)
            )
        )
    return specs


def check_chain_shape(graph: ToolGraph, chain: ToolChain, sampler: Any, cap: int) -> None:
    assert len(chain.tools) <= sampler.max_tools
    assert len(set(chain.tools)) == len(chain.tools), "a tool is never appended twice"
    assert len(chain.environments) <= cap, "max_servers is never exceeded"
    assert sorted(step for turn in chain.turns for step in turn) == list(range(len(chain.tools)))
    for binding in chain.bindings:
        assert binding.source_step < binding.target_step, "bindings point from an earlier tool to a later one"
        source = graph.tool(chain.tools[binding.source_step])
        target = graph.tool(chain.tools[binding.target_step])
        output = source.output(binding.source_field)
        argument = target.input(binding.target_argument)
        assert any(link.source == output.id for link in graph.providers(argument.id)), "every binding is a graph link"
    assert validate_tools(graph, chain.tools).valid == chain.valid


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=random_specs(), data=st.data())
def test_samplers_on_random_graphs(specs: list[EnvironmentSpec], data: st.DataObject) -> None:
    graph = build_tool_graph(specs, linker=LexicalLinker(), labeller=RuleLabeller())
    environments = len(graph.index.env_names)
    max_servers = data.draw(st.one_of(st.none(), st.integers(1, environments)), label="max_servers")
    cap = min(3, environments) if max_servers is None else max_servers
    max_tools = data.draw(st.integers(1, 12), label="max_tools")
    depth = data.draw(st.integers(0, 5), label="max_recursion_depth")
    seed = data.draw(st.integers(0, 2**32), label="seed")
    topology = TopologySampler(max_tools=max_tools, max_servers=max_servers, max_recursion_depth=depth)
    index = graph.index
    has_easy_start = any(index.depth[tool] == 0 for tool in range(index.tool_count))
    for sampler in (topology, CoverageSampler(max_tools=max_tools, max_servers=max_servers, max_recursion_depth=depth)):
        if has_easy_start:
            assert sampler._startable(index, cap), "a tool the user can call directly can always start a chain"
        elif not sampler._startable(index, cap):
            # Nothing can start a valid chain within the limits: a clear error, never a crash.
            with pytest.raises(SamplingError, match="max_servers"):
                list(sampler.sample_many(graph, 8, seed=seed))
            continue
        chains = list(sampler.sample_many(graph, 8, seed=seed))
        for chain in chains:
            assert chain.tools, "a chain is never empty"
            assert chain.valid, chain.problems  # every topology-aware chain is valid
            check_chain_shape(graph, chain, sampler, cap)
    walker = RandomWalkSampler(max_tools=max_tools, max_servers=max_servers)
    for chain in walker.sample_many(graph, 8, seed=seed):
        check_chain_shape(graph, chain, walker, cap)


@pytest.fixture(scope="module")
def small_synthetic(synthetic_specs: Callable[..., list[EnvironmentSpec]]) -> ToolGraph:
    return build_tool_graph(synthetic_specs(12, seed=3), linker=LexicalLinker(), labeller=RuleLabeller())


@pytest.mark.parametrize("sampler_class", SAMPLERS)
def test_same_seed_same_chains_different_seed_different(sampler_class: Any, small_synthetic: ToolGraph) -> None:
    sampler = sampler_class()
    first = list(sampler.sample_many(small_synthetic, 30, seed=11))
    assert first == list(sampler.sample_many(small_synthetic, 30, seed=11))
    assert first != list(sampler.sample_many(small_synthetic, 30, seed=12))
    assert all(chain.sampler == sampler.component_name for chain in first)
    assert [chain.seed for chain in first] == [chain_seed(11, i) for i in range(30)]


@pytest.mark.parametrize("sampler_class", [TopologySampler, RandomWalkSampler])
def test_a_stateless_batch_chain_is_reproducible_alone(sampler_class: Any, small_synthetic: ToolGraph) -> None:
    sampler = sampler_class()
    batch = list(sampler.sample_many(small_synthetic, 5, seed=2))
    assert [sampler.sample(small_synthetic, seed=chain.seed) for chain in batch] == batch


def test_samplers_never_touch_the_global_rng(small_synthetic: ToolGraph) -> None:
    random.seed(1)
    expected = random.random()
    random.seed(1)
    for sampler_class in SAMPLERS:
        list(sampler_class().sample_many(small_synthetic, 20, seed=5))
    assert random.random() == expected


def chains_to_cover(sampler: Any, graph: ToolGraph, limit: int) -> int | None:
    target = set(graph.reachable_tools)
    seen: set[str] = set()
    for number, chain in enumerate(sampler.sample_many(graph, limit, seed=0), start=1):
        if chain.valid:
            seen.update(chain.tools)
        if seen >= target:
            return number
    return None


def test_coverage_covers_the_graph_in_fewer_chains(small_synthetic: ToolGraph) -> None:
    coverage = chains_to_cover(CoverageSampler(), small_synthetic, 2000)
    topology = chains_to_cover(TopologySampler(), small_synthetic, 2000)
    walk = chains_to_cover(RandomWalkSampler(), small_synthetic, 2000)
    assert coverage is not None
    assert topology is not None
    assert coverage < topology
    assert walk is None or coverage < walk
    # It can hardly do better than one new tool per slot: a lower bound to keep it honest.
    assert coverage >= len(small_synthetic.reachable_tools) / 10


def test_topology_is_valid_where_random_walk_is_not(trio_graph: ToolGraph) -> None:
    topology = sample_chains(trio_graph, sampler=TopologySampler(), n=300, seed=1)
    walk = sample_chains(trio_graph, sampler=RandomWalkSampler(), n=300, seed=1)
    assert all(chain.valid for chain in topology)
    assert sum(chain.valid for chain in walk) < 300
    invalid = next(chain for chain in walk if not chain.valid)
    assert invalid.problems
    assert "is not user-providable and no earlier step produces it" in invalid.problems[0]
    # The unreachable tool never appears in a topology chain.
    assert all("payments__settle_batch" not in chain.tools for chain in topology)


def test_validator_bindings_on_a_hand_made_chain(trio_graph: ToolGraph) -> None:
    check = validate_tools(
        trio_graph, ["store__find_customer", "store__create_order", "payments__charge", "email__send_email"]
    )
    assert check.valid
    assert (
        Binding(source_step=0, source_field="customer_id", target_step=1, target_argument="customer_id")
        in check.bindings
    )
    assert Binding(source_step=1, source_field="order_id", target_step=2, target_argument="order_id") in check.bindings
    # An optional value the user can give is not bound; a required one with an earlier provider is.
    assert Binding(source_step=0, source_field="email", target_step=3, target_argument="to") in check.bindings
    bad = validate_tools(trio_graph, ["payments__charge", "store__ghost"])
    assert not bad.valid
    assert "no tool 'store__ghost'" in bad.problems[0]
    rechecked = check_chain(trio_graph, ToolChain(tools=("payments__charge",)))
    assert not rechecked.valid
    assert "order_id" in rechecked.problems[0]


def test_max_servers_larger_than_the_graph_is_a_clear_error(
    trio_graph: ToolGraph, synthetic_specs: Callable[..., list[EnvironmentSpec]]
) -> None:
    with pytest.raises(SamplingError, match=r"max_servers=5 but the graph has only 3 environments"):
        sample_chains(trio_graph, sampler=TopologySampler(max_servers=5), n=1, seed=0)
    # The default adapts to small graphs.
    one_env = build_tool_graph(synthetic_specs(1), linker=LexicalLinker(), labeller=RuleLabeller())
    assert all(
        len(chain.environments) == 1 for chain in sample_chains(one_env, sampler=TopologySampler(), n=20, seed=0)
    )


def test_an_empty_graph_is_a_clear_error() -> None:
    empty = ToolGraph(source=GraphSource(), tools=(), links=())
    for sampler_class in SAMPLERS:
        with pytest.raises(SamplingError, match="no tools"):
            list(sampler_class().sample_many(empty, 1, seed=0))


def test_a_graph_nobody_can_start_is_a_clear_error() -> None:
    tool = ToolSpec(
        name="locked",
        description="Needs a token nobody gives.",
        input_schema={"type": "object", "properties": {"token": {"type": "string"}}, "required": ["token"]},
        effect="read",
    )
    spec = EnvironmentSpec(
        name="vault", domain="d", description="d", tools=(tool,), state_schema=StateSchema(tables=())
    )
    graph = build_tool_graph([spec], linker=LexicalLinker(), labeller=RuleLabeller())
    with pytest.raises(SamplingError, match="no tool of the graph can start a valid chain"):
        sample_chains(graph, sampler=TopologySampler(), n=1, seed=0)
    [chain] = sample_chains(graph, sampler=RandomWalkSampler(), n=1, seed=0)
    assert not chain.valid


def test_negative_n_is_an_error(trio_graph: ToolGraph) -> None:
    with pytest.raises(SamplingError, match="must not be negative"):
        list(TopologySampler().sample_many(trio_graph, -1, seed=0))


def test_options_by_name_and_their_errors(trio_graph: ToolGraph, registry: Registry) -> None:
    chains = sample_chains(
        trio_graph,
        sampler="core/topology",
        n=20,
        seed=3,
        options={"max_tools": "3", "turn_mode": "each"},
        registry=registry,
    )
    assert all(len(chain.tools) <= 3 for chain in chains)
    assert all(len(turn) == 1 for chain in chains for turn in chain.turns)
    with pytest.raises(ConfigError, match="unknown option"):
        sample_chains(trio_graph, sampler="core/topology", n=1, seed=0, options={"max_nodes": "3"}, registry=registry)
    with pytest.raises(ConfigError, match="turn_mode"):
        sample_chains(
            trio_graph, sampler="core/topology", n=1, seed=0, options={"turn_mode": "sometimes"}, registry=registry
        )
    with pytest.raises(ConfigError, match="skip_optional"):
        sample_chains(
            trio_graph, sampler="core/topology", n=1, seed=0, options={"skip_optional": "1.5"}, registry=registry
        )
    with pytest.raises(ConfigError, match="max_servers"):
        sample_chains(trio_graph, sampler="core/topology", n=1, seed=0, options={"max_servers": "0"}, registry=registry)
    assert TopologySampler().options()["skip_satisfied"] == 0.9


def test_turn_segmentation() -> None:
    rng = random.Random(0)
    for steps in range(30):
        turns = segment_turns(steps, rng, max_tools=5)
        assert [step for turn in turns for step in turn] == list(range(steps))
        assert all(1 <= len(turn) <= 5 for turn in turns)
    assert segment_turns(4, rng, mode="single") == ((0, 1, 2, 3),)
    assert segment_turns(3, rng, mode="each") == ((0,), (1,), (2,))
    assert segment_turns(7, random.Random(9)) == segment_turns(7, random.Random(9))
    lengths = [len(turn) for _ in range(300) for turn in segment_turns(10, rng, max_tools=5)]
    assert set(lengths) == {1, 2, 3, 4, 5}  # every length occurs; none is longer than max_tools
    with pytest.raises(ValueError, match="unknown turn mode"):
        segment_turns(3, rng, mode="llm")


class FixedSampler:
    """Always the same chain (a plugin sampler needs only the protocol)."""

    name = "fixed"

    def options(self) -> dict[str, Any]:
        return {}

    def sample(self, graph: ToolGraph, *, seed: int) -> ToolChain:
        return check_chain(
            graph, ToolChain(tools=("store__find_customer", "store__create_order"), seed=seed, sampler="fx/fixed")
        )

    def sample_many(self, graph: ToolGraph, n: int, *, seed: int) -> Iterator[ToolChain]:
        for position in range(n):
            yield self.sample(graph, seed=chain_seed(seed, position))


def test_hook_register_samplers(register_plugin: Any, plugin_manager: Any, trio_graph: ToolGraph) -> None:
    class Plugin:
        @hookimpl
        def register_samplers(self, register: Any) -> None:
            register(FixedSampler())

    register_plugin(Plugin(), name="fx")
    registry = Registry(plugin_manager)
    assert {"core/topology", "core/random_walk", "core/coverage", "fx/fixed"} <= set(registry.names("sampler"))
    [chain] = sample_chains(trio_graph, sampler="fx/fixed", n=1, seed=0, registry=registry)
    assert chain.valid
    assert chain.bindings == (
        Binding(source_step=0, source_field="customer_id", target_step=1, target_argument="customer_id"),
    )
