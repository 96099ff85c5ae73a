"""Write a benchmark's section of docs/performance.md, between the markers that name the benchmark.

Each benchmark owns one section, ``<!-- benchmark:NAME:start -->`` ... ``<!-- benchmark:NAME:end -->``.
``--write-docs`` replaces that section where it stands, or appends it to the page, and leaves the
rest of the page as it is. The benchmark scripts import this module as ``_report``: a script's own
folder is first on ``sys.path`` when it runs as ``python benchmarks/NAME.py``.
"""

from __future__ import annotations

from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "performance.md"


def write_section(name: str, body: str, doc: Path | None = None) -> None:
    """Put ``body`` (markdown, starting with its ``##`` heading) between ``name``'s markers in ``doc``."""
    doc = doc or DOC
    start, end = f"<!-- benchmark:{name}:start -->", f"<!-- benchmark:{name}:end -->"
    section = f"{start}\n{body.rstrip(chr(10))}\n{end}\n"
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Performance\n\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1].lstrip("\n")
        text = before + section + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    doc.write_text(text, encoding="utf-8")
