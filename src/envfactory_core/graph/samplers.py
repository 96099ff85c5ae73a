"""Tool-chain samplers (reference §4), registered components of kind ``sampler``.

Every sampler draws from a local ``random.Random`` seeded per chain, never from the global RNG, so
the same seed gives the same chains in every process. A batch of ``n`` chains with seed ``s``
seeds chain ``i`` with :func:`chain_seed` ``(s, i)``; the chain records that seed, and for the
stateless samplers ``sample(graph, seed=chain.seed)`` reproduces it alone.

The driver (reference §4.1): pick a start tool; keep a queue; pop a tool, insert the providers its
inputs need before it (*priors*), append it, enqueue some of its dependency successors, or, when
it has none, another tool of the same environment; stop at ``max_tools``.

``core/topology`` (:class:`TopologySampler`, §4.2)
    Priors per input: an optional input is skipped with probability ``skip_optional`` (0.6); an
    input already satisfied (user-providable or produced earlier) is skipped with probability
    ``skip_satisfied`` (0.9); otherwise a provider is drawn uniformly and its own priors are
    sampled recursively, at most ``max_recursion_depth`` (5) levels. Once the chain spans
    ``max_servers`` environments (3) only tools of those environments are drawn. Successors: ``k``
    uniform in ``[1, #candidates]`` unvisited dependency successors.
    Where the reference was weak: a provider that cannot itself be satisfied is replaced by
    another candidate (up to ``max_provider_tries``), and a tool whose required inputs cannot be
    filled within the limits is left out instead of appended, so every chain is valid; the start
    is drawn among tools that can be satisfied from an empty chain within ``max_servers`` and
    ``max_recursion_depth`` (checked exhaustively once per graph), successors among tools that
    can be satisfied at all; a tool is never appended twice; priors never push the chain past
    ``max_tools``.
``core/random_walk`` (:class:`RandomWalkSampler`, §4.3)
    No priors; one uniformly drawn unvisited successor per step. The baseline.
``core/coverage`` (:class:`CoverageSampler`, ours)
    The topology sampler, but over a batch it prefers the tools and data-flow edges sampled least
    so far (start, providers and successors), so the batch covers the whole graph in fewer chains.

With ``coherent`` (the default) a chain serves one user's goal (:mod:`.coherence`): its environments
are joined by a shared entity and no write is undone or decided on by a later step; the sampler walks
again up to ``coherence_tries`` times, then keeps the part of the last walk that does.

Turns are cut after sampling (:mod:`envfactory_core.graph.turns`), and every chain carries the
validator's bindings and verdict (:mod:`envfactory_core.graph.validate`).
"""

from __future__ import annotations

import hashlib
import random
from collections import deque
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from ..contracts import SAMPLER, Sampler
from ..ids import JsonValue
from ..models import ToolChain
from ..options import component_options, configure
from .coherence import chain_problems, coherent_part
from .errors import SamplingError
from .index import GraphIndex
from .tool_graph import ToolGraph
from .turns import TURN_MODES, segment_turns
from .validate import validate_positions

if TYPE_CHECKING:
    from ..registry import Registry

__all__ = [
    "DEFAULT_MAX_SERVERS",
    "CoverageSampler",
    "RandomWalkSampler",
    "TopologySampler",
    "chain_seed",
    "sample_chains",
]

DEFAULT_MAX_SERVERS = 3
"""Environments one chain may span when ``max_servers`` is not set (fewer if the graph has fewer)."""

_FEASIBILITY_BUDGET = 10_000
"""Expansions the exhaustive placement may try for one tool before it calls the tool infeasible."""


def chain_seed(seed: int, index: int) -> int:
    """The seed of chain ``index`` in a batch seeded ``seed`` (a 63-bit integer, same on every machine)."""
    raw = hashlib.sha256(f"envfactory-chain:{seed}:{index}".encode()).digest()
    return int.from_bytes(raw[:8], "big") >> 1


def _positive(instance: Any, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and value < 1:
        raise ValueError(f"{attribute.name} must be at least 1, got {value}")


_probability = [attrs.validators.ge(0.0), attrs.validators.le(1.0)]


@attrs.define
class _Plan:
    """Per-batch facts: the index, the server cap, and which tools may start a chain."""

    index: GraphIndex
    max_servers: int
    startable: list[int]


@attrs.define
class _Walk:
    """The chain being built, with what the priors search has tentatively added."""

    chain: list[int] = attrs.Factory(list)
    placed: set[int] = attrs.Factory(set)  # in the chain, or placed as a prior (comes earlier)
    blocked: set[int] = attrs.Factory(set)  # placed, or being expanded right now
    envs: list[int] = attrs.Factory(list)  # environments used, in order
    pending: list[int] = attrs.Factory(list)  # priors placed for the tool being added
    blocked_log: list[int] = attrs.Factory(list)


@attrs.frozen(kw_only=True)
class _BaseSampler:
    """The §4.1 driver and what every sampler shares; subclasses choose starts, priors, successors."""

    name: ClassVar[str] = ""
    component_name: ClassVar[str] = ""

    max_tools: int = attrs.field(default=10, validator=_positive)
    max_servers: int | None = attrs.field(default=None, validator=_positive)
    turn_mode: str = attrs.field(default="random", validator=attrs.validators.in_(TURN_MODES))
    turn_max_tools: int = attrs.field(default=5, validator=_positive)
    coherent: bool = True
    coherence_tries: int = attrs.field(default=8, validator=attrs.validators.ge(0))

    def options(self) -> dict[str, JsonValue]:
        return component_options(self)

    # --- the public contract ------------------------------------------------------------------

    def sample(self, graph: ToolGraph, *, seed: int) -> ToolChain:
        plan = self._plan(graph)
        return self._chain(plan, seed, self._new_state(plan))

    def sample_many(self, graph: ToolGraph, n: int, *, seed: int) -> Iterator[ToolChain]:
        if n < 0:
            raise SamplingError(f"the number of chains must not be negative, got {n}")
        plan = self._plan(graph)
        state = self._new_state(plan)
        for position in range(n):
            yield self._chain(plan, chain_seed(seed, position), state)

    # --- the driver ---------------------------------------------------------------------------

    def _plan(self, graph: ToolGraph) -> _Plan:
        index = graph.index
        if index.tool_count == 0:
            raise SamplingError("the tool graph has no tools; build it from environments that declare tools")
        environments = len(index.env_names)
        if self.max_servers is None:
            cap = min(DEFAULT_MAX_SERVERS, environments)
        elif self.max_servers > environments:
            raise SamplingError(
                f"max_servers={self.max_servers} but the graph has only {environments} environment"
                f"{'s' * (environments != 1)} ({', '.join(index.env_names)}); lower max_servers to at most "
                f"{environments} or build the graph from more environments"
            )
        else:
            cap = self.max_servers
        startable = self._startable(index, cap)
        if not startable:
            raise SamplingError(
                f"no tool of the graph can start a valid chain for {self.component_name} with max_servers={cap}: every "
                "tool has a required input that is neither user-providable nor produced by a tool reachable within "
                "max_servers and max_recursion_depth (see `envfactory graph stats`)"
            )
        return _Plan(index=index, max_servers=cap, startable=startable)

    def _startable(self, index: GraphIndex, cap: int) -> list[int]:
        return list(range(index.tool_count))

    def _new_state(self, plan: _Plan) -> Any:
        return None

    def _observe(self, state: Any, positions: list[int], chain: ToolChain) -> None:
        """Update batch state after a chain (``core/coverage`` counts uses)."""

    def _chain(self, plan: _Plan, seed: int, state: Any) -> ToolChain:
        rng = random.Random(seed)
        positions = self._walk(plan, rng, state)
        index = plan.index
        check = validate_positions(index, positions)
        if self.coherent:
            # A chain serves one goal: walk again a few times, then keep the part that does.
            for _ in range(self.coherence_tries):
                if not chain_problems(index, positions, check.bindings):
                    break
                positions = self._walk(plan, rng, state)
                check = validate_positions(index, positions)
            if chain_problems(index, positions, check.bindings):
                positions = coherent_part(index, positions)
                check = validate_positions(index, positions)
        chain = ToolChain(
            tools=tuple(index.names[position] for position in positions),
            bindings=check.bindings,
            turns=segment_turns(len(positions), rng, mode=self.turn_mode, max_tools=self.turn_max_tools),
            seed=seed,
            sampler=self.component_name,
            valid=check.valid,
            problems=check.problems,
        )
        self._observe(state, positions, chain)
        return chain

    def _walk(self, plan: _Plan, rng: random.Random, state: Any) -> list[int]:
        index = plan.index
        walk = _Walk()
        start = self._start(plan, rng, state)
        queue = deque([start])
        while queue and len(walk.chain) < self.max_tools:
            current = queue.popleft()
            if current in walk.placed or not self._env_ok(plan, walk, current):
                continue
            added = self._add(plan, rng, state, walk, current)
            if not added and not (current == start and self._place(plan, walk, start)):
                continue
            successors = self._successors(plan, rng, state, walk, current)
            if successors:
                queue.extend(successors)
            else:
                fallback = self._fallback(plan, rng, state, walk, index.env_of[current])
                if fallback is not None:
                    queue.append(fallback)
        return walk.chain[: self.max_tools]

    def _env_ok(self, plan: _Plan, walk: _Walk, tool: int) -> bool:
        env = plan.index.env_of[tool]
        return env in walk.envs or len(walk.envs) < plan.max_servers

    def _use_env(self, plan: _Plan, walk: _Walk, tool: int) -> None:
        env = plan.index.env_of[tool]
        if env not in walk.envs:
            walk.envs.append(env)

    def _add(self, plan: _Plan, rng: random.Random, state: Any, walk: _Walk, tool: int) -> bool:
        """Append ``tool`` (after any priors); return False if it cannot be added."""
        self._use_env(plan, walk, tool)
        walk.chain.append(tool)
        walk.placed.add(tool)
        walk.blocked.add(tool)
        return True

    def _place(self, plan: _Plan, walk: _Walk, tool: int) -> bool:
        """Place a start tool the sampled way could not (never needed without priors)."""
        return False

    def _start(self, plan: _Plan, rng: random.Random, state: Any) -> int:
        return rng.choice(plan.startable)

    def _successors(self, plan: _Plan, rng: random.Random, state: Any, walk: _Walk, tool: int) -> list[int]:
        index, placed, envs = plan.index, walk.placed, walk.envs
        open_envs = len(envs) < plan.max_servers
        candidates = [
            successor
            for successor in index.successors[tool]
            if successor not in placed and (open_envs or index.env_of[successor] in envs)
        ]
        if not candidates:
            return []
        return [rng.choice(candidates)]

    def _fallback(self, plan: _Plan, rng: random.Random, state: Any, walk: _Walk, env: int) -> int | None:
        """Another unvisited tool of environment ``env`` (the reference could pick a visited one)."""
        candidates = [tool for tool in plan.index.env_tools[env] if tool not in walk.placed]
        return rng.choice(candidates) if candidates else None


@attrs.frozen(kw_only=True)
class RandomWalkSampler(_BaseSampler):
    """Random walk along dependency edges, no priors (reference §4.3): the baseline."""

    name: ClassVar[str] = "random_walk"
    component_name: ClassVar[str] = "core/random_walk"


@attrs.frozen(kw_only=True)
class TopologySampler(_BaseSampler):
    """Topology-aware sampling (reference §4.2): providers are inserted before the tools that need them."""

    name: ClassVar[str] = "topology"
    component_name: ClassVar[str] = "core/topology"

    max_recursion_depth: int = attrs.field(default=5, validator=attrs.validators.ge(0))
    skip_optional: float = attrs.field(default=0.6, validator=_probability)
    skip_satisfied: float = attrs.field(default=0.9, validator=_probability)
    max_provider_tries: int = attrs.field(default=3, validator=_positive)

    def _startable(self, index: GraphIndex, cap: int) -> list[int]:
        """Tools whose required inputs can be filled from an empty chain within the limits."""
        key = ("topology-startable", cap, self.max_recursion_depth)
        cached: list[int] | None = index.cache.get(key)
        if cached is None:
            plan = _Plan(index=index, max_servers=cap, startable=[])
            limit = self.max_recursion_depth
            cached = [
                tool for tool in index.reachable if index.depth[tool] <= limit and self._place(plan, _Walk(), tool)
            ]
            index.cache[key] = cached
        return cached

    def _place(self, plan: _Plan, walk: _Walk, tool: int) -> bool:
        """Add ``tool`` with only the providers its required inputs need, trying every candidate in
        turn (no randomness): used to decide which tools can start a chain, and to place a start tool
        when the sampled priors could not."""
        walk.pending = []
        walk.blocked_log = []
        mark = self._mark(walk)
        self._use_env(plan, walk, tool)
        walk.blocked.add(tool)
        budget = [_FEASIBILITY_BUDGET]
        if not self._expand_required(plan, walk, tool, 0, budget):
            self._rollback(walk, mark)
            walk.blocked.discard(tool)
            return False
        self._commit(walk, tool)
        return True

    def _expand_required(self, plan: _Plan, walk: _Walk, tool: int, depth: int, budget: list[int]) -> bool:
        index = plan.index
        remaining = self.max_recursion_depth - depth - 1
        for number in index.inputs[tool]:
            if not index.in_required[number] or index.in_user[number]:
                continue
            providers = index.in_providers[number]
            if not walk.placed.isdisjoint(providers):
                continue
            if remaining < 0:
                return False
            candidates = [
                provider
                for provider in providers
                if provider not in walk.blocked
                and index.depth[provider] <= remaining
                and self._env_ok(plan, walk, provider)
            ]
            for provider in candidates:
                budget[0] -= 1
                if budget[0] < 0:
                    return False
                mark = self._mark(walk)
                self._block(plan, walk, provider)
                if self._expand_required(plan, walk, provider, depth + 1, budget):
                    walk.pending.append(provider)
                    walk.placed.add(provider)
                    break
                self._rollback(walk, mark)
            else:
                return False
        return True

    @staticmethod
    def _mark(walk: _Walk) -> tuple[int, int, int]:
        return len(walk.pending), len(walk.blocked_log), len(walk.envs)

    def _block(self, plan: _Plan, walk: _Walk, provider: int) -> None:
        walk.blocked.add(provider)
        walk.blocked_log.append(provider)
        self._use_env(plan, walk, provider)

    @staticmethod
    def _rollback(walk: _Walk, mark: tuple[int, int, int]) -> None:
        pending, blocked, envs = mark
        for undone in walk.pending[pending:]:
            walk.placed.discard(undone)
        del walk.pending[pending:]
        for undone in walk.blocked_log[blocked:]:
            walk.blocked.discard(undone)
        del walk.blocked_log[blocked:]
        del walk.envs[envs:]

    @staticmethod
    def _commit(walk: _Walk, tool: int) -> None:
        walk.chain.extend(walk.pending)
        walk.chain.append(tool)
        walk.placed.add(tool)

    def _fallback(self, plan: _Plan, rng: random.Random, state: Any, walk: _Walk, env: int) -> int | None:
        depth, limit = plan.index.depth, self.max_recursion_depth
        candidates = [tool for tool in plan.index.env_tools[env] if tool not in walk.placed and depth[tool] <= limit]
        return self._pick_tool(candidates, rng, state) if candidates else None

    def _successors(self, plan: _Plan, rng: random.Random, state: Any, walk: _Walk, tool: int) -> list[int]:
        index = plan.index
        depth, limit, env_of, placed, envs = index.depth, self.max_recursion_depth, index.env_of, walk.placed, walk.envs
        open_envs = len(envs) < plan.max_servers
        candidates = [
            successor
            for successor in index.successors[tool]
            if successor not in placed and depth[successor] <= limit and (open_envs or env_of[successor] in envs)
        ]
        if not candidates:
            return []
        count = rng.randint(1, len(candidates))
        return self._pick_successors(candidates, count, rng, state, tool)

    def _pick_successors(
        self, candidates: list[int], count: int, rng: random.Random, state: Any, tool: int
    ) -> list[int]:
        return rng.sample(candidates, count)

    def _pick_tool(self, candidates: list[int], rng: random.Random, state: Any) -> int:
        return rng.choice(candidates)

    def _pick_provider(self, candidates: list[int], rng: random.Random, state: Any, consumer: int) -> int:
        """Remove and return one candidate provider of ``consumer``."""
        return candidates.pop(rng.randrange(len(candidates)))

    def _add(self, plan: _Plan, rng: random.Random, state: Any, walk: _Walk, tool: int) -> bool:
        walk.pending = []
        walk.blocked_log = []
        mark = self._mark(walk)
        self._use_env(plan, walk, tool)
        walk.blocked.add(tool)
        if not self._expand(plan, rng, state, walk, tool, 0):
            self._rollback(walk, mark)
            walk.blocked.discard(tool)
            return False
        self._commit(walk, tool)
        return True

    def _expand(self, plan: _Plan, rng: random.Random, state: Any, walk: _Walk, tool: int, depth: int) -> bool:
        """Place providers for ``tool``'s inputs in ``walk.pending``; False if a required input stays unfilled."""
        index = plan.index
        remaining = self.max_recursion_depth - depth - 1
        in_required, in_user, in_providers = index.in_required, index.in_user, index.in_providers
        placed_set = walk.placed
        skip_optional, skip_satisfied, draw = self.skip_optional, self.skip_satisfied, rng.random
        for number in index.inputs[tool]:
            required = in_required[number]
            if not required and draw() < skip_optional:
                continue
            providers = in_providers[number]
            satisfied = in_user[number] or not placed_set.isdisjoint(providers)
            if satisfied and draw() < skip_satisfied:
                continue
            if remaining < 0 or not providers:
                if required and not satisfied:
                    return False
                continue
            tool_depth, env_of, blocked, envs = index.depth, index.env_of, walk.blocked, walk.envs
            open_envs = len(envs) < plan.max_servers
            candidates = [
                provider
                for provider in providers
                if provider not in blocked
                and tool_depth[provider] <= remaining
                and (open_envs or env_of[provider] in envs)
            ]
            placed = False
            tries = 0
            while candidates and tries < self.max_provider_tries:
                tries += 1
                provider = self._pick_provider(candidates, rng, state, tool)
                mark = self._mark(walk)
                self._block(plan, walk, provider)
                if self._expand(plan, rng, state, walk, provider, depth + 1):
                    walk.pending.append(provider)
                    walk.placed.add(provider)
                    placed = True
                    break
                self._rollback(walk, mark)
            if not placed and required and not satisfied:
                return False
        return True


@attrs.define
class _Usage:
    """How often each tool and each data-flow edge (tool pair) was sampled in this batch."""

    tools: list[int]
    edges: dict[tuple[int, int], int] = attrs.Factory(dict)


@attrs.frozen(kw_only=True)
class CoverageSampler(TopologySampler):
    """Topology sampling that prefers the tools and edges sampled least so far in the batch."""

    name: ClassVar[str] = "coverage"
    component_name: ClassVar[str] = "core/coverage"

    def _new_state(self, plan: _Plan) -> _Usage:
        return _Usage(tools=[0] * plan.index.tool_count)

    def _observe(self, state: Any, positions: list[int], chain: ToolChain) -> None:
        for position in positions:
            state.tools[position] += 1
        for binding in chain.bindings:
            edge = (positions[binding.source_step], positions[binding.target_step])
            state.edges[edge] = state.edges.get(edge, 0) + 1

    @staticmethod
    def _least(candidates: list[int], key: Any, rng: random.Random) -> int:
        """The position in ``candidates`` of a least-used one (ties broken by ``rng``)."""
        scores = [key(candidate) for candidate in candidates]
        lowest = min(scores)
        ties = [position for position, score in enumerate(scores) if score == lowest]
        return ties[0] if len(ties) == 1 else rng.choice(ties)

    def _start(self, plan: _Plan, rng: random.Random, state: Any) -> int:
        return self._pick_tool(plan.startable, rng, state)

    def _pick_tool(self, candidates: list[int], rng: random.Random, state: Any) -> int:
        return candidates[self._least(candidates, state.tools.__getitem__, rng)]

    def _pick_provider(self, candidates: list[int], rng: random.Random, state: Any, consumer: int) -> int:
        uses, edges = state.tools, state.edges
        position = self._least(candidates, lambda tool: (uses[tool], edges.get((tool, consumer), 0)), rng)
        return candidates.pop(position)

    def _pick_successors(
        self, candidates: list[int], count: int, rng: random.Random, state: Any, tool: int
    ) -> list[int]:
        uses, edges = state.tools, state.edges
        shuffled = rng.sample(candidates, len(candidates))
        shuffled.sort(key=lambda successor: (uses[successor], edges.get((tool, successor), 0)))
        return shuffled[:count]


def sample_chains(
    graph: ToolGraph,
    *,
    n: int,
    seed: int,
    sampler: Sampler | str = "core/topology",
    options: Mapping[str, Any] | None = None,
    registry: Registry | None = None,
) -> list[ToolChain]:
    """Sample ``n`` chains from ``graph``: the one call the pipeline needs.

    ``sampler`` is a sampler object or a registered name, resolved in ``registry`` (the caller's:
    the CLI's or the run's); ``options`` override its option defaults.
    """
    if isinstance(sampler, str):
        if registry is None:
            raise TypeError(f"sampler {sampler!r} is a registered name: pass registry= to resolve it")
        component = registry.get(SAMPLER, sampler)
    else:
        component = sampler
    component = configure(component, options, what="sampler")
    return list(component.sample_many(graph, n, seed=seed))
