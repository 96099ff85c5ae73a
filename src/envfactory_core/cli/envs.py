"""``envfactory envs``: list, inspect, call and verify environments."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from ..contracts import ENVIRONMENT_CHECK
from ..env.catalog import environment_catalog, select_environments
from ..errors import UnknownComponentError
from ..models import VerificationReport
from ..serialize import to_json
from .app import App, echo_json, handle_errors, pass_app, stderr_console, stdout_console

__all__ = ["envs_group"]


@click.group("envs")
def envs_group() -> None:
    """List, inspect, call and verify the installed environments."""


@envs_group.command("list")
@click.option("--domain", "domains", multiple=True, help="Only environments of this domain (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_app
@handle_errors
def list_command(app: App, domains: tuple[str, ...], as_json: bool) -> None:
    """Every installed environment with its domain, tools (read/write) and tables."""
    rows = []
    for environment in environment_catalog(app.registry).values():
        if domains and environment.domain not in domains:
            continue
        spec = environment.spec
        rows.append(
            {
                "name": spec.name,
                "domain": spec.domain,
                "tools": len(spec.tools),
                "read": len(spec.read_tools),
                "write": len(spec.write_tools),
                "tables": [table.name for table in spec.state_schema.tables],
                "evaluation_only": spec.evaluation_only,
                "overlaps": list(spec.overlaps),
                "description": spec.description,
            }
        )
    if as_json:
        echo_json(rows)
        return
    table = Table(title=f"{len(rows)} environments")
    for column in ("name", "domain", "tools", "read/write", "tables", "description"):
        table.add_column(column, overflow="fold")
    for row in rows:
        name = str(row["name"]) + (" (evaluation)" if row["evaluation_only"] else "")
        table.add_row(
            name,
            str(row["domain"]),
            str(row["tools"]),
            f"{row['read']}/{row['write']}",
            ", ".join(row["tables"]),  # type: ignore[arg-type]
            str(row["description"]),
        )
    stdout_console().print(table)
    total = sum(int(row["tools"]) for row in rows)  # type: ignore[call-overload]
    domains_seen = sorted({str(row["domain"]) for row in rows})
    stderr_console().print(f"{len(rows)} environments, {len(domains_seen)} domains, {total} tools")


def _environment(app: App, name: str) -> Any:
    catalog = environment_catalog(app.registry)
    short = name.split("/", 1)[-1]
    if short not in catalog:
        raise UnknownComponentError("environment", name, tuple(catalog))
    return catalog[short]


@envs_group.command("show")
@click.argument("name")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the state whose row counts are shown.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@pass_app
@handle_errors
def show_command(app: App, name: str, seed: int, as_json: bool) -> None:
    """An environment's tools with their schemas, its tables and their row counts."""
    environment = _environment(app, name)
    spec = environment.spec
    state = environment.initial_state(seed=seed)
    counts = {table: len(rows) for table, rows in state.items()}
    if as_json:
        echo_json({"spec": to_json(spec), "row_counts": counts, "seed": seed})
        return
    console = stdout_console()
    console.print(f"[bold]{spec.name}[/bold] ({spec.domain}) — {spec.description}")
    if spec.provenance.source:
        console.print(f"Modelled on: {spec.provenance.source} {spec.provenance.url}".rstrip())
    if spec.policy:
        console.print("[bold]Policy[/bold]\n" + spec.policy)
    tables = Table(title=f"State (seed {seed})")
    for column in ("table", "primary key", "columns", "rows"):
        tables.add_column(column, overflow="fold")
    for table_spec in spec.state_schema.tables:
        columns = ", ".join(f"{c.name}:{c.type}{'?' if c.nullable else ''}" for c in table_spec.columns)
        tables.add_row(table_spec.name, ", ".join(table_spec.primary_key), columns, str(counts.get(table_spec.name, 0)))
    console.print(tables)
    for tool in spec.tools:
        console.print(f"\n[bold]{tool.name}[/bold] [{tool.effect}] {tool.description}")
        for argument, schema in tool.parameters.items():
            required = "required" if argument in tool.required else "optional"
            kind = schema.get("type", "any") if isinstance(schema, dict) else "any"
            description = schema.get("description", "") if isinstance(schema, dict) else ""
            console.print(f"  {argument} ({kind}, {required}): {description}")


@envs_group.command("call")
@click.argument("name")
@click.argument("tool")
@click.option("--args", "arguments", default="{}", show_default=True, help="The arguments as a JSON object.")
@click.option(
    "--state",
    "state_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Start from this state (JSON).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Start from this seed's state (without --state).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@pass_app
@handle_errors
def call_command(
    app: App, name: str, tool: str, arguments: str, state_file: Path | None, seed: int, as_json: bool
) -> None:
    """Call TOOL of environment NAME once and print the result and the state diff."""
    from .inputs import load_json_file, load_json_text

    environment = _environment(app, name)
    parsed_arguments = load_json_text(arguments, where="--args")
    if state_file is not None:
        state = load_json_file(state_file, where="--state")
        episode = environment.episode(state=state)
    else:
        episode = environment.episode(seed=seed)
    with episode:
        result = episode.call(tool, parsed_arguments)
        diff = episode.diff()
        payload = {"result": to_json(result), "diff": to_json(diff), "state_hash": episode.state_hash()}
    if as_json:
        echo_json(payload)
    else:
        console = stdout_console()
        console.print_json(json.dumps(result.as_payload()))
        console.print(f"[bold]State diff[/bold]: {diff.summary()}")
    if not result.ok:
        raise SystemExit(1)


def _print_report(report: VerificationReport) -> None:
    console = stdout_console()
    mark = "[green]PASS[/green]" if report.passed else "[red]FAIL[/red]"
    console.print(f"{mark} {report.subject} ({report.verifier})")
    for check in report.checks:
        sign = "[green]✓[/green]" if check.passed else "[red]✗[/red]"
        console.print(f"  {sign} {check.name}: {check.detail}")


@envs_group.command("verify")
@click.argument("names", nargs=-1)
@click.option("--check", default="core/conformance", show_default=True, help="The environment check to run.")
@click.option("--evaluation/--no-evaluation", default=True, help="With no NAME: include evaluation-only environments.")
@click.option("--json", "as_json", is_flag=True, help="Print the reports as JSON.")
@pass_app
@handle_errors
def verify_command(app: App, names: tuple[str, ...], check: str, evaluation: bool, as_json: bool) -> None:
    """Run the conformance checks on NAMES (default: every installed environment).

    Exits 1 when any environment fails a check.
    """
    environments = select_environments(app.registry, names, include_evaluation=evaluation)
    component = app.registry.get(ENVIRONMENT_CHECK, check)
    reports = []
    console = stderr_console()
    with console.status("verifying…") as status:
        for environment in environments:
            status.update(f"verifying {environment.name}…")
            reports.append(component.verify_environment(environment))
    if as_json:
        echo_json([{**to_json(report), "passed": report.passed} for report in reports])
    else:
        for report in reports:
            _print_report(report)
        passed = sum(report.passed for report in reports)
        console.print(f"{passed} of {len(reports)} environments passed")
    if not all(report.passed for report in reports):
        raise SystemExit(1)
