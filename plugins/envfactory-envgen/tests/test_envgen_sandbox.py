"""The sandbox: refused before it runs, or stopped within its limits; the host and other episodes carry on."""

from __future__ import annotations

import os
import textwrap

import pytest
from envfactory_envgen.errors import PolicyError
from envfactory_envgen.sandbox import SandboxedEnvironment, SandboxLimits, check_source
from envfactory_testing.requirements import require_program
from envfactory_testing.sandbox_sources import counters_source

from envfactory_core.env.conformance import check_environment

HEADER = counters_source()

MISBEHAVING = (
    HEADER
    + '''

@environment.tool(effect="write")
def spin(ctx: Context, name: str) -> dict:
    """Bump a counter, then loop forever.

    Args:
        name: The counter.
    """
    bump(ctx, name)
    while True:
        pass


@environment.tool(effect="read")
def hog(ctx: Context) -> dict:
    """Allocate memory without bound."""
    blocks = []
    while True:
        blocks.append(bytearray(32 * 1024 * 1024))


@environment.seed
def seed(ctx):
    return {"counters": [{"name": "start", "value": ctx.rng.randint(1, 9)}]}
'''
)


def _refusal(code: str) -> str:
    with pytest.raises(PolicyError) as caught:
        SandboxedEnvironment(code, filename="<bad module>")
    return str(caught.value)


@pytest.mark.parametrize(
    ("snippet", "words"),
    [
        ("import os", "imports os"),
        ("import socket", "imports socket"),
        ("import subprocess", "imports subprocess"),
        ("import ctypes", "imports ctypes"),
        ("import importlib", "imports importlib"),
        ("from os import environ", "imports from os"),
        ("from pathlib import Path", "imports from pathlib"),
        ("data = open('/etc/passwd').read()", "uses open"),
        ("secret = __import__('os').environ", "uses __import__"),
        ("klass = ().__class__.__bases__", "private attribute .__class__"),
        ("frames = (x for x in ()).gi_frame", "reads .gi_frame"),
        ("run = eval('1 + 1')", "uses eval"),
        ("name = getattr(table, 'mro')", "uses getattr"),
    ],
)
def test_code_reaching_outside_is_refused_before_anything_runs(snippet: str, words: str) -> None:
    message = _refusal(HEADER + "\n" + snippet + "\n")
    assert words in message
    line = HEADER.count("\n") + 2
    assert f"<bad module>:{line}:" in message, message  # the report names the file and the line


def test_forking_and_environment_variables_are_refused_with_a_clear_report() -> None:
    code = HEADER + textwrap.dedent(
        '''
        @environment.tool(effect="read")
        def escape(ctx: Context) -> dict:
            """Try to leave the episode.

            Args: none.
            """
            import os
            os.fork()
            return {"home": os.environ.get("HOME", "")}
        '''
    )
    problems = check_source(code, "<escape>")
    assert [problem.message for problem in problems] == ["imports os, which generated code may not use"]
    assert "fix:" in str(PolicyError("x", problems))


def test_format_strings_and_string_annotations_cannot_reach_private_attributes() -> None:
    assert check_source("text = '{0.__class__}'.format(1)\n")
    assert check_source("def f(x: '().__class__') -> None:\n    pass\n")
    assert not check_source("text = '{0} and {1}'.format(1, 2)\n")


@pytest.fixture(scope="module")
def misbehaving() -> SandboxedEnvironment:
    limits = SandboxLimits(wall_seconds_per_call=2.0, cpu_seconds_per_call=30.0, memory_mb=768, load_seconds=60)
    environment = SandboxedEnvironment(MISBEHAVING, filename="<misbehaving>", limits=limits)
    yield environment
    environment.close()


def test_a_tool_that_loops_forever_is_killed_and_the_episode_restored(misbehaving: SandboxedEnvironment) -> None:
    host_environ = dict(os.environ)
    host_cwd = os.getcwd()
    with misbehaving.episode(seed=0) as looping, misbehaving.episode(seed=0) as bystander:
        assert looping.pid != bystander.pid
        assert looping.call("bump", {"name": "a"}).ok
        before = looping.state_hash()
        assert bystander.call("bump", {"name": "b"}).ok
        bystander_before = bystander.state_hash()
        result = looping.call("spin", {"name": "a"})
        assert not result.ok
        assert result.error is not None
        assert result.error.kind == "timeout"
        assert "did not return within 2 s" in result.error.message
        assert "restored" in result.error.message
        # the episode is back at its state before the call (the bump inside spin is gone) and still works
        assert looping.state_hash() == before
        assert looping.state()["counters"]["a"]["value"] == 1
        assert looping.call("bump", {"name": "a"}).output == {"name": "a", "value": 2}
        # the other episode never noticed
        assert bystander.state_hash() == bystander_before
        assert bystander.call("read", {"name": "b"}).output == {"name": "b", "value": 1}
    assert dict(os.environ) == host_environ
    assert os.getcwd() == host_cwd


def test_unbounded_allocation_is_stopped_by_the_memory_limit() -> None:
    """Deterministic: a small address space is reached in a few allocations, long before a generous wall clock.

    (With the module's 2 s wall clock and 768 MB, a loaded machine sometimes spent the 2 s zero-filling
    pages first and the call ended as a timeout instead.)
    """
    limits = SandboxLimits(wall_seconds_per_call=120.0, cpu_seconds_per_call=60.0, memory_mb=384)
    environment = SandboxedEnvironment(MISBEHAVING, filename="<memory>", limits=limits)
    try:
        with environment.episode(seed=0) as episode:
            before = episode.state_hash()
            result = episode.call("hog", {})
            assert not result.ok
            assert result.error is not None
            assert result.error.kind == "limit", result.error
            assert "384 MB" in result.error.message or "stopped its worker" in result.error.message
            assert episode.state_hash() == before
            assert episode.call("bump", {"name": "after"}).ok
    finally:
        environment.close()


def test_a_cpu_bound_tool_is_stopped_by_its_cpu_limit_inside_the_call() -> None:
    limits = SandboxLimits(wall_seconds_per_call=30.0, cpu_seconds_per_call=1.0)
    environment = SandboxedEnvironment(MISBEHAVING, filename="<cpu>", limits=limits)
    try:
        with environment.episode(seed=0) as episode:
            pid = episode.pid
            before = episode.state_hash()
            result = episode.call("spin", {"name": "x"})
            assert result.error is not None
            assert result.error.kind == "limit"
            assert "CPU time" in result.error.message
            assert episode.pid == pid  # the worker survived: the limit raised inside the call
            assert episode.state_hash() == before
    finally:
        environment.close()


def test_workers_are_confined(misbehaving: SandboxedEnvironment) -> None:
    require_program("bwrap", "the OS sandbox of generated code (.ci/setup.d/40-sandbox.sh installs it)")
    isolation = misbehaving.isolation
    assert isolation["os"] == "bubblewrap"
    assert isolation["environment"] == "cleared"
    assert isolation["network"].startswith("namespace")
    assert isolation["syscalls"] == "seccomp filter"
    assert "no new processes" in isolation["limits"]
    assert isolation["user"].startswith("uid ")
    assert isolation["workdir"] == "/tmp"


def test_the_os_layer_blocks_forks_files_network_and_environment(tmp_path) -> None:
    """The second line of defence, checked directly: confine a forked child and try everything."""
    import json

    from envfactory_envgen.sandbox.confine import confine

    read_end, write_end = os.pipe()
    workdir = tmp_path / "work"
    workdir.mkdir()
    os.chmod(workdir, 0o777)
    pid = os.fork()
    if pid == 0:  # the child: confine, then try
        findings: dict[str, str] = {}
        try:
            confine(SandboxLimits(memory_mb=512, file_size_mb=1), str(workdir))
            try:
                os.fork()
                findings["fork"] = "allowed"
            except OSError as error:
                findings["fork"] = type(error).__name__
            try:
                with open("big.bin", "wb") as handle:
                    handle.write(b"x" * (3 * 1024 * 1024))
                findings["file"] = "allowed"
            except OSError as error:
                findings["file"] = type(error).__name__
            import socket

            try:
                socket.create_connection(("127.0.0.1", 9), timeout=1)
                findings["network"] = "allowed"
            except OSError as error:
                findings["network"] = type(error).__name__
            findings["environ"] = str(len(os.environ))
        except BaseException as error:  # report, never fall back into pytest
            findings["error"] = repr(error)
        os.write(write_end, json.dumps(findings).encode())
        os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    findings = json.loads(os.read(read_end, 65536).decode())
    os.close(read_end)
    assert "error" not in findings, findings
    assert findings["fork"] in {"BlockingIOError", "PermissionError"}
    assert findings["file"] in {"OSError", "PermissionError"}
    assert findings["network"] in {"PermissionError", "OSError", "ConnectionRefusedError"}
    assert findings["network"] != "allowed"
    assert findings["environ"] == "0"


def test_sandboxed_environments_pass_the_conformance_kit_unchanged() -> None:
    code = (
        HEADER
        + """

@environment.seed
def seed(ctx):
    return {"counters": [{"name": f"c{index}", "value": ctx.rng.randint(1, 99)} for index in range(3)]}
"""
    )
    environment = SandboxedEnvironment(code, filename="<counters>")
    try:
        report = check_environment(environment, sequences=3, calls_per_sequence=8)
        assert report.passed, report.summary()
        assert environment.spec.trusted is False
    finally:
        environment.close()


def test_the_determinism_lint_reads_sandboxed_tool_source() -> None:
    code = (
        HEADER.replace("from envfactory_core.env import", "import random\nfrom envfactory_core.env import")
        + '''

@environment.tool(effect="read")
def lucky(ctx: Context) -> dict:
    """A number from the global RNG (not allowed: replays differ)."""
    return {"number": random.randint(1, 6)}
'''
    )
    environment = SandboxedEnvironment(code, filename="<lucky>")
    try:
        report = check_environment(environment, sequences=1, calls_per_sequence=2)
        lint = next(check for check in report.checks if check.name == "determinism_lint")
        assert not lint.passed
        assert "random.randint" in lint.detail
    finally:
        environment.close()


def test_one_sandboxed_episode_used_by_four_threads_loses_no_update(misbehaving: SandboxedEnvironment) -> None:
    import threading

    with misbehaving.episode(seed=0) as episode:
        barrier = threading.Barrier(4)
        failures: list[object] = []

        def work() -> None:
            barrier.wait()
            for _ in range(50):
                result = episode.call("bump", {"name": "shared"})
                if not result.ok:
                    failures.append(result.error)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        assert episode.state()["counters"]["shared"]["value"] == 200
        assert len(episode.steps) == 200
        assert episode.audit()  # the worker's database agrees with the host's state
