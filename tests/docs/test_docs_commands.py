"""Every `envfactory ...` command line in the docs names a command that exists, with options it has.

Command lines are read from the shell blocks of README.md, the docs and the package READMEs
(lines starting with `envfactory` or `$ envfactory`, continuation lines joined). Each is resolved
through the real command group with every installed plugin, and each `--option` it uses must be
one of that command's. Placeholders in brackets (`[--json]`, `[ENV]...`) are options too and are
checked the same way. Old spellings kept as hidden options do not count: the docs use the names.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from envfactory_core.cli import App, build_cli
from envfactory_core.cli.lazy import LazyCommand
from envfactory_core.plugins import make_plugin_manager

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(
    [
        ROOT / "README.md",
        *ROOT.glob("docs/**/*.md"),
        *ROOT.glob("plugins/*/README.md"),
        *ROOT.glob("domains/*/README.md"),
    ]
)
BLOCK = re.compile(r"```(?:console|bash|sh|shell)\n(.*?)```", re.DOTALL)


def command_lines(page: Path) -> list[str]:
    lines: list[str] = []
    for block in BLOCK.findall(page.read_text(encoding="utf-8")):
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            line = line.strip().removeprefix("$ ").strip()
            line = re.sub(r"^(?:[A-Z_]+=\S*\s+)+", "", line)  # VAR=value envfactory ...
            if line.startswith("envfactory ") or line == "envfactory":
                lines.append(line.split(" #", 1)[0].split(" |", 1)[0].split(" &&", 1)[0].strip())
    return lines


CASES = [(page, line) for page in PAGES for line in command_lines(page)]
CLI = build_cli(App(make_plugin_manager()))


def _resolve(words: list[str]) -> tuple[click.Command, list[str]]:
    command: click.Command = CLI
    ctx = click.Context(CLI)
    rest = words
    while isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
        found = command.get_command(ctx, rest[0])
        if found is None:
            raise AssertionError(f"no command {rest[0]!r}")
        if isinstance(found, LazyCommand):
            found = found.load()
        ctx = click.Context(found, parent=ctx, info_name=rest[0])
        command, rest = found, rest[1:]
    return command, rest


def test_the_docs_have_command_lines() -> None:
    assert len(CASES) > 20


@pytest.mark.parametrize(("page", "line"), CASES, ids=[f"{p.relative_to(ROOT)}:{line[:60]}" for p, line in CASES])
def test_a_docs_command_line_names_a_real_command_and_options(page: Path, line: str) -> None:
    words = shlex.split(line.replace("[", " ").replace("]", " ").replace("|", " "))[1:]
    global_options = {"--plugins-dir", "--version", "--help", "-h"}
    words = [w for i, w in enumerate(words) if w not in global_options and (i == 0 or words[i - 1] != "--plugins-dir")]
    command, rest = _resolve(words)
    visible = [param for param in command.params if not getattr(param, "hidden", False)]  # not old spellings
    known = {name for param in visible for name in (*param.opts, *getattr(param, "secondary_opts", []))}
    known |= {"--help", "-h"}
    used = {word.split("=", 1)[0] for word in rest if re.fullmatch(r"--?[a-z][a-z0-9-]*(=.*)?", word)}
    unknown = sorted(used - known)
    assert not unknown, f"{page.relative_to(ROOT)}: `{line}` uses {', '.join(unknown)}, which the command does not have"


@pytest.mark.parametrize(
    "line",
    ["envfactory tasks make --domains office --out x", "envfactory export RUN --environment notes", "envfactory x"],
)
def test_the_check_fails_on_old_or_wrong_names(line: str) -> None:
    with pytest.raises(AssertionError):
        test_a_docs_command_line_names_a_real_command_and_options(ROOT / "README.md", line)
