"""Must-show 3, with the scripted fake backend: envgen/llm_builder + envgen/llm_scenarios + the validation loop +
envgen/llm_reviser.

A first module that fails a scenario is fixed by the reviser (which says it fixed the code, and why);
a reviser that never succeeds ends as failed after the bound with the whole report; a run that stops
part-way resumes from its checkpoint without asking the model again for what it already answered.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from envfactory_envgen.build import run_build
from envfactory_envgen.validate.checkpoints import Checkpoints
from envfactory_testing import ScriptedLLM

from envfactory_core.llm import LLMError
from envfactory_core.registry import Registry
from envfactory_core.store import RunStore

DATA = Path(__file__).parent / "data"
METADATA = str(DATA / "taskboard_metadata.json")
GOOD = (DATA / "taskboard_module.py.txt").read_text(encoding="utf-8")
SCENARIOS = (DATA / "taskboard_scenarios.json").read_text(encoding="utf-8")
MODEL = "fake/coder"


def buggy(variant: int = 0) -> str:
    """The module with complete_task forgetting to store ``done`` (variants differ only in a comment)."""
    broken = GOOD.replace('return ctx.table("tasks").update(task_id, {"done": True})', "return task")
    return broken + ("" if not variant else f"\n# attempt {variant}\n")


def code_reply(code: str) -> str:
    return f"Here is the module.\n<tool_code>\n```python\n{code}```\n</tool_code>"


def decision(target: str, reason: str, body: str) -> str:
    tag = "tool_code" if target == "code" else "scenarios"
    return f"<decision>{json.dumps({'target': target, 'reason': reason})}</decision>\n<{tag}>\n{body}\n</{tag}>"


@pytest.fixture
def llm_registry(register_plugin: Any, plugin_manager: Any) -> Registry:
    return Registry(plugin_manager)


def _build(registry: Registry, fake: ScriptedLLM, run_dir: Path, **options: Any) -> Any:
    store = RunStore(run_dir)
    try:
        client = fake.client(store=store)
        return run_build(
            [METADATA],
            registry=registry,
            builder="envgen/llm_builder",
            model=MODEL,
            run_dir=run_dir,
            client=client,
            **options,
        ), client
    finally:
        store.close()


def test_the_reviser_fixes_code_that_fails_a_scenario(
    llm_registry: Registry, fake_llm: ScriptedLLM, tmp_path: Path
) -> None:
    fake_llm.reply(code_reply(buggy()))
    fake_llm.reply(f"<scenarios>{SCENARIOS}</scenarios>")
    reason = "complete_task returns the task but never stores done=True, so reading it back shows it open"
    fake_llm.reply(decision("code", reason, GOOD))
    summary, client = _build(llm_registry, fake_llm, tmp_path / "run")
    outcome = summary.outcomes[0]
    assert outcome.status == "verified", outcome.reason
    assert outcome.name == "task_board"
    assert outcome.builder == "envgen/llm_builder"
    assert [entry["passed"] for entry in outcome.history] == [False, True]
    assert outcome.history[0]["failed_checks"] == ["scenario:tasks.complete_then_read"]
    assert outcome.history[0]["revision"] == {"target": "code", "reason": reason}
    assert [record.stage for record in client.records] == ["envgen.builder", "envgen.scenarios", "envgen.reviser"]
    # the reviser saw the failing report
    assert "scenario:tasks.complete_then_read" in fake_llm.requests[2].messages[-1].content
    assert fake_llm.pending == 0


def test_the_reviser_may_fix_a_wrong_scenario_instead(
    llm_registry: Registry, fake_llm: ScriptedLLM, tmp_path: Path
) -> None:
    wrong = json.loads(SCENARIOS)
    wrong[1]["steps"][0]["expect"] = "ok"  # claims a missing task can be read
    fixed = json.loads(SCENARIOS)[1]
    fake_llm.reply(code_reply(GOOD))
    fake_llm.reply(f"<scenarios>{json.dumps(wrong)}</scenarios>")
    reason = "the scenario expects a task that does not exist to be readable; get_task must refuse it"
    fake_llm.reply(decision("scenario", reason, json.dumps([fixed])))
    summary, _ = _build(llm_registry, fake_llm, tmp_path / "run")
    outcome = summary.outcomes[0]
    assert outcome.status == "verified", outcome.reason
    assert outcome.history[0]["revision"] == {"target": "scenario", "reason": reason}


def test_a_reviser_that_never_succeeds_ends_as_failed_after_the_bound(
    llm_registry: Registry, fake_llm: ScriptedLLM, tmp_path: Path
) -> None:
    fake_llm.reply(code_reply(buggy()))
    fake_llm.reply(f"<scenarios>{SCENARIOS}</scenarios>")
    for attempt in (1, 2):
        fake_llm.reply(decision("code", f"try {attempt}: the update call looks wrong", buggy(attempt)))
    summary, _ = _build(llm_registry, fake_llm, tmp_path / "run", max_revisions=2)
    outcome = summary.outcomes[0]
    assert outcome.status == "failed"
    assert outcome.iterations == 2
    assert "still failing after 2 revisions" in outcome.reason
    assert "scenario:tasks.complete_then_read" in outcome.reason
    assert "expected true, got false" in outcome.reason
    assert [entry["revision"]["target"] for entry in outcome.history[:2]] == ["code", "code"]
    assert summary.to_json()["failed"] == [{"name": "task_board", "reason": outcome.reason}]
    with RunStore(tmp_path / "run", create=False) as store:
        build = Checkpoints(store).builds()[0]
        assert build.status == "failed"
        assert build.report is not None
        failing = [check.name for check in build.report.failures]
        assert failing == ["scenario:tasks.complete_then_read"]
        assert len(Checkpoints(store).iterations(build.key)) == 3


def test_a_run_stopped_part_way_resumes_from_its_checkpoint(llm_registry: Registry, tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    first = ScriptedLLM()
    first.reply(code_reply(buggy()))
    first.reply(f"<scenarios>{SCENARIOS}</scenarios>")
    first.fail("bad_request", message="the backend went away")  # the run stops while revising
    with first.activate(), pytest.raises(LLMError, match="went away"):
        _build(llm_registry, first, run_dir)
    with RunStore(run_dir, create=False) as store:
        checkpoints = Checkpoints(store)
        build = checkpoints.builds()[0]
        assert build.status == "validating"
        assert [row.report.passed for row in checkpoints.iterations(build.key)] == [False]
    second = ScriptedLLM()
    second.reply(decision("code", "complete_task must store done=True", GOOD))
    with second.activate():
        summary, client = _build(llm_registry, second, run_dir)
    outcome = summary.outcomes[0]
    assert outcome.status == "verified"
    assert outcome.resumed
    assert [record.stage for record in client.records if not record.cached] == ["envgen.reviser"]
    assert len(second.requests) == 1  # builder and scenarios came from the checkpoint
    third = ScriptedLLM()
    with third.activate():
        again, _ = _build(llm_registry, third, run_dir)
    assert again.outcomes[0].status == "verified"
    assert not third.requests


def test_an_unusable_answer_is_asked_again_with_the_problem(
    llm_registry: Registry, fake_llm: ScriptedLLM, tmp_path: Path
) -> None:
    fake_llm.reply("I would write the module like this: def create_task(): ...")
    fake_llm.reply(code_reply("import os\n" + GOOD))
    fake_llm.reply(code_reply(GOOD.replace("def get_task", "def fetch_task")))
    summary, _ = _build(llm_registry, fake_llm, tmp_path / "run")
    outcome = summary.outcomes[0]
    assert outcome.status == "failed"  # three unusable answers: the builder gives up, with every problem
    assert "the builder failed" in outcome.reason
    assert "missing: get_task" in outcome.reason
    assert "imports os" in outcome.reason
    feedback = [request.messages[-1].content for request in fake_llm.requests[1:]]
    assert "Your previous answer could not be used" in feedback[0]
    assert "no <tool_code>" in feedback[0]
    assert "imports os, which generated code may not use" in feedback[1]


def test_a_module_that_does_not_load_is_a_failed_check_the_reviser_sees(
    llm_registry: Registry, fake_llm: ScriptedLLM, tmp_path: Path
) -> None:
    fake_llm.reply(code_reply(GOOD.replace('primary_key="task_id"', 'primary_key="id"')))
    fake_llm.reply(f"<scenarios>{SCENARIOS}</scenarios>")
    fake_llm.reply(decision("code", "the tasks table is keyed by a column it does not have", GOOD))
    summary, _ = _build(llm_registry, fake_llm, tmp_path / "run")
    outcome = summary.outcomes[0]
    assert outcome.status == "verified", outcome.reason
    assert outcome.history[0]["failed_checks"] == ["loads"]
    assert "primary key column 'id' is not a column" in fake_llm.requests[2].messages[-1].content


def test_the_builder_prompt_carries_the_sdk_reference_and_an_example(
    llm_registry: Registry, fake_llm: ScriptedLLM, tmp_path: Path
) -> None:
    fake_llm.reply(code_reply(GOOD))
    fake_llm.reply(f"<scenarios>{SCENARIOS}</scenarios>")
    summary, _ = _build(llm_registry, fake_llm, tmp_path / "run")
    assert summary.verified == 1
    system = fake_llm.requests[0].messages[0].content
    user = fake_llm.requests[0].messages[1].content
    assert "ctx.table(" in system
    assert "environment = Environment(" in system
    assert "envfactory_envgen.runtime" in system  # the import allow-list
    assert '"name": "complete_task"' in user
    assert "TaskBoard" in user


def test_a_module_in_a_fenced_block_without_the_tag_is_read(
    llm_registry: Registry, fake_llm: ScriptedLLM, tmp_path: Path
) -> None:
    fake_llm.reply(f"Here is the module:\n\n```python\n{GOOD}```\nIt registers every tool.")  # no <tool_code>
    fake_llm.reply(f"<scenarios>{SCENARIOS}</scenarios>")
    summary, _ = _build(llm_registry, fake_llm, tmp_path / "run")
    assert summary.outcomes[0].status == "verified", summary.outcomes[0].reason
    assert len(fake_llm.requests) == 2, "read on the first answer: no re-ask"


def test_an_unclosed_tool_code_tag_is_read_to_the_end(
    llm_registry: Registry, fake_llm: ScriptedLLM, tmp_path: Path
) -> None:
    fake_llm.reply(f"<tool_code>\n```python\n{GOOD}```")
    fake_llm.reply(f"<scenarios>{SCENARIOS}</scenarios>")
    summary, _ = _build(llm_registry, fake_llm, tmp_path / "run")
    assert summary.outcomes[0].status == "verified", summary.outcomes[0].reason


def test_a_client_the_build_makes_is_closed(
    llm_registry: Registry, fake_llm: ScriptedLLM, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from envfactory_core.llm import LLMClient

    closed: list[LLMClient] = []
    original = LLMClient.close

    def close(self: LLMClient) -> None:
        closed.append(self)
        original(self)

    monkeypatch.setattr(LLMClient, "close", close)
    fake_llm.reply(code_reply(GOOD)).reply(f"<scenarios>{SCENARIOS}</scenarios>")
    summary = run_build(
        [METADATA], registry=llm_registry, builder="envgen/llm_builder", model=MODEL, run_dir=tmp_path / "run"
    )
    assert summary.outcomes[0].status == "verified", summary.outcomes[0].reason
    assert len(closed) == 1, "the client run_build made is closed (no unclosed HTTP session)"
