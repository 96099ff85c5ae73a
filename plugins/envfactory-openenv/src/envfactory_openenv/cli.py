"""``envfactory openenv serve TASKS``: a task set as an OpenEnv server on a local port."""

from __future__ import annotations

import click

from envfactory_core.cli.app import App, handle_errors, pass_app, stderr_console

__all__ = ["openenv_group"]


@click.group("openenv")
def openenv_group() -> None:
    """Serve tasks and environments as an OpenEnv environment (reset/step over WebSocket)."""


@openenv_group.command("serve")
@click.argument("source", metavar="TASKS")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free one).")
@click.option("--reward", default="", help="The reward that scores episodes (default: the task set's).")
@click.option("--max-steps", type=click.IntRange(min=1), default=30, show_default=True, help="Tool calls per episode.")
@click.option(
    "--workers", type=click.IntRange(min=1), default=16, show_default=True, help="Concurrent WebSocket sessions."
)
@pass_app
@handle_errors
def serve_command(app: App, source: str, host: str, port: int, reward: str, max_steps: int, workers: int) -> None:
    """Serve TASKS (a run directory, a core/jsonl export or LOADER[:PATH], as `envfactory eval` reads them).

    Clients reset with `task_id`, `task_index` or `seed`, step with {"tool_name", "arguments"}
    and end the episode with {"answer"}; the final observation carries the reward.
    """
    import uvicorn

    from envfactory_core.evaluation import load_task_set

    from .server import create_openenv_app

    task_set = load_task_set(source, app.registry)
    server_app = create_openenv_app(
        task_set, app.registry, reward=reward, max_steps=max_steps, max_concurrent_envs=workers
    )
    config = uvicorn.Config(server_app, host=host, port=port, log_level="warning")
    server = uvicorn.Server(config)
    stderr_console().print(
        f"OpenEnv server for {len(task_set.tasks)} tasks of {task_set.source}; listening on {host}:{port}"
    )
    server.run()
