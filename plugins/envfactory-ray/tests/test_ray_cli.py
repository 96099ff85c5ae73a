"""`--ray-address` on `envfactory run`, the registration, and where the address comes from."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import Result
from envfactory_ray import RayExecutor
from envfactory_ray.cli import add_ray_address_option
from envfactory_ray.connection import _check_reachable, _host_port, resolve_address
from envfactory_ray.errors import RayExecutorError

from envfactory_core.contracts import EXECUTOR
from envfactory_core.plugins import make_plugin_manager
from envfactory_core.registry import Registry


def test_the_executor_is_registered_as_ray_executor() -> None:
    entry = Registry(make_plugin_manager()).entry(EXECUTOR, "ray/executor")
    assert isinstance(entry.component, RayExecutor)
    assert entry.distribution == "envfactory-ray"


def test_run_help_explains_ray_address(envfactory: Callable[..., Result]) -> None:
    result = envfactory("run", "--help")
    assert result.exit_code == 0
    assert "--ray-address auto|ADDRESS" in result.stdout
    assert "ray start --head" in " ".join(result.stdout.split())


def test_ray_address_is_handed_to_ray_through_the_environment(
    envfactory: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("RAY_ADDRESS", "")  # recorded, so the value the option sets is undone after the test
    result = envfactory("run", "--ray-address", "10.1.2.3:6379", tmp_path / "missing.toml", "--out", tmp_path / "o")
    assert result.exit_code == 2  # the missing pipeline file, read after the options
    assert "cannot read" in result.stderr
    assert os.environ["RAY_ADDRESS"] == "10.1.2.3:6379"
    assert resolve_address() == "10.1.2.3:6379"
    assert resolve_address("auto") == "auto"  # the executor's own option comes first


def test_an_empty_ray_address_is_bad_usage(envfactory: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAY_ADDRESS", "")  # recorded, so the value the option sets is undone after the test
    result = envfactory("run", "--ray-address", " ")
    assert result.exit_code == 2
    assert "--ray-address" in result.stderr


def test_the_option_is_added_once_and_only_to_run() -> None:
    group = click.Group(commands=[click.Command("run", params=[]), click.Command("other", params=[])])
    add_ray_address_option(group)
    add_ray_address_option(group)
    assert [param.opts for param in group.commands["run"].params] == [["--ray-address"]]
    assert group.commands["other"].params == []
    add_ray_address_option(click.Group())  # no run command: nothing to do


@pytest.mark.parametrize(
    ("address", "expected"),
    [("10.0.0.5:6379", ("10.0.0.5", 6379)), ("ray://head:10001", ("head", 10001)), ("[::1]:6379", ("::1", 6379))],
)
def test_addresses_are_host_and_port(address: str, expected: tuple[str, int]) -> None:
    assert _host_port(address) == expected


@pytest.mark.parametrize("address", ["head", "head:port", ":6379", "ray://head"])
def test_an_address_without_host_and_port_is_refused(address: str) -> None:
    with pytest.raises(RayExecutorError, match="it is not HOST:PORT"):
        _host_port(address)


def test_an_address_nobody_listens_on_fails_fast() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(RayExecutorError, match=rf"nothing answers on 127\.0\.0\.1:{port}.*leave --ray-address out"):
        _check_reachable(f"127.0.0.1:{port}", timeout=2.0)
