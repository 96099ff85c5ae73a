"""Fixtures of the envfactory-datasette tests: a real run, datasette serving it, a headless Chromium.

The run is made by the offline pipeline on two domain packages (verify, graph, sample, ground,
write, refine, gates, the oracle agent, score), so the pages are tested on the rows a real run
writes. Datasette is a real server on loopback; the browser is the machine's Chromium
(``/usr/bin/chromium``, Debian's package) driven by Playwright, never a browser Playwright downloads.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from envfactory_testing.requirements import require_module, require_program

REPO = Path(__file__).resolve().parents[3]
DOCS_SCREENSHOTS = REPO / "docs" / "how-to" / "browse"
SCREENSHOTS_VARIABLE = "ENVFACTORY_WRITE_SCREENSHOTS"
"""Set to 1 to write the browser tests' screenshots into docs/how-to/browse/ (the how-to shows them)."""

ENVFACTORY = [sys.executable, "-c", "from envfactory_core.cli import main; main()"]
"""The ``envfactory`` command of this interpreter."""

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

PIPELINE = """\
# A stage without `use` runs its default components (the gates and rewards a run uses).
[run]
seed = 0
tasks = 8
chains_per_task = 2.0
validation_share = 0.05

[[stage]]
stage = "environments"
use = "core/installed"
options = { domains = ["utilities", "office"], include_evaluation = false }

[[stage]]
stage = "verify"

[[stage]]
stage = "graph"
options = { linker = "core/lexical", labeller = "core/rules" }

[[stage]]
stage = "sample"
options = { max_tools = 3 }

[[stage]]
stage = "ground"

[[stage]]
stage = "write"

[[stage]]
stage = "refine"

[[stage]]
stage = "gate"

[[stage]]
stage = "collect"

[[stage]]
stage = "score"
"""


@pytest.fixture(scope="session")
def real_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run directory made by ``envfactory run`` (offline pipeline, two domains, eight tasks)."""
    root = tmp_path_factory.mktemp("run")
    pipeline = root / "pipeline.toml"
    pipeline.write_text(PIPELINE, encoding="utf-8")
    out = root / "run"
    subprocess.run(
        [*ENVFACTORY, "run", str(pipeline), "--out", str(out), "--quiet"],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return out


def query(run: Path, sql: str, *parameters: Any) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(run / "run.sqlite")
    try:
        return connection.execute(sql, parameters).fetchall()
    finally:
        connection.close()


@pytest.fixture(scope="session")
def sql(real_run: Path) -> Callable[..., list[tuple[Any, ...]]]:
    """``sql(query, *parameters)``: rows of the real run's store."""
    return lambda text, *parameters: query(real_run, text, *parameters)


@pytest.fixture(scope="session")
def envfactory_command() -> list[str]:
    return list(ENVFACTORY)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def datasette_url(real_run: Path) -> Iterator[str]:
    """``envfactory browse`` serving the real run on loopback (datasette, this plugin); the base URL."""
    require_module("datasette", "pip install 'envfactory-core[browse]'")
    port = _free_port()
    log = (real_run.parent / "datasette.log").open("w")
    process = subprocess.Popen(
        [*ENVFACTORY, "browse", str(real_run), "--host", "127.0.0.1", "--port", str(port), "--no-open"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/-/versions.json", timeout=2):
                    break
            except OSError as error:
                if process.poll() is not None or time.monotonic() > deadline:
                    log_text = (real_run.parent / "datasette.log").read_text()
                    raise RuntimeError(f"datasette did not start: {log_text}") from error
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A headless Chromium (the system's) with an empty profile, as a Playwright browser context.

    Module-scoped, not session-scoped: while Playwright's sync API is open it keeps an asyncio loop
    running on the main thread, and every later test that calls ``asyncio.run`` would fail.
    """
    executable = require_program("chromium", "apt-get install -y chromium (CI: .ci/setup.d/30-chromium.sh)")
    sync_api = require_module("playwright.sync_api", "pip install playwright (requirements-test.txt)")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=executable,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
            color_scheme="light",
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser_context: Any) -> Iterator[Any]:
    page = browser_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    page.close()
    assert not errors, f"script errors on the page: {errors}"


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """docs/how-to/browse/ when ENVFACTORY_WRITE_SCREENSHOTS=1, else a temporary folder."""
    if os.environ.get(SCREENSHOTS_VARIABLE, "") not in ("", "0"):
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return DOCS_SCREENSHOTS
    return tmp_path_factory.mktemp("screenshots")
