"""Bad input is a clear error (the field and the fix, no traceback), and nothing is written for it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import PIPELINE, envfactory, record

BAD_PIPELINES = {
    "nan chains_per_task": ("chains_per_task = 2.0", "chains_per_task = nan", "run.chains_per_task"),
    "inf chains_per_task": ("chains_per_task = 2.0", "chains_per_task = inf", "run.chains_per_task"),
    "-inf in stage options": ("max_tools = 3", "max_tools = 3, weight = -inf", "stage[3].options.weight"),
}


@pytest.mark.parametrize("case", sorted(BAD_PIPELINES))
def test_a_non_finite_number_in_a_pipeline_file_is_refused_and_nothing_is_written(case: str, tmp_path: Path) -> None:
    old, new, location = BAD_PIPELINES[case]
    text = PIPELINE.format(tasks=4)
    assert old in text
    path = tmp_path / "bad.toml"
    path.write_text(text.replace(old, new))
    out = tmp_path / "out"
    refused = envfactory("run", str(path), "--out", str(out))
    assert refused.returncode == 2
    assert location in refused.stderr
    assert "not a finite number" in refused.stderr
    assert not out.exists(), "a pipeline file that fails to load must write nothing"
    record("bad inputs refused")


def test_a_pipeline_file_that_is_not_utf8_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(PIPELINE.format(tasks=4).encode() + b"\n# caf\xe9\n")
    out = tmp_path / "out"
    refused = envfactory("run", str(path), "--out", str(out))
    assert refused.returncode == 2
    assert "not UTF-8" in refused.stderr
    assert "save the file as UTF-8" in refused.stderr
    assert not out.exists()
    record("bad inputs refused")


BAD_ARGS = {
    "5,000-deep array": ("[" * 5000 + "]" * 5000, "nested 5000 levels deep"),
    "NaN": ('{"query": NaN}', "not a finite number"),
    "Infinity": ('{"query": "x", "limit": -Infinity}', "not a finite number"),
    "not JSON": ("{query: x}", "not valid JSON"),
}


@pytest.mark.parametrize("case", sorted(BAD_ARGS))
def test_bad_json_arguments_on_the_command_line_are_refused(case: str) -> None:
    text, expected = BAD_ARGS[case]
    refused = envfactory("envs", "call", "bookshop", "search_books", "--args", text)
    assert refused.returncode == 2
    assert "--args" in refused.stderr
    assert expected in refused.stderr
    record("bad inputs refused")


def test_huge_json_arguments_get_an_answer_not_a_traceback() -> None:
    huge = json.dumps({"query": "x" * 100_000, "extra": list(range(3000))})  # near the OS limit for one argument
    answered = envfactory("envs", "call", "bookshop", "search_books", "--args", huge, "--json")
    assert answered.returncode in (0, 1)
    assert json.loads(answered.stdout)["result"]["ok"] is False  # 'extra' is not an argument of search_books
    record("bad inputs refused")


@pytest.mark.parametrize("case", ["binary", "deep", "nan"])
def test_a_bad_state_file_is_refused(case: str, tmp_path: Path) -> None:
    if case == "binary":
        path = Path("/bin/true")
    else:
        path = tmp_path / "state.json"
        path.write_text("[" * 3000 + "]" * 3000 if case == "deep" else '{"books": NaN}')
    refused = envfactory("envs", "call", "bookshop", "search_books", "--args", '{"query": "x"}', "--state", str(path))
    assert refused.returncode == 2
    assert f"--state {path}" in refused.stderr
    expected = {"binary": "not a JSON text file", "deep": "levels deep", "nan": "not a finite number"}[case]
    assert expected in refused.stderr
    record("bad inputs refused")
