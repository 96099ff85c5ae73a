"""Pipeline files are checked up front: every problem at once, with its location; nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from envfactory_core.errors import ConfigError
from envfactory_core.pipeline import DEFAULT_PIPELINE, parse_pipeline
from envfactory_core.registry import Registry

from .conftest import envfactory

BAD = """
[run]
seed = "zero"
tasks = 10

[[stage]]
stage = "environments"

[[stage]]
stage = "sample"
use = "core/no_such_sampler"

[[stage]]
stage = "ground"
options = { attempts = "many", colour = "blue" }

[[stage]]
stage = "score"
"""


def test_the_default_pipeline_is_valid(registry: Registry) -> None:
    pipeline = parse_pipeline(DEFAULT_PIPELINE, registry)
    assert [stage.type for stage in pipeline.stages][:3] == ["environments", "verify", "graph"]


def test_every_problem_is_reported_at_once_with_its_location(registry: Registry) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_pipeline(BAD, registry, source="bad.toml")
    message = str(caught.value)
    locations = [problem.location for problem in caught.value.problems]
    assert "run.seed" in locations
    assert any("stage[1] (sample)" in location for location in locations)  # missing graph, unknown sampler
    assert "unknown sampler 'core/no_such_sampler'" in message
    assert "needs graph" in message
    assert "stage[2] (ground).options.attempts" in locations
    assert "stage[2] (ground).options.colour" in locations
    assert "needs trajectories" in message
    assert isinstance(caught.value, ValueError)


def test_toml_syntax_errors_name_the_line(registry: Registry) -> None:
    with pytest.raises(ConfigError, match="line 2"):
        parse_pipeline("[run]\nseed = = 1\n", registry, source="broken.toml")


def test_out_of_order_stages_are_refused(registry: Registry) -> None:
    text = '[[stage]]\nstage = "environments"\n\n[[stage]]\nstage = "graph"\n\n[[stage]]\nstage = "verify"\n'
    with pytest.raises(ConfigError, match="out of order"):
        parse_pipeline(text, registry)


def test_a_refiner_in_a_write_stage_and_a_writer_in_a_refine_stage_are_refused(registry: Registry) -> None:
    stages = ["environments", "graph", "sample", "ground"]
    text = "\n".join(f'[[stage]]\nstage = "{name}"\n' for name in stages)
    text += '[[stage]]\nstage = "write"\nuse = "core/implicit"\n\n[[stage]]\nstage = "refine"\nuse = "core/template"\n'
    with pytest.raises(ConfigError) as caught:
        parse_pipeline(text, registry, source="swapped.toml")
    problems = {problem.location: problem.message for problem in caught.value.problems}
    assert "unknown writer 'core/implicit'" in problems["stage[4] (write).use"]
    assert "core/template" in problems["stage[4] (write).use"]  # the registered writers are named
    assert "unknown refiner 'core/template'" in problems["stage[5] (refine).use"]


@pytest.mark.slow
def test_a_bad_pipeline_file_writes_nothing(tmp_path: Path, plugins_dir: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD)
    out = tmp_path / "never"
    result = envfactory("run", str(bad), "--out", str(out), plugins_dir=plugins_dir, check=False)
    assert result.returncode == 2
    assert "bad.toml has problems" in result.stderr
    assert result.stderr.count("  - ") >= 5
    assert not out.exists()
