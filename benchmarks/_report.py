"""Write a benchmark's section of docs/performance.md, between the markers that name the benchmark.

Each benchmark owns one section, ``<!-- benchmark:NAME:start -->`` ... ``<!-- benchmark:NAME:end -->``.
``--write-docs`` replaces that section where it stands, or appends it to the page, and leaves the
rest of the page as it is. The benchmark scripts import this module as ``_report``: a script's own
folder is first on ``sys.path`` when it runs as ``python benchmarks/NAME.py``.
"""

from __future__ import annotations

from pathlib import Path

from envfactory_core import doc_sections

DOC = Path(__file__).resolve().parents[1] / "docs" / "performance.md"


def write_section(name: str, body: str, doc: Path | None = None) -> None:
    """Put ``body`` (markdown, starting with its ``##`` heading) between ``name``'s markers in ``doc``."""
    doc_sections.write_section(doc or DOC, f"benchmark:{name}", body, title="Performance")
