"""Generated doc sections: replaced in place or appended, the rest of the page kept, rewriting idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest
from envfactory_docs.sections import replace_section, write_section
from hypothesis import assume, given
from hypothesis import strategies as st

NAME = "task-yield"
START, END = f"<!-- {NAME}:start -->", f"<!-- {NAME}:end -->"

# Page text and section bodies: lines of markdown-ish text, with blank lines and stray newlines.
lines = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=30)
texts = st.lists(lines, max_size=6).map("\n".join)
bodies = texts.map(lambda text: text.strip("\n")).filter(bool)


def no_markers(*values: str) -> bool:
    return not any("<!--" in value or "-->" in value for value in values)


def section_of(text: str) -> str:
    return text.split(START, 1)[1].split(END, 1)[0]


@given(page=texts, body=bodies)
def test_a_page_without_the_section_gets_it_appended_after_its_text(page: str, body: str) -> None:
    assume(no_markers(page, body))
    result = replace_section(page, NAME, body)
    assert result.startswith(page.rstrip("\n"))
    assert result.endswith(f"{START}\n{body}\n{END}\n")
    assert result.count(START) == result.count(END) == 1


@given(before=texts, after=texts, old=bodies, new=bodies)
def test_replacing_a_section_keeps_the_text_around_it(before: str, after: str, old: str, new: str) -> None:
    assume(no_markers(before, after, old, new))
    page = f"{before}{START}\n{old}\n{END}\n{after}"
    result = replace_section(page, NAME, new)
    assert result.startswith(before + START)
    assert section_of(result) == f"\n{new}\n"
    rest = result.split(END, 1)[1]
    assert rest.lstrip("\n") == after.lstrip("\n")
    assert result.count(START) == result.count(END) == 1


@given(page=texts, first=bodies, second=bodies)
def test_writing_a_section_twice_is_the_same_as_writing_it_once(page: str, first: str, second: str) -> None:
    assume(no_markers(page, first, second))
    once = replace_section(page, NAME, first)
    assert replace_section(once, NAME, first) == once
    replaced = replace_section(once, NAME, second)
    assert replace_section(replaced, NAME, second) == replaced
    assert replaced == replace_section(page, NAME, second)  # the old body leaves no trace


@given(page=texts, body=bodies)
def test_other_sections_are_left_alone(page: str, body: str) -> None:
    assume(no_markers(page, body))
    other = "<!-- other:start -->\nkeep me\n<!-- other:end -->\n"
    result = replace_section(replace_section(page + "\n" + other, NAME, "first"), NAME, body)
    assert other in result
    assert section_of(result) == f"\n{body}\n"


def test_trailing_newlines_of_a_body_do_not_pile_up() -> None:
    assert replace_section("# Page\n", NAME, "figures\n\n\n") == f"# Page\n\n{START}\nfigures\n{END}\n"


def test_write_section_starts_a_missing_page_with_its_title_and_rewrites_an_existing_one(tmp_path: Path) -> None:
    page = tmp_path / "docs" / "tasks.md"
    page.parent.mkdir()
    write_section(page, NAME, "first figures", title="Tasks")
    assert page.read_text(encoding="utf-8") == f"# Tasks\n\n{START}\nfirst figures\n{END}\n"
    page.write_text(page.read_text(encoding="utf-8") + "\nWritten by hand.\n", encoding="utf-8")
    write_section(page, NAME, "second figures", title="Ignored once the page exists")
    assert page.read_text(encoding="utf-8") == f"# Tasks\n\n{START}\nsecond figures\n{END}\n\nWritten by hand.\n"
    untitled = tmp_path / "yield.md"
    write_section(untitled, NAME, "figures")
    assert untitled.read_text(encoding="utf-8").startswith("# yield\n\n")


@pytest.mark.parametrize("page", [f"{END}\n{START}\n", f"intro\n{START}\nno end\n", f"intro\n{END}\n"])
def test_an_unmatched_or_reversed_marker_is_refused_not_guessed(page: str) -> None:
    with pytest.raises(ValueError, match="unmatched marker"):
        replace_section(page, NAME, "figures")


def test_a_body_holding_its_own_marker_is_refused() -> None:
    with pytest.raises(ValueError, match="holds its own marker"):
        replace_section("# Page\n", NAME, f"figures\n{END}\nmore")
