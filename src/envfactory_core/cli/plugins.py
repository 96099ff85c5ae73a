"""``envfactory plugins`` and ``envfactory components``."""

from __future__ import annotations

import click
from rich.table import Table

from ..contracts import KINDS, kind_named
from .app import App, echo_json, handle_errors, pass_app, stdout_console

__all__ = ["components_command", "plugins_command"]


def plugin_inventory(app: App) -> list[dict[str, object]]:
    """Each plugin: name, namespace, distribution, version, hooks and registered components."""
    components: dict[str, dict[str, list[str]]] = {}
    for kind in KINDS.values():
        for entry in app.registry.components(kind):
            components.setdefault(entry.plugin, {}).setdefault(kind.name, []).append(entry.name)
    inventory: list[dict[str, object]] = []
    for name, info in sorted(app.manager.infos.items()):
        plugin = app.manager.get_plugin(name)
        hooks = sorted(caller.name for caller in app.manager.get_hookcallers(plugin) or [])
        inventory.append(
            {
                "name": name,
                "namespace": info.namespace,
                "distribution": info.distribution,
                "version": info.version,
                "builtin": info.builtin,
                "path": info.path,
                "hooks": hooks,
                "components": components.get(name, {}),
            }
        )
    return inventory


@click.command("plugins")
@click.option("--builtin/--no-builtin", default=True, help="Include the built-in plugins (default: yes).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (every field) instead of a table.")
@pass_app
@handle_errors
def plugins_command(app: App, builtin: bool, as_json: bool) -> None:
    """List loaded plugins: distribution, version, hooks implemented, components registered."""
    inventory = plugin_inventory(app)
    if not builtin:
        inventory = [item for item in inventory if not item["builtin"]]
    if as_json:
        echo_json(inventory)
        return
    table = Table(title="loaded plugins")
    for column in ("plugin", "distribution", "version", "components"):
        table.add_column(column)
    for item in inventory:
        components = item["components"]
        count = sum(len(names) for names in components.values()) if isinstance(components, dict) else 0
        table.add_row(
            str(item["name"]), str(item["distribution"] or "(built-in)"), str(item["version"] or ""), str(count)
        )
    stdout_console().print(table)


@click.command("components")
@click.argument("kind", required=False, type=click.Choice(sorted(KINDS)))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_app
@handle_errors
def components_command(app: App, kind: str | None, as_json: bool) -> None:
    """List registered components, of one KIND or of every kind."""
    kinds = [kind_named(kind)] if kind else list(KINDS.values())
    rows = [
        {
            "kind": entry.kind,
            "name": entry.name,
            "plugin": entry.plugin,
            "distribution": entry.distribution,
            "version": entry.version,
            "description": entry.description,
        }
        for each in kinds
        for entry in app.registry.components(each)
    ]
    if as_json:
        echo_json(rows)
        return
    table = Table(title="Registered components", show_lines=False)
    for column in ("kind", "name", "distribution", "description"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            str(row["kind"]),
            str(row["name"]),
            f"{row['distribution']} {row['version']}".strip(),
            str(row["description"]),
        )
    stdout_console().print(table)
