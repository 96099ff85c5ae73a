"""The tool graph and tool-chain sampling (reference §3 and §4).

Build a graph from environment specs, sample chains, read each chain's bindings and validity::

    from envfactory_core.graph import build_tool_graph, environment_specs, sample_chains

    specs, issues = environment_specs(registry)
    graph = build_tool_graph(specs, linker="core/lexical", labeller="core/rules", registry=registry, issues=issues)
    graph.save("tool-graph.json")                    # canonical JSON; ToolGraph.load(path) reads it
    chains = sample_chains(graph, sampler="core/topology", n=100, seed=7, registry=registry)
    chains[0].tools, chains[0].bindings, chains[0].valid

Linkers, labellers, embedders and samplers are registered components (their contracts are in
:mod:`envfactory_core.contracts`); see
``docs/explanation/tool-graph.md`` and ``docs/reference/graph.md``.
"""

from .build import build_tool_graph, environment_specs
from .embedders import HashedNgramEmbedder
from .errors import GraphBuildError, GraphFileError, SamplingError, UnknownToolError
from .export import EXPORT_FORMATS, export_graph, to_dot, to_graphml
from .flatten import InvalidSchema, flatten_tool
from .labellers import RuleLabeller
from .linkers import EmbeddingLinker, LexicalLinker, LinkContext, name_key, types_compatible
from .records import EnvironmentNode, GraphIssue, GraphSource, Label, Link, Parameter, ToolNode
from .samplers import (
    DEFAULT_MAX_SERVERS,
    CoverageSampler,
    RandomWalkSampler,
    TopologySampler,
    chain_seed,
    sample_chains,
)
from .stats import graph_stats
from .tool_graph import EDGE_KINDS, ToolGraph
from .turns import TURN_MODES, segment_turns
from .validate import ChainCheck, check_chain, validate_tools

__all__ = [
    "DEFAULT_MAX_SERVERS",
    "EDGE_KINDS",
    "EXPORT_FORMATS",
    "TURN_MODES",
    "ChainCheck",
    "CoverageSampler",
    "EmbeddingLinker",
    "EnvironmentNode",
    "GraphBuildError",
    "GraphFileError",
    "GraphIssue",
    "GraphSource",
    "HashedNgramEmbedder",
    "InvalidSchema",
    "Label",
    "LexicalLinker",
    "Link",
    "LinkContext",
    "Parameter",
    "RandomWalkSampler",
    "RuleLabeller",
    "SamplingError",
    "ToolGraph",
    "ToolNode",
    "TopologySampler",
    "UnknownToolError",
    "build_tool_graph",
    "chain_seed",
    "check_chain",
    "environment_specs",
    "export_graph",
    "flatten_tool",
    "graph_stats",
    "name_key",
    "sample_chains",
    "segment_turns",
    "to_dot",
    "to_graphml",
    "types_compatible",
    "validate_tools",
]
