"""Prompt templates: headers match bodies, rendering is strict, replacements load, the reference page is current."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from envfactory_core.errors import ConfigError
from envfactory_core.synthesis import load_template, shipped_templates, template_names
from envfactory_core.synthesis.templates import parse_template

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "reference" / "prompts.md"

COMPONENT_PROMPTS = {
    "story": ("story.system", "story.user"),
    "seed_state": ("seed_state.system", "seed_state.user"),
    "writer": ("writer.system", "writer.user"),
    "refiner": ("refiner.system", "refiner.user"),
    "user": ("user.system", "user.user"),
    "judge": ("judge.system", "judge.user"),
    "labeller": ("labeller.system", "labeller.user"),
    "edges": ("edges.system", "edges.user"),
    "agent": ("agent.system", "agent.rules_solo", "agent.rules_conversational", "agent.hermes_tools"),
}


def test_every_component_has_its_templates_and_every_template_declares_exactly_what_it_uses() -> None:
    names = set(template_names())
    for prompts in COMPONENT_PROMPTS.values():
        assert set(prompts) <= names
    assert "retry.user" in names
    for template in shipped_templates():
        used = set(string.Template(template.body).get_identifiers())
        assert used == set(template.variables), template.name
        assert template.component
        assert template.description
        assert all(text.strip() for text in template.variables.values())


def test_rendering_needs_exactly_the_declared_variables() -> None:
    template = load_template("story.user")
    with pytest.raises(ConfigError) as missing:
        template.render(environments="x", needs="y")
    assert "story.user.turns" in str(missing.value)
    with pytest.raises(ConfigError) as unknown:
        template.render(environments="x", needs="y", turns=1, colour="red")
    assert "colour" in str(unknown.value)
    assert "$" not in template.render(environments="E", needs="N", turns=2)


@settings(max_examples=50, deadline=None)
@given(values=st.lists(st.text(max_size=40), min_size=3, max_size=3))
def test_rendered_values_appear_verbatim_even_with_dollars_and_braces(values: list[str]) -> None:
    rendered = load_template("story.user").render(environments=values[0], needs=values[1], turns=values[2])
    for value in values:
        assert value.strip() in rendered


def test_a_bad_template_lists_every_problem() -> None:
    text = "---\ncomponent: llm/x\nvariables:\n  unused: never used\n---\nHello $name and $$5 ${other\n"
    with pytest.raises(ConfigError) as error:
        parse_template("x", text)
    message = str(error.value)
    assert "description" in message
    assert "bad $placeholder" in message
    good_body_wrong_header = "---\ncomponent: llm/x\ndescription: d\nvariables:\n  unused: never used\n---\nHi $name\n"
    with pytest.raises(ConfigError) as error:
        parse_template("x", good_body_wrong_header)
    assert "$name: used in the body but not declared" in str(error.value)
    assert "variables.unused: declared but not used" in str(error.value)
    with pytest.raises(ConfigError, match="no header"):
        parse_template("x", "Hi $name")


def test_a_prompts_folder_replaces_a_template_and_must_keep_its_variables(tmp_path: Path) -> None:
    shipped = load_template("story.user")
    (tmp_path / "story.user.txt").write_text(
        "---\ncomponent: llm/story\ndescription: mine\nvariables:\n"
        "  environments: e\n  needs: n\n  turns: t\n---\nMINE $environments $needs $turns\n"
    )
    replaced = load_template("story.user", str(tmp_path))
    assert replaced.render(environments="a", needs="b", turns=1) == "MINE a b 1"
    assert replaced.content_id != shipped.content_id
    assert load_template("story.system", str(tmp_path)) == load_template("story.system")  # not replaced
    other = tmp_path / "other"
    other.mkdir()
    (other / "story.user.txt").write_text("---\ncomponent: c\ndescription: d\nvariables:\n  needs: n\n---\n$needs\n")
    with pytest.raises(ConfigError, match="does not fit"):
        load_template("story.user", str(other))
