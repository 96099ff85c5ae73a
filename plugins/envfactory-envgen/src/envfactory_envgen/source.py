"""``envgen/built``: a pipeline's environments are the verified environments of an ``envgen build`` run.

    [[stage]]
    stage = "environments"
    use = "envgen/built"
    options = { run = "runs/corpus", trusted = false }

The run directory is one ``envfactory envgen build --out RUN`` wrote (one document or a batch over
folders). Every verified environment in it is loaded from its recorded code: in the sandbox, or
in-process with ``trusted = true`` (code the envgen/crud generator wrote and you accept, as
``envgen build --trusted``). ``names`` picks some; ``limit`` keeps the first N (sorted by name).
The pipeline resolves the names it recorded through :meth:`BuiltEnvironments.catalog`, so a
resumed run and its workers see the same environments.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs

from envfactory_core.env import Environment
from envfactory_core.errors import ConfigError, Problem

__all__ = ["BuiltEnvironments", "verified_environments"]

_LOADED: dict[tuple[str, bool], dict[str, Environment]] = {}
_VERIFIED: dict[str, list[Any]] = {}


def verified_environments(
    run: str | Path, *, trusted: bool = False, names: tuple[str, ...] = ()
) -> dict[str, Environment]:
    """The verified environments recorded in the build run at ``run`` (only ``names`` if given), by name.

    Each is loaded once per process and kept: a pipeline and its resumption see the same objects.
    """
    from .modules import load_environment
    from .package import latest_verified

    where = str(Path(run).resolve())
    loaded = _LOADED.setdefault((where, trusted), {})
    wanted = set(names)
    if wanted and wanted <= set(loaded):
        return {name: loaded[name] for name in sorted(wanted)}
    if where not in _VERIFIED:
        _VERIFIED[where] = latest_verified(run)  # the run's records are read once per process
    for generated in _VERIFIED[where]:
        if (wanted and generated.name not in wanted) or generated.name in loaded:
            continue
        loaded[generated.name] = load_environment(
            generated.code, name=generated.name, trusted=trusted, code_id=generated.code_id
        )
    return {name: loaded[name] for name in sorted(loaded) if not wanted or name in wanted}


@attrs.frozen(kw_only=True)
class BuiltEnvironments:
    """The verified environments of an ``envgen build`` run directory (``run``)."""

    name: str = "built"
    description: str = "The verified environments of an `envfactory envgen build --out RUN` run (option run)."
    run: str = ""
    names: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    trusted: bool = False
    limit: int = 0

    def _check(self) -> Path:
        path = Path(self.run)
        if not self.run or not path.is_dir():
            raise ConfigError(
                "envgen/built needs a build run directory",
                [
                    Problem(
                        location="stage environments: options.run",
                        message=f"{self.run!r} is not a folder" if self.run else "no run directory given",
                        fix='set options = { run = "RUN" } to a folder `envfactory envgen build SOURCES --out RUN` '
                        "wrote",
                    )
                ],
            )
        return path

    def catalog(self, registry: Any = None) -> dict[str, Environment]:
        """Every verified environment of the run (the pipeline resolves recorded names here)."""
        return verified_environments(self._check(), trusted=self.trusted, names=self.names)

    def select(self, registry: Any = None) -> list[Environment]:
        found = self.catalog(registry)
        if self.names:
            unknown = [name for name in self.names if name not in found]
            if unknown:
                raise ConfigError(
                    "unknown built environments",
                    [
                        Problem(
                            location="stage environments: options.names",
                            message=f"{name!r} is not a verified environment of {self.run}",
                            fix="`envfactory envgen report RUN` lists them",
                        )
                        for name in unknown
                    ],
                )
            chosen = [found[name] for name in self.names]
        else:
            chosen = list(found.values())
        return chosen[: self.limit] if self.limit > 0 else chosen
