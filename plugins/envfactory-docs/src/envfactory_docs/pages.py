"""Generated pages on disk: how a file differs from its rendering, and writing it only when it changed.

Every ``envfactory docs ...`` command renders a page deterministically, then either writes it or,
with ``--check``, compares it with the file and exits 1 when they differ, so CI catches a page
that fell behind the code it describes.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from envfactory_core.cli.app import echo_json, fail, stderr_console

__all__ = ["exit_if_stale", "page_difference", "publish_page", "stale_diff", "write_page"]


def stale_diff(current: str | None, expected: str, *, path: str = "docs/domains.md", limit: int = 40) -> list[str]:
    """The first ``limit`` lines of a unified diff from the file on disk to the rendered page;
    empty when they are equal. ``current`` is None when the file does not exist."""
    if current == expected:
        return []
    if current is None:
        return [f"{path} does not exist"]
    lines = list(
        difflib.unified_diff(
            current.splitlines(),
            expected.splitlines(),
            fromfile=f"{path} (on disk)",
            tofile=f"{path} (rendered)",
            lineterm="",
        )
    )
    if len(lines) > limit:
        lines = [*lines[:limit], f"... ({len(lines) - limit} more diff lines)"]
    return lines


def page_difference(page: str, out: str) -> list[str]:
    """How the file ``out`` differs from ``page`` (the start of a diff); empty when it is up to date."""
    path = Path(out)
    return stale_diff(path.read_text(encoding="utf-8") if path.is_file() else None, page, path=out)


def exit_if_stale(difference: list[str], out: str, command: str) -> None:
    """Print ``difference`` and exit 1 when there is one, naming the command that updates ``out``."""
    if difference:
        click.echo("\n".join(difference), err=True)
        click.echo(f"{out} is stale: run `envfactory {command} --out {out}` and commit the result.", err=True)
        raise SystemExit(1)


def write_page(page: str, out: str) -> bool:
    """Write ``page`` to ``out`` unless the file already holds it; whether the file changed."""
    path = Path(out)
    if not path.parent.is_dir():
        fail(f"the folder {path.parent} does not exist; run from the project root or pass --out PATH")
    changed = not path.is_file() or path.read_text(encoding="utf-8") != page
    if changed:
        path.write_text(page, encoding="utf-8")
    return changed


def publish_page(
    page: str, out: str, *, check: bool, as_json: bool, command: str, figures: Mapping[str, Any], summary: str
) -> None:
    """Print ``page`` (``out`` is ``-``), check the file against it (``check``) or write it.

    Every page command reports the same way: with ``as_json`` one JSON object (the path, whether it
    was up to date or changed, and ``figures``) on stdout, else a line on stderr ending in
    ``summary``; a stale file exits 1 naming ``command``, which updates it.
    """
    if out == "-":
        if check or as_json:
            fail("--check and --json need a file: give --out PATH")
        sys.stdout.write(page)
        return
    if check:
        difference = page_difference(page, out)
        if as_json:
            echo_json({"path": out, "up_to_date": not difference, **figures})
        exit_if_stale(difference, out, command)
        if not as_json:
            stderr_console().print(f"{out} is up to date ({summary}).", soft_wrap=True)
        return
    changed = write_page(page, out)
    if as_json:
        echo_json({"path": out, "changed": changed, **figures})
    else:
        stderr_console().print(f"{'wrote' if changed else 'unchanged:'} {out} ({summary}).", soft_wrap=True)
