"""A Ray cluster at an address: `ray start --head` on this machine, reached through RAY_ADDRESS."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CLIENT = """
import json, sys, tempfile
from envfactory_ray import RayExecutor
from envfactory_ray.connection import connect
from envfactory_ray.testing import Chaos, noop_initializer

connection = connect()  # no option: RAY_ADDRESS, as `envfactory run --ray-address` sets it
executor = RayExecutor()
executor.start(workers=1, initializer=noop_initializer, initargs=())
results = list(executor.map(Chaos(folder=tempfile.mkdtemp()), range(6)))
executor.close()
import ray
print(json.dumps({"address": connection.address, "cpus": connection.cpus, "results": results,
                  "still_connected": ray.is_initialized()}))
connection.close()
"""


LOCAL = """
import json, os
import ray
from envfactory_ray.connection import connect

connection = connect()
cpus = ray.cluster_resources().get("CPU")
connection.close()
print(json.dumps({"address": connection.address, "initialized_here": connection.initialized_here,
                  "cpus": cpus, "machine_cpus": os.cpu_count(), "after_close": ray.is_initialized()}))
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ray_command() -> str:
    found = Path(sys.executable).with_name("ray")
    return str(found) if found.exists() else (shutil.which("ray") or "ray")


@pytest.fixture
def ray_cluster() -> Iterator[str]:
    """A one-CPU Ray head node in its own process group; stopped (that group only) afterwards."""
    port = _free_port()
    temp_dir = tempfile.mkdtemp(prefix="efray")  # short: Ray's socket paths must stay under 108 bytes
    environment = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    head = subprocess.Popen(
        [
            *(_ray_command(), "start", "--head", f"--port={port}", "--num-cpus=1", "--include-dashboard=false"),
            *(f"--temp-dir={temp_dir}", "--disable-usage-stats", "--block"),
        ],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if head.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"`ray start --head` did not come up (exit code {head.poll()})")
                time.sleep(0.5)
        yield f"127.0.0.1:{port}"
    finally:
        head.send_signal(signal.SIGTERM)  # `ray start --block` stops what it started
        try:
            head.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(head.pid, signal.SIGKILL)
            head.wait()
        shutil.rmtree(temp_dir, ignore_errors=True)


def test_work_runs_on_the_cluster_at_the_given_address(ray_cluster: str) -> None:
    # Clusters started by `ray start` use token authentication; a driver opts in with RAY_AUTH_MODE.
    environment = {**os.environ, "RAY_ADDRESS": ray_cluster, "RAY_AUTH_MODE": "token"}
    done = subprocess.run(
        [sys.executable, "-c", CLIENT], env=environment, capture_output=True, text=True, timeout=240, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["address"] == ray_cluster
    assert report["cpus"] == 1.0  # the cluster's one CPU, not this machine's two
    assert report["results"] == [item * item for item in range(6)]
    assert report["still_connected"] is True


def test_without_an_address_a_local_instance_is_started_and_shut_down() -> None:
    environment = {key: value for key, value in os.environ.items() if key != "RAY_ADDRESS"}
    done = subprocess.run(
        [sys.executable, "-c", LOCAL], env=environment, capture_output=True, text=True, timeout=240, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["address"] == "local"
    assert report["initialized_here"] is True
    assert report["cpus"] == report["machine_cpus"]  # sized to the machine
    assert report["after_close"] is False
