"""Generated sections inside hand-written documentation pages.

A command that owns part of a page writes it between two markers,
``<!-- NAME:start -->`` and ``<!-- NAME:end -->``: the section is replaced where it stands, or
appended when the page has none yet, and the rest of the page is left as it is.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["replace_section", "write_section"]


def replace_section(text: str, name: str, body: str) -> str:
    """``text`` with the section ``name`` holding ``body`` (markdown, ending without a blank line)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    section = f"{start}\n{body.rstrip(chr(10))}\n{end}\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1].lstrip("\n")
        return before + section + ("\n" + after if after else "")
    return text.rstrip("\n") + "\n\n" + section


def write_section(page: Path, name: str, body: str, *, title: str = "") -> None:
    """Write the section ``name`` of ``page``; a missing page starts with ``# title``."""
    text = page.read_text(encoding="utf-8") if page.exists() else f"# {title or page.stem}\n\n"
    page.write_text(replace_section(text, name, body), encoding="utf-8")
