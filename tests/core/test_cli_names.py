"""One name per concept across every command, and ``--json`` on every command that prints data.

The test walks every command the installed plugins add (lazy commands loaded), reads each visible
option's names and each argument's metavar, and fails on a concept spelled in a way other than
its canonical one. Old spellings may live on as hidden options (deprecated aliases): hidden
options are not part of the interface a user reads, so they are not checked.
"""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest

from envfactory_core.cli import App, build_cli
from envfactory_core.cli.lazy import LazyCommand
from envfactory_core.plugins import make_plugin_manager

CANONICAL = {
    "environments by name": "--env",
    "domains": "--domain",
    "a count of tasks": "-n/--tasks",
    "trials": "--trials",
    "workers": "--workers",
    "a seed": "--seed",
    "machine-readable output": "--json",
    "the output folder": "--out",
    "the LLM configuration file": "--llm-config",
}
OTHER_SPELLINGS = {
    "environments by name": {"--environment", "--environments", "--envs", "-e"},
    "domains": {"--domains"},
    "a count of tasks": {"--count", "--num-tasks", "--n-tasks", "--task-count"},
    "trials": {"--k", "-k", "--attempts", "--num-trials", "--repeats"},
    "workers": {"--jobs", "-j", "--processes", "--num-workers", "--max-workers", "--parallel"},
    "a seed": {"--random-seed", "--rng-seed", "-s"},
    "machine-readable output": {"--as-json", "--json-output", "--format-json"},
    "the output folder": {"--output", "-o", "--out-dir", "--output-dir", "--outdir", "--dest"},
    "the LLM configuration file": {"--config"},
}
RUN_ARGUMENTS = {"run_dir", "run", "directory"}
"""Argument names of commands that read a run folder: shown as ``RUN`` everywhere."""
NO_DATA = {
    "browse": "opens datasette on the run store",
    "init": "writes a pipeline file",
    "serve": "a server: prints only where it listens",
    "openenv serve": "a server: prints only where it listens",
    "graph export": "writes the graph in the --format asked for (that output is the data)",
    "runs restore": "puts a backup back; prints one line saying so",
}


def _commands() -> Iterator[tuple[str, click.Command]]:
    cli = build_cli(App(make_plugin_manager()))

    def walk(group: click.Group, path: list[str], ctx: click.Context) -> Iterator[tuple[str, click.Command]]:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            if isinstance(command, LazyCommand):
                command = command.load()
            assert command is not None
            if isinstance(command, click.Group):
                yield from walk(command, [*path, name], click.Context(command, parent=ctx, info_name=name))
            else:
                yield " ".join([*path, name]), command

    yield from walk(cli, [], click.Context(cli))


COMMANDS = dict(_commands())


def test_the_walk_sees_every_plugin_command() -> None:
    assert {"run", "eval", "export", "tasks make", "graph sample", "serve", "envgen build", "trl check"} <= set(
        COMMANDS
    )


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_one_spelling_per_concept(path: str) -> None:
    problems = []
    for param in COMMANDS[path].params:
        if isinstance(param, click.Argument):
            if param.name in RUN_ARGUMENTS and param.human_readable_name != "RUN":
                problems.append(f"the run folder is shown as {param.human_readable_name}, not RUN")
            continue
        if not isinstance(param, click.Option) or param.hidden:
            continue
        names = set(param.opts) | set(param.secondary_opts)
        for concept, spellings in OTHER_SPELLINGS.items():
            for name in sorted(names & spellings):
                problems.append(f"{name} spells {concept}; the one name is {CANONICAL[concept]}")
        if "-n" in names and "--tasks" not in names:
            problems.append(f"-n is the short form of --tasks (a count of tasks), not of {'/'.join(param.opts)}")
        if "--tasks" in names and not isinstance(param.type, click.types._NumberRangeBase | click.types.IntParamType):
            problems.append("--tasks is a count of tasks, not a file")
    assert not problems, f"envfactory {path}: " + "; ".join(problems)


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_command_that_prints_data_takes_json(path: str) -> None:
    if path in NO_DATA:
        return
    options = {name for param in COMMANDS[path].params if isinstance(param, click.Option) for name in param.opts}
    assert "--json" in options, f"envfactory {path} prints data but has no --json"


def test_the_checks_can_fail() -> None:
    @click.command()
    @click.option("--domains", multiple=True)
    @click.option("-n", "count", type=int)
    def bad(domains: tuple[str, ...], count: int) -> None:
        """A command spelling two concepts the other way."""

    COMMANDS["(the bad example)"] = bad
    try:
        with pytest.raises(AssertionError, match=r"--domains spells domains.*-n is the short form"):
            test_one_spelling_per_concept("(the bad example)")
        with pytest.raises(AssertionError, match="has no --json"):
            test_every_command_that_prints_data_takes_json("(the bad example)")
    finally:
        del COMMANDS["(the bad example)"]
