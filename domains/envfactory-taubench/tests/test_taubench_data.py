"""Finding and checking the data folder; every error names what is needed."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from envfactory_taubench import plugin
from envfactory_taubench.data import DataError, clock_from_policy, looks_like_data_folder, read_airline_data
from envfactory_taubench.testing import small_view, write_data_folder
from envfactory_taubench.upstream import COMMIT

from envfactory_core.cli import build_cli
from envfactory_core.cli.app import App
from envfactory_core.plugins import make_plugin_manager


def cli_run(*arguments: str, env: dict[str, str] | None = None):
    manager = make_plugin_manager(load_entrypoints=False, plugins=[("taubench", plugin)])
    return CliRunner().invoke(build_cli(App(manager)), list(arguments), env=env or {"ENVFACTORY_TAUBENCH_DATA": ""})


def test_no_folder_given_names_the_upstream_files_and_commit(monkeypatch):
    monkeypatch.delenv("ENVFACTORY_TAUBENCH_DATA", raising=False)
    with pytest.raises(DataError) as raised:
        read_airline_data(None)
    message = str(raised.value)
    assert COMMIT in message
    for upstream in (
        "tau_bench/envs/airline/data/flights.json",
        "tau_bench/envs/airline/data/users.json",
        "tau_bench/envs/airline/wiki.md",
    ):
        assert upstream in message


@pytest.mark.parametrize("command", ["replay-gold", "judge", "check-data"])
def test_commands_without_data_exit_2_with_the_files_needed(command, tmp_path):
    arguments = ["taubench", "airline", command]
    if command == "judge":
        trajectories = tmp_path / "t.json"
        trajectories.write_text("[]")
        arguments += ["--trajectories", str(trajectories)]
    result = cli_run(*arguments)
    assert result.exit_code == 2
    assert COMMIT in result.stderr
    assert "data/reservations.json" in result.stderr


def test_an_incomplete_folder_lists_each_missing_file(tmp_path):
    write_data_folder(tmp_path)
    (tmp_path / "data" / "users.json").unlink()
    (tmp_path / "wiki.md").unlink()
    with pytest.raises(DataError) as raised:
        read_airline_data(tmp_path)
    assert [problem.location for problem in raised.value.problems] == [
        str(tmp_path / "data/users.json"),
        str(tmp_path / "wiki.md"),
    ]


def test_a_renamed_field_is_refused_with_the_commit_to_use(tmp_path):
    view = small_view()
    user = view["users"]["ada_lovelace_1815"]
    user["membership_level"] = user.pop("membership")
    write_data_folder(tmp_path, view)
    with pytest.raises(DataError) as raised:
        read_airline_data(tmp_path)
    message = str(raised.value)
    assert "unknown field(s) 'membership_level'" in message
    assert "missing field(s) 'membership'" in message
    assert COMMIT in message


def test_null_fields_and_mismatched_keys_are_refused(tmp_path):
    view = small_view()
    view["reservations"]["ABC123"]["insurance"] = None
    view["flights"]["HAT001"]["flight_number"] = "HAT009"
    write_data_folder(tmp_path, view)
    with pytest.raises(DataError) as raised:
        read_airline_data(tmp_path)
    locations = {problem.location for problem in raised.value.problems}
    assert "reservations.json['ABC123'].insurance" in locations
    assert "flights.json['HAT001'].flight_number" in locations


def test_malformed_json_names_line_and_column(tmp_path):
    write_data_folder(tmp_path)
    (tmp_path / "data" / "flights.json").write_text('{"HAT001": [1, 2,, 3]}')
    with pytest.raises(DataError) as raised:
        read_airline_data(tmp_path)
    assert "flights.json:1:" in str(raised.value)


def test_the_upstream_layouts_are_accepted(tmp_path):
    # tau_bench/envs/airline: wiki.md beside data/
    airline = write_data_folder(tmp_path / "airline")
    assert read_airline_data(airline).now == "2024-05-15T15:00:00-05:00"
    # tau_bench/envs/airline/data: the JSON files directly, wiki.md one level up
    assert looks_like_data_folder(airline / "data")
    assert read_airline_data(airline / "data").view["users"].keys() == {"ada_lovelace_1815"}
    # the policy's clock is required
    (airline / "wiki.md").write_text("# Policy without a clock\n")
    with pytest.raises(DataError, match="current time"):
        read_airline_data(airline)


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("The current time is 2024-05-15 15:00:00 EST.", "2024-05-15T15:00:00-05:00"),
        ("The current time is 2024-05-15 15:00 EDT", "2024-05-15T15:00:00-04:00"),
        ("The current time is 2024-05-15T09:30:00 UTC.", "2024-05-15T09:30:00+00:00"),
        ("No clock here.", None),
    ],
)
def test_clock_from_policy(policy, expected):
    assert clock_from_policy(policy) == expected


def test_a_loaded_small_folder_round_trips_exactly(tmp_path):
    write_data_folder(tmp_path)
    data = read_airline_data(tmp_path)
    assert json.loads(json.dumps(data.view)) == small_view()


def test_replay_gold_without_a_tasks_file_says_to_pass_one(tmp_path):
    folder = write_data_folder(tmp_path)
    result = cli_run("taubench", "airline", "replay-gold", "--data", str(folder), "--json")
    assert result.exit_code == 2
    assert "--tasks FILE" in result.stderr
    assert result.stdout == ""
