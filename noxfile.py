"""Developer sessions: `nox -l` lists them, `nox -s NAME` runs one.

- ``tests``: the core's own tests, with the core alone installed.
- ``package(pkg=...)``: one plugin or domain distribution with only the core, proving it declares
  its own dependencies.
- ``trainer(pkg=...)``: a trainer adapter (TRL, verl) with only the core and its trainer, pinned
  by requirements-heavy.txt: the adapter's heavy tests run instead of skipping.
- ``integration``: everything installed together, the whole suite (what CI runs).
- ``dists``: build a wheel and an sdist of every distribution, `twine check` them, install the
  built wheels into a fresh venv and run `envfactory run` (not a default session: it uses the index).
- ``lint``: ruff check and format check; ``typecheck``: mypy --strict on the core and every plugin and
  domain; ``imports``: the import-linter contracts (the layers); ``bench``: every benchmark script.

``lint``, ``typecheck`` and ``imports`` are the checks ``.ci/run`` makes before the tests, with the
checkers pinned in requirements-dev.txt.
"""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["tests", "package", "trainer", "integration", "lint", "typecheck", "imports"]

ROOT = Path(__file__).parent
PACKAGES = sorted(
    str(path.relative_to(ROOT))
    for path in [*ROOT.glob("plugins/*"), *ROOT.glob("domains/*")]
    if (path / "pyproject.toml").exists()
)
TEST_TOOLS = ["pytest>=8", "hypothesis>=6.100", "setuptools>=70.1", "hatchling>=1.25"]
TEST_KIT = "./plugins/envfactory-testing"
"""The test kit every package's `test` extra names (not on an index yet): installed from here."""
SIBLINGS = {"plugins/envfactory-trl": ["./plugins/envfactory-verl"]}
"""Distributions of this repository a package depends on (not on an index yet): installed from here."""


@nox.session
def tests(session: nox.Session) -> None:
    """The core's tests with only the core installed."""
    session.install("-e", ".[test]", TEST_KIT, *TEST_TOOLS)
    session.run("pytest", "tests", *session.posargs)


@nox.session
@nox.parametrize("pkg", PACKAGES)
def package(session: nox.Session, pkg: str) -> None:
    """One plugin or domain package alone with the core: its own tests must pass."""
    kit = [] if pkg == TEST_KIT.removeprefix("./") else [TEST_KIT]
    session.install(".", *kit, *SIBLINGS.get(pkg, []), f"./{pkg}[test]", *TEST_TOOLS)
    session.run("pytest", pkg, "-p", "no:cacheprovider", *session.posargs)


@nox.session
@nox.parametrize("pkg", ["plugins/envfactory-trl", "plugins/envfactory-verl"])
def trainer(session: nox.Session, pkg: str) -> None:
    """A trainer adapter with only the core and its trainer (the plugin's extra, CPU torch)."""
    extra = pkg.rsplit("-", 1)[1]
    session.install(
        "-c",
        "requirements-heavy.txt",
        ".",
        TEST_KIT,
        *SIBLINGS.get(pkg, []),
        f"./{pkg}[{extra},test]",
        "torch",
        *TEST_TOOLS,
    )
    session.run("pytest", pkg, "-p", "no:cacheprovider", *session.posargs)


@nox.session
def integration(session: nox.Session) -> None:
    """Everything installed together; the whole suite."""
    session.install("-r", "requirements-test.txt")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and format check over the whole repository."""
    session.install("-r", "requirements-dev.txt")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the core and every plugin and domain (the files [tool.mypy] names)."""
    session.install("-r", "requirements-test.txt", "-r", "requirements-heavy.txt", "-r", "requirements-dev.txt")
    session.run("python", "-m", "mypy", *session.posargs)


@nox.session
def imports(session: nox.Session) -> None:
    """The import-linter contracts: imports run down the core's layers; plugins stay independent."""
    session.install("-r", "requirements-test.txt", "-r", "requirements-dev.txt")
    session.run("lint-imports", *session.posargs)


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Run every benchmark script (each prints a table and a closing JSON line)."""
    session.install("-r", "requirements-bench.txt")
    for script in sorted(ROOT.glob("benchmarks/[!_]*.py")):  # _report.py and the like are helpers, not benchmarks
        session.run("python", str(script.relative_to(ROOT)), *session.posargs)


DISTRIBUTIONS = [".", *PACKAGES]
"""Every distribution of this repository: the core, then the plugins and domains."""


@nox.session(default=False)
def dists(session: nox.Session) -> None:
    """Build a wheel and an sdist of every distribution into dist/ and check them with twine; then
    install the core's and the domains' wheels (from dist/ only, the rest from the index) into this
    fresh virtual environment and run `envfactory run` with them, outside the checkout."""
    import shutil
    import tempfile

    session.install("build>=1.2", "twine>=6")
    out = ROOT / "dist"
    shutil.rmtree(out, ignore_errors=True)
    for folder in DISTRIBUTIONS:
        session.run("python", "-m", "build", "--outdir", str(out), folder, silent=True)
    built = sorted(str(path) for path in out.iterdir())
    session.run("twine", "check", "--strict", *built)
    wheels = [path for path in built if path.endswith(".whl")]
    wanted = [path for path in wheels if Path(path).name.startswith(("envfactory_core-", *DOMAIN_WHEELS))]
    session.install("--find-links", str(out), *wanted)
    with tempfile.TemporaryDirectory() as work:
        session.chdir(work)
        session.run("envfactory", "run", "--tasks", "3", "--out", "run", "--quiet")
        session.run("envfactory", "eval", "--help", silent=True)
        session.chdir(str(ROOT))


DOMAIN_WHEELS = tuple(
    "envfactory_" + Path(folder).name.removeprefix("envfactory-") + "-"
    for folder in PACKAGES
    if folder.startswith("domains/")
)
