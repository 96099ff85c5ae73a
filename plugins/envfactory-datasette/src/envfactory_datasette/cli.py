"""The ``envfactory report`` command."""

from __future__ import annotations

import json
from pathlib import Path

import click

from envfactory_core.cli.app import fail, handle_errors
from envfactory_core.store import STORE_FILENAME

__all__ = ["report_command"]


@click.command("report")
@click.argument("run", type=click.Path(path_type=Path))
@click.option(
    "--html", "html", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The page to write."
)
@click.option(
    "--sample", type=click.IntRange(min=0), default=5, show_default=True, help="Tasks (with a transcript) to include."
)
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
@handle_errors
def report_command(run: Path, html: Path, sample: int, as_json: bool) -> None:
    """Write RUN's summary charts and a sample of its tasks and transcripts as one static HTML file.

    The file needs no server and no network: styles are inline, charts are inline SVG.
    """
    from .report import write_report

    store = run / STORE_FILENAME if run.is_dir() else run
    if not store.exists():
        fail(f"no run store at {store}: RUN is a run directory made by `envfactory run --out RUN`")
    path = write_report(run, html, sample=sample)
    if as_json:
        click.echo(json.dumps({"html": str(path), "bytes": path.stat().st_size, "sample": sample}))
    else:
        click.echo(f"Wrote {path} ({path.stat().st_size:,} bytes).")
