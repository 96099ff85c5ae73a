"""``envfactory verl config``: make a ``verl/verl`` export run live in verl."""

from __future__ import annotations

from pathlib import Path

import click

from envfactory_core.cli.app import App, echo_json, handle_errors, pass_app
from envfactory_core.errors import ConfigError, Problem

from .config import overrides, write_config

__all__ = ["verl_group"]


@click.group("verl")
def verl_group() -> None:
    """verl training on envfactory environments."""


@verl_group.command("config")
@click.argument("export_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--reward", default="core/envfactory", show_default=True, help="Registered reward compute_score uses.")
@click.option("--json", "as_json", is_flag=True, help="Print the files and overrides as JSON on stdout.")
@pass_app
@handle_errors
def config_command(app: App, export_dir: Path, reward: str, as_json: bool) -> None:
    """Write the verl settings that run the verl/verl export in EXPORT_DIR with live environments.

    Writes agent_loop.yaml (registers the envfactory_agent loop, which opens one world per
    trajectory and records its final state for the reward) and envfactory_verl.yaml (data files,
    tools.yaml, the agent loop and the pkg://envfactory_verl.reward entry, as absolute paths),
    then prints the same settings as overrides for `python -m verl.trainer.main_ppo`.

    \b
    Example:
      envfactory export runs/demo --format verl --option agent_name=envfactory_agent --out data/verl
      envfactory verl config data/verl
    """
    if not (export_dir / "tools.yaml").exists():
        raise ConfigError(
            "not a verl/verl export",
            [
                Problem(
                    location=str(export_dir),
                    message="has no tools.yaml",
                    fix="envfactory export RUN --format verl --option agent_name=envfactory_agent --out DIR",
                )
            ],
        )
    app.registry.get("reward", reward)  # an unknown reward fails now, not in a Ray worker
    written = write_config(export_dir, reward=reward)
    lines = overrides(export_dir, reward=reward)
    if as_json:
        echo_json({"files": [str(path) for path in written], "overrides": lines})
        return
    # plain echo: the lines are meant to be copied, and a console would wrap long paths
    for path in written:
        click.echo(f"wrote {path}")
    click.echo("\nverl overrides (python -m verl.trainer.main_ppo ... \\):")
    for line in lines:
        click.echo(f"  {line} \\")
