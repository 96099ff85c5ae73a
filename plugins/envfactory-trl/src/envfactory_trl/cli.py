"""``envfactory trl check``: will these rows train with TRL? Checked before a GPU is booked."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from envfactory_core.cli.app import App, echo_json, handle_errors, pass_app, stdout_console
from envfactory_core.env.catalog import environment_catalog
from envfactory_core.errors import EnvFactoryError
from envfactory_core.rewards.rollouts import RolloutTask

from .data import read_rows
from .environments import environment_class

__all__ = ["trl_group"]


@click.group("trl")
def trl_group() -> None:
    """TRL (GRPO) training on envfactory environments."""


def _schemas(methods: Any) -> tuple[int, list[str]]:
    """How many methods transformers turns into schemas, and the errors for the others."""
    try:
        from transformers.utils.chat_template_utils import get_json_schema
    except ImportError:
        return -1, []
    errors = []
    for name, method in methods.items():
        try:
            get_json_schema(method.function)
        except Exception as error:
            errors.append(f"{name}: {error}")
    return len(methods) - len(errors), errors


@trl_group.command("check")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--split", default="train", show_default=True, help="Split to read from an export directory.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON on stdout.")
@pass_app
@handle_errors
def check_command(app: App, path: Path, split: str, as_json: bool) -> None:
    """Check that the verl/verl rows at PATH can be rolled out by TRL's environment_factory.

    PATH is a `verl/verl` export directory or one of its parquet/JSONL files. For every set of
    environments the rows use, the command builds the TRL environment class (one method per
    tool, named env__tool), derives each method's schema the way TRL does (with transformers, when
    installed), and opens a rollout of every row (initial state, earlier turns replayed). It
    exits 1 when a row or a tool would fail during training.

    \b
    Example:
      envfactory trl check runs/demo/exports/verl
    """
    rows = read_rows(path, split=split)
    catalog = environment_catalog(app.registry)
    classes: dict[str, Any] = {}
    counts: Counter[str] = Counter()
    problems: list[str] = []
    for index, row in enumerate(rows):
        try:
            task = RolloutTask.from_row(row)
            key = "+".join(task.environments)
            if key not in classes:
                classes[key] = environment_class(task.environments, catalog)
            instance = classes[key]()
            instance.reset(**row)
            instance._close()
            counts[key] += 1
        except EnvFactoryError as error:
            problems.append(f"row {index}: {error}")
    report: list[dict[str, Any]] = []
    for key, cls in sorted(classes.items()):
        ok, errors = _schemas(cls._tool_methods)
        problems.extend(errors)
        renamed = {name: method.renamed for name, method in cls._tool_methods.items() if method.renamed}
        report.append(
            {
                "environment": key,
                "rows": counts[key],
                "tools": len(cls._tool_methods),
                "schemas_ok": ok,
                "renamed": renamed,
            }
        )
    if as_json:
        echo_json({"rows": len(rows), "environments": report, "problems": problems})
    else:
        table = Table(title=f"TRL check of {path}")
        for column in ("environment", "rows", "tools", "schemas", "renamed arguments"):
            table.add_column(column)
        for entry in report:
            renamed_text = ", ".join(
                f"{tool}: {', '.join(f'{new}<-{old}' for new, old in names.items())}"
                for tool, names in entry["renamed"].items()
            )
            schemas = "transformers not installed" if entry["schemas_ok"] < 0 else f"{entry['schemas_ok']} ok"
            table.add_row(entry["environment"], str(entry["rows"]), str(entry["tools"]), schemas, renamed_text or "-")
        console = stdout_console()
        console.print(table)
        for problem in problems:
            console.print(f"[red]problem[/red] {problem}")
        console.print(f"{len(rows)} rows, {len(classes)} environment sets, {len(problems)} problems")
    if problems:
        raise SystemExit(1)
