"""The red-team suite: every attempt of :mod:`attempts` fails, and the episode's state is unchanged.

Run ``python -m pytest tests/security -q``; the summary at the end counts attempts by category and
outcome. Needs bubblewrap and libseccomp (``.ci/setup.d/40-sandbox.sh``): without them the sandbox
refuses to run untrusted code at all, so the suite skips locally and fails in CI.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from envfactory_envgen.errors import PolicyError
from envfactory_envgen.sandbox import SandboxedEnvironment, SandboxLimits
from envfactory_testing.requirements import require_module, require_program
from envfactory_testing.sandbox_sources import counters_source

import envfactory_core

_spec = importlib.util.spec_from_file_location("red_team_attempts", Path(__file__).with_name("attempts.py"))
assert _spec is not None
assert _spec.loader is not None
attempts = importlib.util.module_from_spec(_spec)
sys.modules["red_team_attempts"] = attempts
_spec.loader.exec_module(attempts)

REPO = Path(__file__).resolve().parents[2]

HEADER = counters_source('[{"name": "start", "value": 5}]')

PLANT = '''

@environment.tool(effect="write")
def plant(ctx: Context, name: str) -> dict:
    """Leave a file in this worker's temporary folder.

    Args:
        name: The file name.
    """
    with open("/tmp/" + name, "w") as handle:
        handle.write("left behind")
    return {"planted": name}
'''

LIMITS = SandboxLimits(memory_mb=512, cpu_seconds_per_call=1.0, wall_seconds_per_call=20.0, load_seconds=60.0)


def _tool(body: str) -> str:
    indented = "\n".join("    " + line if line else "" for line in body.splitlines())
    return (
        '\n\n@environment.tool(effect="write")\ndef attack(ctx: Context) -> dict:\n'
        '    """Try to get out."""\n'
        '    ctx.table("counters").insert({"name": "attack", "value": 1})\n' + indented + "\n"
    )


@pytest.fixture(scope="module")
def machine() -> None:
    require_program("bwrap", "the OS sandbox of generated code (apt-get install bubblewrap; .ci/setup.d/40-sandbox.sh)")
    require_module("pyseccomp", "the sandbox's syscall filter (pip install pyseccomp; needs libseccomp2)")


@pytest.fixture(scope="module")
def bystander(machine: None) -> Iterator[Any]:
    """A benign episode in another worker: no attempt may disturb it."""
    environment = SandboxedEnvironment(HEADER, filename="<bystander>")
    episode = environment.episode(seed=0)
    assert episode.call("bump", {"name": "bystander"}).ok
    yield episode
    episode.close()
    environment.close()


@pytest.fixture(scope="module")
def host_fixtures(bystander: Any) -> Iterator[dict[str, Any]]:
    """What the attempts aim at on the host: a TCP listener, unix sockets, a token, paths."""
    tcp = socket.socket()
    tcp.bind(("127.0.0.1", 0))
    tcp.listen()
    folder = tempfile.mkdtemp(prefix="red-team-")
    unix_path = os.path.join(folder, "host.sock")
    unix = socket.socket(socket.AF_UNIX)
    unix.bind(unix_path)
    unix.listen()
    abstract_name = "\0envfactory-red-team-" + secrets.token_hex(4)
    abstract = socket.socket(socket.AF_UNIX)
    abstract.bind(abstract_name)
    abstract.listen()
    # The sandbox binds the package folders and the interpreter's environment (read-only); where that
    # environment lies inside the checkout (CI's .venv-ci), its folder shows in the checkout too.
    bound_names = ["src", "plugins", "domains"]
    prefix = Path(sys.prefix).resolve()
    if prefix.is_relative_to(REPO):
        bound_names.append(prefix.relative_to(REPO).parts[0])
    yield {
        "repo": str(REPO),
        "bound_names": bound_names,
        "package_dir": os.path.dirname(envfactory_core.__file__),
        "tcp_port": tcp.getsockname()[1],
        "unix_path": unix_path,
        "abstract_name": abstract_name,
        "token": "planted-" + secrets.token_hex(6),
        "bystander_pid": bystander.pid,
    }
    for sock in (tcp, unix, abstract):
        sock.close()


def _escaped(result: Any) -> bool:
    return bool(result.ok and isinstance(result.output, dict) and "escaped" in result.output)


def _check_bystander(bystander: Any) -> None:
    assert bystander.call("read", {"name": "bystander"}).output == {"name": "bystander", "value": 1}
    assert bystander.audit()


@pytest.mark.parametrize("attempt", attempts.POLICY, ids=lambda attempt: attempt.id)
def test_through_the_policy(attempt: Any, machine: None) -> None:
    try:
        environment = SandboxedEnvironment(HEADER + _tool(attempt.body), filename=f"<{attempt.name}>")
    except PolicyError:
        return  # refused before anything ran
    try:
        with environment.episode(seed=0) as episode:
            before = episode.state()
            result = episode.call("attack", {})
            assert not result.ok, f"{attempt.id} got through: {result.output!r}"[:500]
            assert episode.state() == before
            assert episode.audit()
    finally:
        environment.close()


@pytest.mark.parametrize("attempt", attempts.OS, ids=lambda attempt: attempt.id)
def test_past_the_policy(attempt: Any, host_fixtures: dict[str, Any], bystander: Any) -> None:
    constants = "".join(f"\n{name} = {host_fixtures[name]!r}" for name in attempt.needs)
    source = HEADER + PLANT + attempts.CHANNEL_HELPERS + constants + "\n" + _tool(attempt.body)
    environment = SandboxedEnvironment(source, filename=f"<{attempt.name}>", limits=LIMITS, check_policy=False)
    try:
        if attempt.name == "file-outlives-episode":
            with environment.episode(seed=0) as earlier:
                assert earlier.call("plant", {"name": host_fixtures["token"]}).ok
            assert not os.path.exists("/tmp/" + host_fixtures["token"])  # never on the host either
        with environment.episode(seed=0) as episode:
            before = episode.state()
            pid = episode.pid
            result = episode.call("attack", {})
            assert not _escaped(result), f"{attempt.id} got through: {result.output!r}"[:500]
            if attempt.expect == "fails":
                assert not result.ok, f"{attempt.id} did not fail: {result.output!r}"[:500]
            state = episode.state()
            if result.ok:  # contained: only the row written through the runtime may have appeared
                assert state["counters"]["start"] == before["counters"]["start"]
                assert set(state["counters"]) <= {*before["counters"], "attack"}
            else:
                assert state == before
            if attempt.category == "integrity" and attempt.name != "direct-database-write":
                assert result.error is not None
                assert result.error.kind == "sandbox_violation", result
                assert episode.pid != pid  # a fresh worker
            if attempt.name == "direct-database-write":
                assert not episode.audit()  # the write around the runtime is detected...
                assert episode.violations
                assert episode.state()["counters"]["start"] == before["counters"]["start"]  # ...never believed
            assert episode.audit()
            assert episode.call("bump", {"name": "after"}).ok  # the episode still works
        _check_bystander(bystander)
    finally:
        environment.close()


def test_the_suite_covers_every_category_with_enough_attempts() -> None:
    counted = attempts.counts()
    wanted = {
        "imports",
        "introspection",
        "format_strings",
        "match_patterns",
        "typing_eval",
        "files",
        "network",
        "processes",
        "namespaces",
        "resources",
        "integrity",
    }
    assert wanted <= set(counted)
    assert sum(counted.values()) >= 40
