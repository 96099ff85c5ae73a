"""What each kind of component promises, and the typed kinds the registry is asked for.

A plugin contributes components through one hook per kind (``register_samplers`` for samplers,
see :mod:`envfactory_core.hookspecs`). Each kind has a contract here: a :class:`~typing.Protocol`
naming the attributes and methods the core calls, so a plugin author can read in one place what a
component must do, and a type checker can hold both sides to it. The registry is asked for a
component by a :class:`Kind` object, generic over its contract, so the answer is typed::

    from envfactory_core.contracts import SAMPLER

    sampler = registry.get(SAMPLER, "core/topology")  # a Sampler
    chains = sampler.sample_many(graph, 10, seed=0)

The records the contracts use (``ToolGraph``, ``Task``, ``TaskContext``, ...) stay in the packages
that make them; they are imported here for type checking only, so this kernel module imports no
higher layer at run time. Contracts check nothing when a component is registered: a plugin's object
only has to behave as its contract says (``isinstance`` works, they are ``runtime_checkable``).

The one exception to "a Protocol per kind" is ``environment``: registered environments are
:class:`envfactory_core.env.Environment` objects (the catalog refuses anything else), so that class
is the contract.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Generic, Protocol, TypeVar, runtime_checkable

import attrs

from .errors import UnknownComponentError

if TYPE_CHECKING:
    from .env import Environment
    from .export import ExportItem, ExportResult
    from .graph import Label, Link, LinkContext, ToolGraph, ToolNode
    from .ids import JsonValue
    from .llm.config import EndpointConfig
    from .llm.records import ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse
    from .loaders import LoadResult
    from .models import EnvironmentSpec, Resource, RewardResult, Task, ToolChain, Trajectory, VerificationReport
    from .registry import Registry
    from .rewards import RewardInput
    from .tasks.context import TaskContext
    from .tasks.grounding import Grounded
    from .tasks.states import WorldStates

__all__ = [
    "AGENT",
    "EMBEDDER",
    "ENVIRONMENT",
    "ENVIRONMENT_BUILDER",
    "ENVIRONMENT_CHECK",
    "ENVIRONMENT_SOURCE",
    "EXECUTOR",
    "EXPORTER",
    "GRAPH_BUILDER",
    "GROUNDER",
    "KINDS",
    "LABELLER",
    "LINKER",
    "LLM_BACKEND",
    "REFINER",
    "RESOURCE_LOADER",
    "REWARD",
    "SAMPLER",
    "SEED_STATE",
    "STORY",
    "TASK_GATE",
    "WRITER",
    "Agent",
    "BackendConnection",
    "ChainGrounder",
    "Embedder",
    "EnvironmentBuilder",
    "EnvironmentCheck",
    "EnvironmentSource",
    "Executor",
    "Exporter",
    "GraphBuilder",
    "Kind",
    "Labeller",
    "Linker",
    "LLMBackend",
    "Refiner",
    "ResourceLoader",
    "Reward",
    "Sampler",
    "SeedState",
    "Story",
    "TaskGate",
    "Writer",
    "kind_named",
]

C = TypeVar("C")
T = TypeVar("T")
R = TypeVar("R")


@attrs.frozen
class Kind(Generic[C]):
    """A component kind: its name, the hook that contributes it, and (as the type parameter) its contract.

    ``name`` is what ``envfactory components KIND`` and error messages show; ``hook`` is the
    contribution hook the registry calls to collect components of this kind.
    """

    name: str
    hook: str
    contract: str
    """The contract's name, for messages and docs (the type parameter is what type checkers use)."""


# --- building environments -------------------------------------------------------------------


@runtime_checkable
class ResourceLoader(Protocol):
    """Reads sources of one format (OpenAPI, metadata JSON, a sketch, an MCP listing) into a ``LoadResult``.

    A loader gives resources, draft ``EnvironmentSpec`` values, ready environments when the source
    comes with hand-written tools, and the source's own tasks; operations it cannot give meaning to
    are listed in ``LoadResult.skipped``, never faked.
    """

    @property
    def name(self) -> str: ...

    @property
    def description(self) -> str: ...

    def can_load(self, source: str) -> bool:
        """Whether ``source`` (a path or URL) looks like this loader's format."""

    def load(self, source: str) -> LoadResult:
        """Read ``source``; raise an ``EnvFactoryError`` naming the file and location when it is malformed."""


@runtime_checkable
class EnvironmentBuilder(Protocol):
    """Turns a draft ``EnvironmentSpec`` (and the resources it came from) into environment code.

    What ``build`` returns is the builder's own record of the generated code; environment synthesis
    (``envgen``) validates and packages it. A builder that writes code with an LLM says so with a
    true ``needs_model`` attribute and receives ``client`` and ``model`` in ``options``.
    """

    @property
    def name(self) -> str: ...

    @property
    def description(self) -> str: ...

    def build(self, spec: EnvironmentSpec, resources: Sequence[Resource] = (), **options: Any) -> Any:
        """Generate the environment for ``spec``; raise an ``EnvFactoryError`` listing what it cannot build."""


@runtime_checkable
class EnvironmentCheck(Protocol):
    """Checks one environment (conformance, scenario tests) and reports every check it made.

    A failed check is a value in the report, never an exception; the pipeline's verify stage keeps
    the environments whose report passed.
    """

    @property
    def name(self) -> str: ...

    def verify_environment(self, environment: Environment, **options: Any) -> VerificationReport:
        """Run the checks on ``environment``; ``options`` are the check's own keyword options."""


@runtime_checkable
class EnvironmentSource(Protocol):
    """Picks the environments a pipeline run works on (the installed ones, a named subset, ...)."""

    @property
    def name(self) -> str: ...

    def select(self, registry: Registry) -> list[Environment]:
        """The environments of this run, from those ``registry`` knows."""


# --- tool graph and sampling -----------------------------------------------------------------


@runtime_checkable
class Linker(Protocol):
    """Decides which outputs feed which inputs.

    ``settings()`` returns everything that changes the result; it is part of the graph's content
    id. ``link`` must be deterministic and must only link an output of one tool to an input of a
    different tool (the builder drops anything else, with an issue).
    """

    @property
    def name(self) -> str: ...

    def settings(self) -> Mapping[str, JsonValue]: ...

    def link(self, tools: Sequence[ToolNode], context: LinkContext) -> Sequence[Link]: ...


@runtime_checkable
class Labeller(Protocol):
    """Labels input parameters user-providable or not.

    ``label`` returns a ``Label`` per input parameter id (``Parameter.id``); an input it leaves
    out is treated as not user-providable, with an issue. ``settings()`` is part of the graph's
    content id.
    """

    @property
    def name(self) -> str: ...

    def settings(self) -> Mapping[str, JsonValue]: ...

    def label(self, tools: Sequence[ToolNode]) -> Mapping[str, Label]: ...


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into vectors of one fixed length, in the order given.

    ``settings()`` names everything that changes the vectors (model id, revision, dimensions); it
    becomes part of the content id of a graph linked with this embedder.
    """

    @property
    def name(self) -> str: ...

    def settings(self) -> Mapping[str, JsonValue]: ...

    def embed(self, texts: Sequence[str]) -> Sequence[Sequence[float]]: ...


@runtime_checkable
class GraphBuilder(Protocol):
    """Builds the tool graph over a run's verified environments (the pipeline's graph stage)."""

    @property
    def name(self) -> str: ...

    def build(self, environments: Sequence[Environment], registry: Registry) -> ToolGraph:
        """The graph over ``environments``; linkers and labellers named by option come from ``registry``."""


@runtime_checkable
class Sampler(Protocol):
    """Samples tool chains from a ``ToolGraph``.

    ``options()`` lists the sampler's options with their values (its defaults, on a registered
    instance); :func:`~envfactory_core.options.configure` makes a copy with other values.
    ``sample`` draws one chain; ``sample_many`` draws a batch, which lets a sampler keep state
    across chains (``core/coverage`` does). Both must depend on ``seed`` only: no global RNG, no
    clock.
    """

    @property
    def name(self) -> str: ...

    def options(self) -> Mapping[str, JsonValue]: ...

    def sample(self, graph: ToolGraph, *, seed: int) -> ToolChain: ...

    def sample_many(self, graph: ToolGraph, n: int, *, seed: int) -> Iterator[ToolChain]: ...


# --- tasks -----------------------------------------------------------------------------------


@runtime_checkable
class Story(Protocol):
    """Tells the persona and situation behind a chain (never naming tools); the pipeline's story stage.

    The story is kept on the task and shown to the components that run after it (``context.story``).
    Raise ``DropTask`` to drop the chain.
    """

    @property
    def name(self) -> str: ...

    def tell(self, chain: ToolChain, context: TaskContext) -> str: ...


@runtime_checkable
class SeedState(Protocol):
    """Writes the initial world state a chain is grounded on (the pipeline's world stage).

    ``initial_state`` returns ``{environment: state}``, or None to ground on the environments' seeded
    states. The grounder asks again with ``attempt`` set to its restart number when a state cannot
    serve the chain, so each attempt must give a different state.
    """

    @property
    def name(self) -> str: ...

    def initial_state(
        self, chain: ToolChain, context: TaskContext, *, attempt: int = 0
    ) -> Mapping[str, Any] | None: ...


@runtime_checkable
class ChainGrounder(Protocol):
    """Executes a sampled chain on a seeded world: gold calls with their outputs and the gold state.

    The result is a ``Grounded`` record: a task whose requests are still empty, or the code and
    reason the chain was dropped. World states it reached go into ``states``.
    """

    @property
    def name(self) -> str: ...

    def ground(
        self,
        chain: ToolChain,
        *,
        environments: Mapping[str, Environment],
        states: WorldStates,
        seed: int,
        graph: ToolGraph | None = None,
        initial_states: Callable[[int], Mapping[str, Any] | None] | None = None,
    ) -> Grounded: ...


@runtime_checkable
class Writer(Protocol):
    """Writes the user request of a grounded task (a first-person request per turn).

    Returns the task with its requests filled in; raise ``DropTask`` to drop it.
    """

    @property
    def name(self) -> str: ...

    def write(self, task: Task, context: TaskContext) -> Task: ...


@runtime_checkable
class Refiner(Protocol):
    """Rewrites a written request to carry implicit intent while staying solvable.

    Returns the task with its refined requests; raise ``DropTask`` to drop it.
    """

    @property
    def name(self) -> str: ...

    def refine(self, task: Task, context: TaskContext) -> Task: ...


@runtime_checkable
class TaskGate(Protocol):
    """A quality gate: checks a task is meaningful before it ships, as a ``VerificationReport``.

    A gate may set a false ``reads_requests`` attribute when it judges only calls and states; the
    pipeline runs those gates before requests are written, so no writer is paid for a task they drop.
    """

    @property
    def name(self) -> str: ...

    def verify_task(self, task: Task, context: TaskContext) -> VerificationReport: ...


# --- agents, rewards, export -----------------------------------------------------------------


@runtime_checkable
class Agent(Protocol):
    """A rollout policy: solves a task against live episodes and returns its ``Trajectory``.

    ``attempt`` numbers the tries at one task, so a sampling agent can draw a new sample. Raise
    ``DropTask`` to drop a task the agent judges unusable (unsolved, too easy).
    """

    @property
    def name(self) -> str: ...

    def solve(self, task: Task, context: TaskContext, *, attempt: int = 0) -> Trajectory: ...


@runtime_checkable
class Reward(Protocol):
    """Scores a candidate: a ``RewardResult`` with a score in [0, 1], its components and why."""

    @property
    def name(self) -> str: ...

    @property
    def description(self) -> str: ...

    def score(self, data: RewardInput) -> RewardResult:
        """Score ``data``; never raise for a bad candidate (score it 0 and explain)."""


@runtime_checkable
class Exporter(Protocol):
    """Streams tasks and trajectories into training files of one format and validates what it writes."""

    @property
    def name(self) -> str: ...

    @property
    def description(self) -> str: ...

    def export(self, items: Iterable[ExportItem], directory: Path) -> ExportResult:
        """Write ``items`` into ``directory`` (which exists and is empty) and say what was written."""


# --- infrastructure --------------------------------------------------------------------------


@runtime_checkable
class BackendConnection(Protocol):
    """Calls to one endpoint. ``model`` is the provider's model name (the id without its prefix)."""

    async def chat(self, request: ChatRequest, model: str) -> ChatResponse:
        """One chat completion; ``ChatResponse.model`` must be ``request.model``."""

    async def embed(self, request: EmbeddingRequest, model: str) -> EmbeddingResponse:
        """Vectors for ``request.inputs``; raise ``LLMUnsupportedError`` if the provider has none."""

    async def aclose(self) -> None:
        """Release connections (called once, on the event loop that made the calls)."""


@runtime_checkable
class LLMBackend(Protocol):
    """Serves every endpoint of one ``kind`` (``openai``, ``anthropic``, ``fake``): the prefix of model ids."""

    @property
    def name(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def description(self) -> str: ...

    def connect(self, endpoint: EndpointConfig) -> BackendConnection:
        """A connection for ``endpoint``; raise ``MissingDependencyError`` when the SDK is absent."""


@runtime_checkable
class Executor(Protocol):
    """Runs a pipeline's work items (in this process, a process pool, a cluster); yields results in item order."""

    @property
    def name(self) -> str: ...

    def start(self, *, workers: int, initializer: Callable[..., Any], initargs: tuple[Any, ...]) -> None:
        """Prepare ``workers`` workers, each keeping the state ``initializer(*initargs)`` returns."""

    def map(self, function: Callable[[Any, T], R], items: Iterable[T]) -> Iterator[R]:
        """``function(state, item)`` for each item, yielded in item order. Stop iterating to stop early."""

    def close(self) -> None:
        """Release the workers (also after an error or an early stop)."""


# --- the kinds -------------------------------------------------------------------------------

RESOURCE_LOADER: Final[Kind[ResourceLoader]] = Kind("resource_loader", "register_resource_loaders", "ResourceLoader")
ENVIRONMENT_BUILDER: Final[Kind[EnvironmentBuilder]] = Kind(
    "environment_builder", "register_environment_builders", "EnvironmentBuilder"
)
ENVIRONMENT: Final[Kind[Environment]] = Kind("environment", "register_environments", "env.Environment")
ENVIRONMENT_CHECK: Final[Kind[EnvironmentCheck]] = Kind(
    "environment_check", "register_environment_checks", "EnvironmentCheck"
)
ENVIRONMENT_SOURCE: Final[Kind[EnvironmentSource]] = Kind(
    "environment_source", "register_environment_sources", "EnvironmentSource"
)
LINKER: Final[Kind[Linker]] = Kind("linker", "register_linkers", "Linker")
LABELLER: Final[Kind[Labeller]] = Kind("labeller", "register_labellers", "Labeller")
EMBEDDER: Final[Kind[Embedder]] = Kind("embedder", "register_embedders", "Embedder")
GRAPH_BUILDER: Final[Kind[GraphBuilder]] = Kind("graph_builder", "register_graph_builders", "GraphBuilder")
SAMPLER: Final[Kind[Sampler]] = Kind("sampler", "register_samplers", "Sampler")
STORY: Final[Kind[Story]] = Kind("story", "register_stories", "Story")
SEED_STATE: Final[Kind[SeedState]] = Kind("seed_state", "register_seed_states", "SeedState")
GROUNDER: Final[Kind[ChainGrounder]] = Kind("grounder", "register_grounders", "ChainGrounder")
WRITER: Final[Kind[Writer]] = Kind("writer", "register_writers", "Writer")
REFINER: Final[Kind[Refiner]] = Kind("refiner", "register_refiners", "Refiner")
TASK_GATE: Final[Kind[TaskGate]] = Kind("task_gate", "register_task_gates", "TaskGate")
AGENT: Final[Kind[Agent]] = Kind("agent", "register_agents", "Agent")
REWARD: Final[Kind[Reward]] = Kind("reward", "register_rewards", "Reward")
EXPORTER: Final[Kind[Exporter]] = Kind("exporter", "register_exporters", "Exporter")
LLM_BACKEND: Final[Kind[LLMBackend]] = Kind("llm_backend", "register_llm_backends", "LLMBackend")
EXECUTOR: Final[Kind[Executor]] = Kind("executor", "register_executors", "Executor")

KINDS: Final[Mapping[str, Kind[Any]]] = {
    kind.name: kind
    for kind in (
        RESOURCE_LOADER,
        ENVIRONMENT_BUILDER,
        ENVIRONMENT,
        ENVIRONMENT_CHECK,
        ENVIRONMENT_SOURCE,
        LINKER,
        LABELLER,
        EMBEDDER,
        GRAPH_BUILDER,
        SAMPLER,
        STORY,
        SEED_STATE,
        GROUNDER,
        WRITER,
        REFINER,
        TASK_GATE,
        AGENT,
        REWARD,
        EXPORTER,
        LLM_BACKEND,
        EXECUTOR,
    )
}
"""Every kind by name, in the order a run meets them: the one table a kind named by a user is looked up in."""


def kind_named(name: str) -> Kind[Any]:
    """The kind called ``name`` (``"sampler"``); ``UnknownComponentError`` listing the kinds otherwise."""
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownComponentError("component kind", name, tuple(KINDS)) from None
