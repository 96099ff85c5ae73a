"""The resource loader ``taubench/airline``: a data folder → the environment, its resources and tasks."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from envfactory_core.errors import Problem
from envfactory_core.loaders import LoadResult
from envfactory_core.models import Provenance, Resource

from .core_tasks import core_tasks
from .data import AirlineData, looks_like_data_folder, read_airline_data
from .environment import build_environment
from .replay import Replayer
from .tasks import read_tasks
from .upstream import COMMIT, DATA_ENV_VAR, INITIAL_STATE_HASH, LICENSE, PROVENANCE, REPOSITORY, REQUIRED_FILES

__all__ = ["AirlineLoader"]

_MEDIA_TYPES = {".json": "application/json", ".md": "text/markdown"}


def _resource(name: str, path: Path) -> Resource:
    upstream = REQUIRED_FILES.get(name, "")
    return Resource(
        kind="text" if path.suffix == ".md" else "tau-bench data",
        name=name,
        uri=path.resolve().as_uri(),
        media_type=_MEDIA_TYPES.get(path.suffix, "application/octet-stream"),
        text=path.read_text(encoding="utf-8"),
        provenance=Provenance(
            source=f"{REPOSITORY}@{COMMIT}" + (f":{upstream}" if upstream else ""),
            url=PROVENANCE.url,
            license=LICENSE,
            notes="benchmark data, read from the user's data folder (not shipped)",
        ),
    )


class AirlineLoader:
    """Load tau-bench airline data (flights, reservations, users, wiki.md, tasks) as an environment and its tasks."""

    name = "airline"
    description = "tau-bench airline data folder -> the airline environment, its resources and its tasks"

    def can_load(self, source: str) -> bool:
        folder = source or os.environ.get(DATA_ENV_VAR, "")
        return bool(folder) and looks_like_data_folder(folder)

    def load(self, source: str) -> LoadResult:
        """Read the folder ``source`` (empty: ``$ENVFACTORY_TAUBENCH_DATA``)."""
        data = read_airline_data(source or None)
        return self.load_data(data)

    def load_data(self, data: AirlineData) -> LoadResult:
        environment = build_environment(data)
        replayer = Replayer(environment)
        skipped: list[Problem] = []
        details: dict[str, Any] = {"folder": str(data.folder)}
        try:
            initial = replayer.initial_hash()
            details["initial_state_hash"] = initial
            details["initial_state_hash_expected"] = INITIAL_STATE_HASH
            if initial != INITIAL_STATE_HASH:
                skipped.append(
                    Problem(
                        location=str(data.folder),
                        message=f"the initial state hashes to {initial}, not {INITIAL_STATE_HASH}",
                        fix=f"use the data files of {REPOSITORY} at commit {COMMIT}; recorded hashes will not match",
                    )
                )
            tasks: tuple[Any, ...] = ()
            benchmark_tasks: tuple[Any, ...] = ()
            if data.tasks_path is not None:
                benchmark_tasks = read_tasks(data.tasks_path)
                tasks = core_tasks(benchmark_tasks, replayer)
            else:
                skipped.append(
                    Problem(
                        location=str(data.folder / "tasks.json"), message="no tasks file; loaded the environment only"
                    )
                )
        finally:
            replayer.close()
        details["benchmark_tasks"] = benchmark_tasks
        resources = tuple(_resource(name, path) for name, path in sorted(data.files.items()))
        return LoadResult(
            resources=resources,
            specs=(environment.spec,),
            environments=(environment,),
            tasks=tasks,
            skipped=tuple(skipped),
            details=details,
        )
