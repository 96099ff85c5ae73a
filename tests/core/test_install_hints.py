"""Install hints that work from a checkout, and plugin commands that say which package brings them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from envfactory_core.cli import App, build_cli, main
from envfactory_core.distributions import PLUGIN_COMMANDS, checkout_folder, install_command
from envfactory_core.plugins import make_plugin_manager

ROOT = Path(__file__).resolve().parents[2]


def test_every_plugin_command_names_a_distribution_of_this_repository() -> None:
    for command, distribution in PLUGIN_COMMANDS.items():
        folder = checkout_folder(distribution)
        assert folder is not None, command
        assert folder.parent.parent == ROOT
        assert f'name = "{distribution}"' in (folder / "pyproject.toml").read_text()


def test_from_a_checkout_the_hint_is_an_editable_install_of_the_folder() -> None:
    assert install_command("envfactory-openai") == f"pip install -e {ROOT / 'plugins' / 'envfactory-openai'}"
    assert install_command("envfactory-trl", "trl") == f"pip install -e '{ROOT / 'plugins' / 'envfactory-trl'}[trl]'"
    assert install_command("not-ours") == "pip install not-ours"


@pytest.mark.parametrize("command", sorted(PLUGIN_COMMANDS))
def test_a_missing_plugin_command_says_which_package_brings_it(command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVFACTORY_LOAD_PLUGINS", "")  # the core alone
    cli = build_cli(App(make_plugin_manager()))
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 2
    distribution = PLUGIN_COMMANDS[command]
    assert f"No such command {command!r}: it comes with the {distribution} package" in result.output
    assert install_command(distribution) in result.output.replace("\n", " ")


def test_plugins_dir_works_after_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ENVFACTORY_LOAD_PLUGINS", "")
    (tmp_path / "local.py").write_text(
        "from envfactory_core import hookimpl\n"
        "from envfactory_core.env.examples import notes\n\n"
        "@hookimpl\n"
        "def register_environments(register):\n"
        "    register(notes)\n"
    )
    with pytest.raises(SystemExit) as exit_info:
        main(["envs", "list", "--json", "--plugins-dir", str(tmp_path)])
    assert exit_info.value.code in (0, None)
    names = [row["name"] for row in json.loads(capsys.readouterr().out)]
    assert "notes" in names


def test_the_all_extra_pulls_every_plugin_and_domain() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = {requirement.split(">=")[0] for requirement in project["optional-dependencies"]["all"]}
    ours = {
        tomllib.loads(path.read_text())["project"]["name"]
        for path in [*ROOT.glob("plugins/*/pyproject.toml"), *ROOT.glob("domains/*/pyproject.toml")]
    }
    assert listed == ours - {"envfactory-testing"}
