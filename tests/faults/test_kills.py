"""SIGKILL at every stage, and at random every 1-6 s: the run always completes with an uninterrupted run's exports."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import time
from pathlib import Path

import psutil

from .conftest import (
    assert_no_traceback,
    child_env,
    command,
    envfactory,
    output_files,
    record,
    stages_done,
)

ORDER = ("environments", "verify", "graph", "sample", "items", "export")


def _kill_in(stage: str, out: Path, pipeline_file: Path, delay: float) -> set[str]:
    """Start the run and kill it while ``stage`` is in progress; returns the stages done when it died."""
    before = ORDER[: ORDER.index(stage)]
    process = subprocess.Popen(
        command("run", str(pipeline_file), "--out", str(out), "--quiet"),
        env=child_env(delay),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and process.poll() is None:
            done = stages_done(out)
            if set(before) <= done:
                # Well inside the stage: each slow stage takes ``delay`` or more; work items are
                # fast, so the kill lands as soon as sampling is done.
                time.sleep(0 if stage == "items" else delay / 3)
                break
            time.sleep(0.02)
        assert process.poll() is None, "the run ended before the kill"
        process.send_signal(signal.SIGKILL)
        process.wait()
    finally:
        assert process.stderr is not None
        assert_no_traceback(process.stderr.read())
        process.stderr.close()
    return stages_done(out)


def test_a_kill_in_every_stage_resumes_to_identical_exports(
    tmp_path: Path, pipeline_file: Path, reference: Path
) -> None:
    out = tmp_path / "killed"
    for stage in ("verify", "graph", "sample", "items", "export"):
        done = _kill_in(stage, out, pipeline_file, delay=0.6)
        assert stage not in done, f"the kill aimed at {stage} came after it finished"
        assert set(ORDER[: ORDER.index(stage)]) <= done
        record("kills survived")
    finished = envfactory("run", str(pipeline_file), "--out", str(out), "--json")
    assert finished.returncode == 0, finished.stderr
    assert output_files(out) == output_files(reference)
    verify = next(stage for stage in json.loads(finished.stdout)["stages"] if stage["stage"] == "verify")
    assert verify["detail"]["passed"] == ["bookshop", "notes"]


def test_a_kill_during_verification_keeps_the_environments_already_verified(
    tmp_path: Path, pipeline_file: Path
) -> None:
    out = tmp_path / "killed"
    process = subprocess.Popen(
        command("run", str(pipeline_file), "--out", str(out), "--quiet"),
        env=child_env(1.0),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import sqlite3

    deadline = time.monotonic() + 60
    checked = 0
    while time.monotonic() < deadline and not checked:
        time.sleep(0.05)
        try:
            with sqlite3.connect(f"file:{out / 'run.sqlite'}?mode=ro", uri=True, timeout=1) as connection:
                checked = connection.execute("SELECT COUNT(*) FROM environment_checks").fetchone()[0]
        except sqlite3.Error:
            continue
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert checked == 1
    record("kills survived")
    resumed = envfactory("run", str(pipeline_file), "--out", str(out), "--json")
    verify = next(stage for stage in json.loads(resumed.stdout)["stages"] if stage["stage"] == "verify")
    assert (verify["detail"]["resumed"], verify["detail"]["verified"]) == (1, 1)


def test_kills_every_one_to_six_seconds_still_complete_with_identical_exports(
    tmp_path: Path, pipeline_file: Path, reference: Path
) -> None:
    """With slow stages (1.5 s each) a run takes about 10 s; it is killed 1-6 s after every start."""
    out = tmp_path / "killed"
    rng = random.Random(2026)
    kills = 0
    for _ in range(40):
        process = subprocess.Popen(
            command("run", str(pipeline_file), "--out", str(out), "--quiet"),
            env=child_env(1.5),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            process.wait(timeout=rng.uniform(1.0, 6.0))
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait()
            kills += 1
        finally:
            assert process.stderr is not None
            assert_no_traceback(process.stderr.read())
            process.stderr.close()
        if process.returncode == 0:
            break
    else:
        raise AssertionError(f"the run did not complete in 40 starts ({kills} kills)")
    assert kills >= 3
    record("kills survived", kills)
    assert output_files(out) == output_files(reference)
    print(f"killed {kills} times at 1-6 s intervals, then completed; {len(output_files(out))} export files identical")
    shown = envfactory("runs", "show", str(out), "--json")
    assert json.loads(shown.stdout)["state"] == "complete"


def test_a_killed_two_worker_run_leaves_no_process(tmp_path: Path, tmp_path_factory: object) -> None:
    """Must-show 4: kill -9 of a ``--workers 2`` run while its workers are busy; none of them survives."""
    from .conftest import PIPELINE

    pipeline_file = tmp_path / "big.toml"
    pipeline_file.write_text(PIPELINE.format(tasks=400))
    out = tmp_path / "run"
    process = subprocess.Popen(
        command("run", str(pipeline_file), "--out", str(out), "--quiet", "--workers", "2"),
        env=child_env(0.0),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    parent = psutil.Process(process.pid)
    deadline = time.monotonic() + 60
    workers: list[psutil.Process] = []
    while time.monotonic() < deadline and len(workers) < 2:
        time.sleep(0.05)
        workers = parent.children(recursive=True)
    assert len(workers) >= 2, "the pool never started"
    time.sleep(0.5)
    process.send_signal(signal.SIGKILL)
    process.wait()
    record("kills survived")
    _gone, alive = psutil.wait_procs(workers, timeout=10)
    alive = [worker for worker in alive if worker.is_running() and worker.status() != psutil.STATUS_ZOMBIE]
    assert not alive, f"workers left running after the run was killed: {[w.pid for w in alive]}"
    interrupted = envfactory("runs", "show", str(out), "--json")
    assert json.loads(interrupted.stdout)["state"] == "interrupted"
    text = envfactory("runs", "show", str(out))
    assert "interrupted" in text.stderr
    assert "chains ran out" not in text.stderr
