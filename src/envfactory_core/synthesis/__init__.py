"""LLM-powered synthesis: the paper's QueryGen roles as pipeline components (namespace ``llm``).

=================  =========  ===================================================================
component          kind       role
=================  =========  ===================================================================
``llm/story``      stage      persona and situation for a chain, never naming tools
``llm/seed_state`` stage      story-consistent initial state per environment, validated by loading
``llm/writer``     refiner    first-person request and user intent per turn, held to solvability
``llm/refiner``    refiner    calibrated refinement toward implicit intent, still solvable
``llm/user``       agent      simulated user for conversational tasks (``llm/agent``'s ``user``)
``llm/agent``      agent      k concurrent attempts on isolated episodes; best by the reward
``llm/judge``      reward     optional judge of read-only answers
``llm/labeller``   labeller   user-providable parameters, batched
``llm/edges``      linker     extra tool→tool edges within an environment, names validated
=================  =========  ===================================================================

Every prompt is a template file under ``prompts/`` (:mod:`.templates`); every answer is parsed and
validated, and retried with the problem fed back a bounded number of times (:mod:`.exchange`);
every call goes through the run's :class:`~envfactory_core.llm.LLMClient` (cache, cost, budget)
with a stage label. :func:`~.preset.llm_pipeline` is the ``envfactory init --llm MODEL`` preset.
"""

from .agent import AttemptOutcome, LLMAgent, answer_mentions
from .base import LLMComponent
from .edges import LLMEdges
from .exchange import AttemptsExhausted, Exchange, ask, ask_async
from .judge import LLMJudge
from .labeller import LLMLabeller
from .parsing import OutputProblem
from .preset import llm_pipeline
from .refiner import LLMRefiner
from .runtime import client_for, current_client, run_async, using_llm
from .seed_state import LLMSeedState, reference_problems
from .story import LLMStory
from .templates import PromptTemplate, load_template, shipped_templates, template_names
from .user import LLMUser, UserReply
from .writer import LLMWriter

__all__ = [
    "AttemptOutcome",
    "AttemptsExhausted",
    "Exchange",
    "LLMAgent",
    "LLMComponent",
    "LLMEdges",
    "LLMJudge",
    "LLMLabeller",
    "LLMRefiner",
    "LLMSeedState",
    "LLMStory",
    "LLMUser",
    "LLMWriter",
    "OutputProblem",
    "PromptTemplate",
    "UserReply",
    "answer_mentions",
    "ask",
    "ask_async",
    "client_for",
    "current_client",
    "llm_pipeline",
    "load_template",
    "reference_problems",
    "run_async",
    "shipped_templates",
    "template_names",
    "using_llm",
]
