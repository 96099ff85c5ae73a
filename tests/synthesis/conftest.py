"""Shared pieces for the synthesis tests: grounded tasks over the SDK examples, and a scripted
"playbook" that answers every LLM component's prompts the way a competent model would.

The playbook reads only what the prompts show (the values a request must state, the target calls
with their arguments, the tool results in the conversation), so a run that passes with it shows
the components hand each other what they need. Tests that need other behaviour script the fake
directly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
from envfactory_testing import fresh_plugin_manager
from envfactory_testing.fake_llm import ScriptedLLM

from envfactory_core.env import Environment
from envfactory_core.env.examples import bookshop, notes
from envfactory_core.graph import (
    LexicalLinker,
    RuleLabeller,
    ToolGraph,
    TopologySampler,
    build_tool_graph,
    sample_chains,
)
from envfactory_core.graph.records import Parameter
from envfactory_core.llm import ChatRequest, ChatResponse
from envfactory_core.models import Task, ToolChain
from envfactory_core.registry import Registry
from envfactory_core.synthesis import load_template
from envfactory_core.synthesis.render import rows_by_table
from envfactory_core.tasks import Grounder, ImplicitRefiner, MemoryStates, TemplateWriter
from envfactory_core.tasks.context import TaskContext
from envfactory_core.tasks.gates import GATES, run_gates

ENVIRONMENTS: dict[str, Environment] = {"bookshop": bookshop, "notes": notes}
MODEL = "fake/playbook"

PLUGIN = """
from envfactory_core import hookimpl
from envfactory_core.env.examples import bookshop, notes

@hookimpl
def register_environments(register):
    register(bookshop)
    register(notes)
"""


@cache
def graph() -> ToolGraph:
    return build_tool_graph([bookshop.spec, notes.spec], linker=LexicalLinker(), labeller=RuleLabeller())


def grounded(predicate: Callable[[Task], bool], *, start: int = 0) -> tuple[Task, MemoryStates, ToolChain]:
    """The first grounded task (seeds from ``start``) that passes the gates and ``predicate``; requests
    are the offline writer's and refiner's, so the gates can judge it."""
    for seed in range(start, start + 400):
        chain = sample_chains(graph(), sampler=TopologySampler(max_tools=3), n=1, seed=seed)[0]
        if not chain.valid:
            continue
        states = MemoryStates()
        result = Grounder().ground(chain, environments=ENVIRONMENTS, states=states, seed=seed, graph=graph())
        if result.task is None:
            continue
        context = TaskContext(environments=ENVIRONMENTS, states=states)
        task = ImplicitRefiner().refine(TemplateWriter().write(result.task, context), context)
        if all(report.passed for report in run_gates(task, GATES, context)) and predicate(task):
            return task, states, chain
    raise AssertionError("no grounded task matched")


@cache
def builtin_registry() -> Registry:
    """The built-in components (an agent resolves its reward by name in the context's registry)."""
    return Registry(fresh_plugin_manager())


def context_for(states: MemoryStates, client: Any, *, story: str = "", seed: int = 7) -> TaskContext:
    context = TaskContext(environments=ENVIRONMENTS, states=states, llm=client, seed=seed, registry=builtin_registry())
    context.story = story
    return context


def first_line(template: str) -> str:
    return load_template(template).body.strip().splitlines()[0]


def role_of(request: ChatRequest) -> str:
    """Which component sent ``request``, from the first line of its system message."""
    system = request.messages[0].content
    for role in ("story", "seed_state", "writer", "refiner", "user", "judge", "labeller", "edges", "agent"):
        if system.startswith(first_line(f"{role}.system")):
            return role
    raise AssertionError(f"unknown prompt: {system[:80]!r}")


def between(text: str, start: str, end: str) -> str:
    return text.split(start, 1)[1].split(end, 1)[0].strip()


def target_calls(prompt: str) -> list[tuple[str, dict[str, Any]]]:
    """The ``N. env__tool (...)`` / ``arguments: {...}`` pairs of a writer or refiner prompt."""
    names = re.findall(r"^\d+\. (\w+) \(", prompt, flags=re.MULTILINE)
    arguments = [json.loads(line) for line in re.findall(r"^   arguments: (.*)$", prompt, flags=re.MULTILINE)]
    return list(zip(names, arguments, strict=True))


def text(response: str) -> Callable[[ChatRequest], str]:
    return lambda request: response


class Playbook:
    """Answers every component's prompt; records which requests map to which calls."""

    def __init__(self, environments: dict[str, Environment] | None = None) -> None:
        self.environments = environments or ENVIRONMENTS
        self.plans: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        self.roles: list[str] = []

    def install(self, fake: ScriptedLLM, count: int = 4000) -> ScriptedLLM:
        for _ in range(count):
            fake.respond_with(self)
        return fake

    def __call__(self, request: ChatRequest) -> ChatResponse | str:
        role = role_of(request)
        self.roles.append(role)
        return getattr(self, role)(request)

    @staticmethod
    def prompt(request: ChatRequest) -> str:
        return request.messages[1].content

    def story(self, request: ChatRequest) -> str:
        return (
            "<story>Maya Okafor, 34, is a secondary-school librarian in Leeds who is organised, curious and a "
            "little impatient. This week she is rebuilding the school's reading list and keeping notes for a "
            "staff meeting on Friday, so she needs her accounts and notes in order before the weekend.</story>"
        )

    def seed_state(self, request: ChatRequest) -> str:
        name = between(self.prompt(request), "Service:", "—")
        state = rows_by_table(self.environments[name].initial_state(seed=0))
        return f"<state>{json.dumps(state)}</state>"

    def writer(self, request: ChatRequest) -> str:
        prompt = self.prompt(request)
        required = json.loads(between(prompt, "Values that must appear in the request:", "\n"))
        query = "Could you take care of this for me? The details: " + "; ".join(str(value) for value in required) + "."
        self.plans[query] = target_calls(prompt)
        return f"<user_intent>Get this done today.</user_intent>\n<query>{query}</query>"

    def refiner(self, request: ChatRequest) -> str:
        prompt = self.prompt(request)
        original = between(prompt, "Request to rewrite:", "\n\nUser intent:")
        refined = "Hi! " + original
        self.plans[refined] = target_calls(prompt)
        return f"<user_intent>Get this done today, quickly.</user_intent>\n<query>{refined}</query>"

    def agent(self, request: ChatRequest) -> ChatResponse | str:
        messages = request.messages
        last_user = max(
            i for i, m in enumerate(messages) if m.role == "user" and not m.content.startswith("<tool_response>")
        )
        plan = self.plans[messages[last_user].content]
        done = sum(1 for m in messages[last_user:] if m.role == "tool" and "could not read" not in m.content) + sum(
            m.content.count("<tool_response>") for m in messages[last_user:] if m.role == "user"
        )
        if done < len(plan):
            name, arguments = plan[done]
            return ChatResponse(
                model=request.model, tool_calls=(_call(name, arguments, done),), finish_reason="tool_calls"
            )
        results = [m.content for m in messages[last_user:] if m.role == "tool"] + [
            m.content.replace("<tool_response>", "").replace("</tool_response>", "")
            for m in messages[last_user:]
            if m.role == "user" and m.content.startswith("<tool_response>")
        ]
        return "Done. Here is what I found: " + (results[-1] if results else "nothing needed")

    def user(self, request: ChatRequest) -> str:
        return "<message>Thanks, that's everything.</message><status>done</status>"

    def judge(self, request: ChatRequest) -> str:
        return "<verdict>correct</verdict><reason>It reports the facts.</reason>"

    def labeller(self, request: ChatRequest) -> str:
        labels = {}
        for number, tool, path, kind in re.findall(
            r"^(\d+)\. (\w+): ([\w.]+) \((\w+)", self.prompt(request), re.MULTILINE
        ):
            parameter = Parameter(tool=tool, direction="input", path=path, type=kind)
            labels[number] = RuleLabeller().label_parameter(parameter).user_providable
        return f"<labels>{json.dumps(labels)}</labels>"

    def edges(self, request: ChatRequest) -> str:
        return "<edges>[]</edges>"


def _call(name: str, arguments: dict[str, Any], index: int) -> Any:
    from envfactory_core.llm import LLMToolCall

    return LLMToolCall(id=f"c{index}", name=name, arguments=arguments, raw=json.dumps(arguments))


@pytest.fixture
def playbook(fake_llm: ScriptedLLM) -> Playbook:
    book = Playbook()
    book.install(fake_llm)
    return book
