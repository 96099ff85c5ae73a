"""The exporters as registered components: names, the protocol, options checked against field types."""

from __future__ import annotations

import attrs
import pytest

from envfactory_core.export import Exporter
from envfactory_core.options import option_problems
from envfactory_core.registry import Registry

NAMES = ["core/jsonl", "core/llamafactory", "core/messages", "core/openai_ft"]


def test_register_exporters_registers_the_four_formats(registry: Registry) -> None:
    assert list(registry.names("exporter")) == NAMES
    for name in NAMES:
        exporter = registry.get("exporter", name)
        assert isinstance(exporter, Exporter)
        assert attrs.has(type(exporter))
        assert type(exporter).__attrs_attrs__
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            exporter.name = "other"
        assert exporter.description


@pytest.mark.parametrize(
    ("name", "options", "problem"),
    [
        ("core/messages", {"expand": "step", "reasoning": "false"}, None),
        ("core/messages", {"expand": "turns"}, "expected one of 'conversation', 'step'"),
        ("core/openai_ft", {"parallel_tool_calls": "none"}, None),
        ("core/llamafactory", {"mode": "alpaca_steps", "dataset_name": "shop"}, None),
        ("core/jsonl", {"states": "ids"}, "unknown option"),
    ],
)
def test_options_are_checked_like_a_pipeline_file_checks_them(
    registry: Registry, name: str, options: dict[str, object], problem: str | None
) -> None:
    values, problems = option_problems(registry.get("exporter", name), options, location="stage.options")
    if problem is None:
        assert problems == []
        configured = attrs.evolve(registry.get("exporter", name), **values)
        assert all(getattr(configured, key) == value for key, value in values.items())
    else:
        assert any(problem in str(found) for found in problems)
