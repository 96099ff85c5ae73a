"""Finding the workplace's shared external data (real benchmark and API documents) for tests.

The data is not part of the repository: it lies beside the checkout as ``shared/external/`` or
wherever ``ENVFACTORY_SHARED_DIR`` points (the folder holding ``external/``). Tests that need it
skip with a clear reason when it is absent, and run everywhere it is present.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

__all__ = ["requires_shared", "shared_external"]


def shared_external(name: str, *, anchor: str | Path | None = None) -> Path:
    """The path of ``shared/external/<name>``: from ``ENVFACTORY_SHARED_DIR``, else the first
    ``shared`` folder found beside ``anchor`` (a file or folder; default the working directory) or
    beside any of its parents. The path is returned even when it does not exist."""
    configured = os.environ.get("ENVFACTORY_SHARED_DIR")
    if configured:
        return Path(configured) / "external" / name
    start = Path(anchor).resolve() if anchor is not None else Path.cwd().resolve()
    for folder in [start, *start.parents]:
        candidate = folder / "shared" / "external" / name
        if candidate.exists():
            return candidate
    return start.parent / "shared" / "external" / name


def requires_shared(path: Path) -> Any:
    """A pytest mark that skips a test, saying why, when the shared data at ``path`` is absent."""
    import pytest

    return pytest.mark.skipif(
        not path.exists(),
        reason=f"the shared external data is not at {path} "
        "(lay shared/ beside the checkout or set ENVFACTORY_SHARED_DIR)",
    )
