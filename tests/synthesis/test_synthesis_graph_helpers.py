"""llm/labeller and llm/edges: batched labels and validated tool→tool edges, with the scripted fake."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pytest
from envfactory_testing.fake_llm import ScriptedLLM

from envfactory_core.contracts import LABELLER, LINKER
from envfactory_core.env.examples import bookshop, notes
from envfactory_core.graph import LexicalLinker, RuleLabeller, build_tool_graph
from envfactory_core.llm import ChatRequest
from envfactory_core.registry import Registry
from envfactory_core.synthesis import LLMEdges, LLMLabeller, using_llm

from .conftest import MODEL, Playbook

SPECS = [bookshop.spec, notes.spec]
INPUTS = sum(len(tool.input_schema.get("properties", {})) for spec in SPECS for tool in spec.tools)


def labels_answer(request: ChatRequest, *, flip: bool = False, drop: int | None = None) -> str:
    answer = json.loads(Playbook().labeller(request).split("<labels>", 1)[1].split("</labels>", 1)[0])
    if flip:
        answer = {key: not value for key, value in answer.items()}
    if drop is not None:
        answer.pop(str(drop), None)
    return f"<labels>{json.dumps(answer)}</labels>"


def test_labeller_labels_every_input_in_batches_with_the_run_client(fake_llm: ScriptedLLM) -> None:
    client = fake_llm.client()
    for _ in range(10):
        fake_llm.respond_with(lambda request: labels_answer(request, flip=True))
    with using_llm(client):
        graph = build_tool_graph(SPECS, linker=LexicalLinker(), labeller=LLMLabeller(model=MODEL, batch_size=5))
    rules = build_tool_graph(SPECS, linker=LexicalLinker(), labeller=RuleLabeller())
    assert len(fake_llm.requests) == math.ceil(INPUTS / 5)
    assert all(record.stage == "label" for record in client.records)
    for tool, ruled in zip(graph.tools, rules.tools, strict=True):
        for mine, theirs in zip(tool.inputs, ruled.inputs, strict=True):
            assert mine.user_providable is (not theirs.user_providable)  # the model's answer, not the rules'
            assert mine.label_reason == f"labelled by {MODEL}"
    assert graph.source.labeller == "llm/labeller"
    assert graph.source.labeller_settings["model"] == MODEL
    assert not [issue for issue in graph.issues if issue.action == "unlabelled"]


def test_labeller_retries_a_batch_with_the_problem_and_falls_back_to_the_rules(fake_llm: ScriptedLLM) -> None:
    batch = INPUTS  # one batch
    fake_llm.respond_with(lambda request: labels_answer(request, drop=3))
    fake_llm.reply('<labels>{"0": "yes"}</labels>')
    fake_llm.respond_with(labels_answer)
    with using_llm(fake_llm.client()):
        graph = build_tool_graph(SPECS, linker=LexicalLinker(), labeller=LLMLabeller(model=MODEL, batch_size=batch))
    assert "no label for parameter(s) 3" in fake_llm.requests[1].messages[-1].content
    assert "is not true or false" in fake_llm.requests[2].messages[-1].content
    assert all(p.label_reason == f"labelled by {MODEL}" for tool in graph.tools for p in tool.inputs)

    fake_llm.replies(["<labels>[]</labels>"] * 3)
    with using_llm(fake_llm.client()):
        fallback = build_tool_graph(SPECS, linker=LexicalLinker(), labeller=LLMLabeller(model=MODEL, batch_size=batch))
    rules = build_tool_graph(SPECS, linker=LexicalLinker(), labeller=RuleLabeller())
    for tool, ruled in zip(fallback.tools, rules.tools, strict=True):
        for mine, theirs in zip(tool.inputs, ruled.inputs, strict=True):
            assert mine.user_providable == theirs.user_providable
            assert mine.label_reason.startswith("rules after LLM labelling failed")
    fake_llm.replies(["nothing"] * 3)
    with using_llm(fake_llm.client()):
        none = build_tool_graph(
            SPECS, linker=LexicalLinker(), labeller=LLMLabeller(model=MODEL, batch_size=batch, fallback="false")
        )
    assert not any(p.user_providable for tool in none.tools for p in tool.inputs)


def test_labeller_settings_make_part_of_the_graph_id() -> None:
    one = LLMLabeller(model="fake/a").settings()
    assert one != LLMLabeller(model="fake/b").settings()
    assert len(one["prompts"]) == 2


# --- llm/edges ---------------------------------------------------------------------------------------

GOOD_EDGE = {
    "from": "tag_note",
    "to": "search_notes",
    "output": "tags",
    "input": "tag",
    "reason": "find by the new tag",
}


def edges_for(environment: str, edges: list[dict[str, Any]]) -> Any:
    def respond(request: ChatRequest) -> str:
        service = re.search(r"^Service: (\w+)", request.messages[1].content, re.MULTILINE)
        assert service is not None
        return f"<edges>{json.dumps(edges if service.group(1) == environment else [])}</edges>"

    return respond


def dependencies(graph: Any) -> set[tuple[str, str]]:
    return {(link.source.split(":")[0], link.target.split(":")[0]) for link in graph.links}


def test_edges_adds_validated_edges_within_an_environment(fake_llm: ScriptedLLM) -> None:
    fake_llm.respond_with(edges_for("notes", [GOOD_EDGE])).respond_with(edges_for("notes", [GOOD_EDGE]))
    client = fake_llm.client()
    base = build_tool_graph(SPECS, linker=LexicalLinker(), labeller=RuleLabeller())
    with using_llm(client):
        graph = build_tool_graph(SPECS, linker=LLMEdges(model=MODEL), labeller=RuleLabeller())
    added = dependencies(graph) - dependencies(base)
    assert added == {("notes__tag_note", "notes__search_notes")}
    link = next(link for link in graph.links if link.reason == "llm")
    assert (link.source, link.target) == ("notes__tag_note:out:tags", "notes__search_notes:in:tag")
    assert {record.stage for record in client.records} == {"edges"}
    prompt = next(r for r in fake_llm.requests if "Service: notes" in r.messages[1].content).messages[1].content
    assert "create_note -> tag_note" in prompt  # the existing edges are shown
    assert graph.source.linker == "llm/edges"
    assert graph.source.linker_settings["base"] == "core/lexical"


@pytest.mark.parametrize(
    ("edge", "problem"),
    [
        (
            {**GOOD_EDGE, "from": "tag_notes"},
            "'tag_notes' is not a tool of notes; use one of: create_note, delete_note",
        ),
        ({**GOOD_EDGE, "to": "tag_note"}, "connects tag_note to itself"),
        ({**GOOD_EDGE, "output": "colour"}, "tag_note has no output field 'colour'; its outputs: body (string)"),
        ({**GOOD_EDGE, "input": "q"}, "search_notes has no input argument 'q'"),
        ({**GOOD_EDGE, "output": "pinned"}, "tag_note.pinned (boolean) cannot feed search_notes.tag (string)"),
    ],
)
def test_bad_edges_are_sent_back_with_the_valid_names(
    fake_llm: ScriptedLLM, edge: dict[str, Any], problem: str
) -> None:
    fake_llm.respond_with(edges_for("notes", [edge])).respond_with(edges_for("notes", [edge]))
    fake_llm.respond_with(edges_for("notes", [GOOD_EDGE]))
    with using_llm(fake_llm.client()):
        graph = build_tool_graph(SPECS, linker=LLMEdges(model=MODEL), labeller=RuleLabeller())
    retries = [r.messages[-1].content for r in fake_llm.requests if len(r.messages) > 2]
    assert len(retries) == 1
    assert problem in retries[0]
    assert ("notes__tag_note", "notes__search_notes") in dependencies(graph)


def test_an_environment_whose_answers_stay_unusable_keeps_only_the_base_links(fake_llm: ScriptedLLM) -> None:
    fake_llm.replies(["<edges>{}</edges>"] * 6)
    base = build_tool_graph(SPECS, linker=LexicalLinker(), labeller=RuleLabeller())
    with using_llm(fake_llm.client()):
        graph = build_tool_graph(SPECS, linker=LLMEdges(model=MODEL, max_attempts=3), labeller=RuleLabeller())
    assert dependencies(graph) == dependencies(base)
    assert len(fake_llm.requests) == 6  # two environments, three attempts each


def test_edges_is_a_registered_linker_configured_by_name(fake_llm: ScriptedLLM, registry: Registry) -> None:
    fake_llm.respond_with(edges_for("notes", [GOOD_EDGE])).respond_with(edges_for("notes", [GOOD_EDGE]))
    with using_llm(fake_llm.client()):
        graph = build_tool_graph(
            SPECS,
            linker="llm/edges",
            linker_options={"model": MODEL, "base": "core/lexical", "max_edges": 2},
            labeller="core/rules",
            registry=registry,
        )
    assert ("notes__tag_note", "notes__search_notes") in dependencies(graph)
    assert registry.entry(LINKER, "llm/edges").component.needs_llm
    assert registry.entry(LABELLER, "llm/labeller").component.needs_llm
