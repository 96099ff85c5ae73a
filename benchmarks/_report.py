"""Write a benchmark's section of docs/performance.md, between the markers that name the benchmark.

Each benchmark owns one section, ``<!-- benchmark:NAME:start -->`` ... ``<!-- benchmark:NAME:end -->``.
``--write-docs`` replaces that section where it stands, or appends it to the page, and leaves the
rest of the page as it is.

Every benchmark script imports this module first, as ``_report``: ``python benchmarks/NAME.py``
puts this folder first on ``sys.path``, which is how the import finds it. Importing it then takes
the folder to the end of ``sys.path``, because the scripts are named after what they measure and
``benchmarks/mcp.py`` would otherwise stand in for the ``mcp`` SDK in every import after it; at the
end, the folder still provides the benchmarks' shared fixtures (``_synthetic``) and nothing else.
"""

from __future__ import annotations

import sys
from pathlib import Path

from envfactory_docs import sections

HERE = Path(__file__).resolve().parent
DOC = HERE.parent / "docs" / "performance.md"

sys.path[:] = [*(entry for entry in sys.path if Path(entry or ".").resolve() != HERE), str(HERE)]


def write_section(name: str, body: str, doc: Path | None = None) -> None:
    """Put ``body`` (markdown, starting with its ``##`` heading) between ``name``'s markers in ``doc``."""
    sections.write_section(doc or DOC, f"benchmark:{name}", body, title="Performance")
