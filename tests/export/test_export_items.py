"""Export items from a run store: states, tools, split by task id, filters; the split itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from envfactory_testing.export_items import ExampleExport, write_run_store
from hypothesis import given, settings
from hypothesis import strategies as st

from envfactory_core.errors import ConfigError
from envfactory_core.export import ExportError, split_of
from envfactory_core.export.items import ExportFilter, SplitRule, build_export_item, items_from_store
from envfactory_core.store import RunStore


@pytest.fixture(scope="module")
def run_dir(example: ExampleExport, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_run_store(example, tmp_path_factory.mktemp("run"))


def test_items_from_a_run_equal_the_items_made_in_memory(example: ExampleExport, run_dir: Path) -> None:
    with RunStore(run_dir, create=False) as store:
        got = list(items_from_store(store, split=SplitRule(validation_share=0.34, seed=0)))
    assert got == list(example.items)
    for read, made in zip(got, example.items, strict=True):
        assert read.initial_state == made.initial_state
        assert read.gold_state == made.gold_state
        assert dict(read.states) == dict(made.states)
        assert all("__" in tool.name for tool in read.tools)
        assert [spec.name for spec in read.environments] == list(read.task.environments)


def test_filters_keep_what_they_name_and_count_the_rest(example: ExampleExport, run_dir: Path) -> None:
    rule = SplitRule(validation_share=0.0)
    with RunStore(run_dir, create=False) as store:
        skipped: dict[str, int] = {}
        notes_only = list(
            items_from_store(store, split=rule, filter=ExportFilter(environments=("notes",)), skipped=skipped)
        )
        assert notes_only
        assert all(item.task.environments == ("notes",) for item in notes_only)
        assert skipped["environment"] == len(example.items) - len(notes_only)
        skipped = {}
        perfect = list(items_from_store(store, split=rule, filter=ExportFilter(min_reward=1.0), skipped=skipped))
        scores = [
            t.reward("core/envfactory").score if t and t.reward("core/envfactory") else None
            for t in example.trajectories
        ]  # type: ignore[union-attr]
        assert len(perfect) == sum(1 for score in scores if score is not None and score >= 1.0)
        assert skipped.get("no_trajectory") == 1
        assert skipped.get("reward_below_threshold", 0) == sum(1 for s in scores if s is not None and s < 1.0)
        assert all(item.split == "train" for item in perfect)
        examples = list(items_from_store(store, split=rule, filter=ExportFilter(domains=("examples",))))
        assert len(examples) == len(example.items)
        with pytest.raises(ConfigError) as error:
            list(items_from_store(store, split=rule, filter=ExportFilter(environments=("nope",), domains=("nowhere",))))
        assert "no environment 'nope'" in str(error.value)
        assert "no domain 'nowhere'" in str(error.value)


def test_an_item_needs_the_spec_of_every_environment(example: ExampleExport) -> None:
    task = example.tasks[0]
    with pytest.raises(ExportError, match="without a spec"):
        build_export_item(task, None, specs={}, states=example.states.get, split="train")


@settings(max_examples=60, deadline=None)
@given(task_id=st.text(min_size=1, max_size=20), share=st.floats(0.0, 0.99), seed=st.integers(0, 10))
def test_property_split_depends_only_on_id_share_and_seed(task_id: str, share: float, seed: int) -> None:
    split = split_of(task_id, validation_share=share, seed=seed)
    assert split == split_of(task_id, validation_share=share, seed=seed)
    if share == 0.0:
        assert split == "train"
    # a larger validation share never moves a validation task back to train
    if split == "validation":
        assert split_of(task_id, validation_share=min(0.99, share + 0.1), seed=seed) == "validation"


def test_split_share_is_close_to_what_was_asked() -> None:
    splits = [split_of(f"task-{index}", validation_share=0.1, seed=3) for index in range(4000)]
    assert 300 < splits.count("validation") < 500
