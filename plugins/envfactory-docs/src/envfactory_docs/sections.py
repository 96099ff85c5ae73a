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
    if start in body or end in body:
        raise ValueError(f"the body of section {name!r} holds its own marker; take the marker out of the body")
    section = f"{start}\n{body.rstrip(chr(10))}\n{end}\n"
    opened = text.find(start)
    closed = text.find(end, opened + len(start)) if opened >= 0 else -1
    if opened >= 0 and closed >= 0:
        after = text[closed + len(end) :].lstrip("\n")
        return text[:opened] + section + ("\n" + after if after else "")
    if opened >= 0 or end in text:
        raise ValueError(f"the page has an unmatched marker of section {name!r}; restore both {start} and {end}")
    return text.rstrip("\n") + "\n\n" + section


def write_section(page: Path, name: str, body: str, *, title: str = "") -> None:
    """Write the section ``name`` of ``page``; a missing page starts with ``# title``."""
    text = page.read_text(encoding="utf-8") if page.exists() else f"# {title or page.stem}\n\n"
    page.write_text(replace_section(text, name, body), encoding="utf-8")
