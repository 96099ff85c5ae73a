"""The project's distributions: which one brings a command or a backend, and how to install it.

The plugins and domains are released with the core, but a package may not be on the index a user
has (a pre-release, a private mirror). When the core runs from a checkout of this repository, the
command that always works is an editable install of the package's folder, so that is the hint;
otherwise it is ``pip install NAME``.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from pathlib import Path

__all__ = ["PLUGIN_COMMANDS", "checkout_folder", "install_command"]

PLUGIN_COMMANDS: Mapping[str, str] = {
    "serve": "envfactory-mcp",
    "mcp": "envfactory-mcp",
    "openenv": "envfactory-openenv",
    "trl": "envfactory-trl",
    "verl": "envfactory-verl",
    "envgen": "envfactory-envgen",
    "taubench": "envfactory-taubench",
    "report": "envfactory-datasette",
}
"""Commands that plugins and domains add, with the distribution that brings each."""


def _checkout_root() -> Path | None:
    """The repository this core was imported from, when it is a checkout (editable install)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "plugins").is_dir() and (parent / "domains").is_dir() and (parent / "pyproject.toml").is_file():
            return parent
    return None


def checkout_folder(distribution: str) -> Path | None:
    """The folder of ``distribution`` in this checkout, or None."""
    root = _checkout_root()
    if root is None:
        return None
    for group in ("plugins", "domains"):
        folder = root / group / distribution
        if (folder / "pyproject.toml").is_file():
            return folder
    return None


def install_command(distribution: str, extra: str = "") -> str:
    """``pip install -e FOLDER`` from a checkout, else ``pip install NAME`` (with ``[extra]``)."""
    folder = checkout_folder(distribution)
    suffix = f"[{extra}]" if extra else ""
    if folder is not None:
        return f"pip install -e {shlex.quote(str(folder) + suffix)}"
    return f"pip install {shlex.quote(distribution + suffix)}"
