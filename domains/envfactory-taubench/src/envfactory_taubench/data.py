"""Finding and reading the benchmark's data folder.

The folder is named by the user (``--data DIR`` or ``ENVFACTORY_TAUBENCH_DATA``). Two layouts are
accepted: the one of the shared copy (``DIR/data/flights.json``, ``DIR/wiki.md``,
``DIR/tasks.json``) and the upstream one (``DIR`` = ``tau_bench/envs/airline`` or its ``data``
sub-folder). Every problem is reported at once, with the upstream files and commit needed.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import attrs

from envfactory_core.errors import Problem, ProblemsError

from .schema import TABLE_NAMES, record_problems
from .upstream import DATA_ENV_VAR, needed_files_text

__all__ = [
    "AirlineData",
    "DataError",
    "clock_from_policy",
    "find_data_file",
    "looks_like_data_folder",
    "read_airline_data",
    "read_json_file",
    "resolve_data_folder",
]


class DataError(ProblemsError, ValueError):
    """The data folder is missing, incomplete or not the pinned upstream version."""


@attrs.frozen(kw_only=True)
class AirlineData:
    """The benchmark's initial state as loaded, its policy and its clock."""

    folder: Path
    view: Mapping[str, Mapping[str, Mapping[str, Any]]] = attrs.field(repr=False)
    policy: str = attrs.field(repr=False)
    now: str
    files: Mapping[str, Path] = attrs.field(factory=dict)

    @property
    def tasks_path(self) -> Path | None:
        """``tasks.json`` beside the data, if there is one."""
        return find_data_file(self.folder, "tasks.json")


_CANDIDATES: dict[str, tuple[str, ...]] = {
    "data/flights.json": ("data/flights.json", "flights.json"),
    "data/reservations.json": ("data/reservations.json", "reservations.json"),
    "data/users.json": ("data/users.json", "users.json"),
    "wiki.md": ("wiki.md", "../wiki.md"),
    "tasks.json": ("tasks.json", "../tasks.json"),
}


def find_data_file(folder: Path, name: str) -> Path | None:
    """Where ``name`` (a path of the shared layout) is in ``folder``, in either layout."""
    for candidate in _CANDIDATES.get(name, (name,)):
        path = folder / candidate
        if path.is_file():
            return path
    return None


def looks_like_data_folder(source: str | os.PathLike[str]) -> bool:
    """Whether ``source`` is a folder holding the three airline data files."""
    folder = Path(source)
    return folder.is_dir() and all(
        find_data_file(folder, name) is not None
        for name in ("data/flights.json", "data/reservations.json", "data/users.json")
    )


def resolve_data_folder(given: str | os.PathLike[str] | None) -> Path:
    """The data folder: ``given``, else ``$ENVFACTORY_TAUBENCH_DATA``; an error naming what is needed."""
    value = os.fspath(given) if given else os.environ.get(DATA_ENV_VAR, "")
    if not value:
        raise DataError(
            "no tau-bench airline data folder given",
            [
                Problem(
                    location="--data",
                    message="not given, and $" + DATA_ENV_VAR + " is not set",
                    fix=needed_files_text(),
                )
            ],
        )
    folder = Path(value).expanduser()
    if not folder.is_dir():
        raise DataError(
            f"the tau-bench airline data folder {str(folder)!r} does not exist",
            [Problem(location=str(folder), message="not a folder", fix=needed_files_text())],
        )
    return folder


def read_json_file(path: Path, *, what: str) -> Any:
    """Parse one JSON file; a :class:`DataError` with line and column when it is malformed."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise DataError(f"cannot read {what}", [Problem(location=str(path), message=str(error))]) from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise DataError(
            f"{what} is not valid JSON",
            [Problem(location=f"{path}:{error.lineno}:{error.colno}", message=error.msg)],
        ) from error


_CLOCK = re.compile(r"current time is (\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)\s*([A-Z]{2,4})?")
_ZONES = {"UTC": 0, "GMT": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7}


def clock_from_policy(policy: str) -> str | None:
    """The environment's clock from the policy's "The current time is ..." line, as ISO 8601.

    The policy gives a zone abbreviation (``EST``); the benchmark's own timestamps are written
    without a zone, so tools format the clock naive.
    """
    match = _CLOCK.search(policy)
    if match is None:
        return None
    day, time, zone = match.groups()
    if len(time) == 5:
        time += ":00"
    offset = timezone(timedelta(hours=_ZONES.get(zone or "UTC", 0)))
    return datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=offset).isoformat()


def read_airline_data(folder: str | os.PathLike[str] | None) -> AirlineData:
    """Read and check the data folder (``None``: ``$ENVFACTORY_TAUBENCH_DATA``)."""
    root = resolve_data_folder(folder)
    files: dict[str, Path] = {}
    missing: list[Problem] = []
    for name in ("data/flights.json", "data/reservations.json", "data/users.json", "wiki.md"):
        path = find_data_file(root, name)
        if path is None:
            missing.append(Problem(location=str(root / name), message="missing"))
        else:
            files[name] = path
    if missing:
        missing[-1] = attrs.evolve(missing[-1], fix=needed_files_text())
        raise DataError(f"the tau-bench airline data folder {str(root)!r} is incomplete", missing)
    view: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    for table_name in TABLE_NAMES:
        path = files[f"data/{table_name}.json"]
        loaded = read_json_file(path, what=f"{table_name}.json")
        if not isinstance(loaded, dict):
            problems.append(
                Problem(location=str(path), message=f"must be an object of records by id, got {type(loaded).__name__}")
            )
            continue
        for key, record in loaded.items():
            problems.extend(record_problems(table_name, key, record, where=f"{path.name}[{key!r}]"))
        view[table_name] = loaded
    policy = files["wiki.md"].read_text(encoding="utf-8")
    now = clock_from_policy(policy)
    if now is None:
        problems.append(
            Problem(
                location=str(files["wiki.md"]), message="does not state the current time ('The current time is ...')"
            )
        )
    if problems:
        shown = problems[:20]
        if len(problems) > len(shown):
            shown.append(Problem(location="", message=f"... and {len(problems) - len(shown)} more problems"))
        shown[-1] = attrs.evolve(shown[-1], fix=shown[-1].fix or needed_files_text())
        raise DataError(f"the tau-bench airline data in {str(root)!r} cannot be loaded exactly", shown)
    assert now is not None
    tasks = find_data_file(root, "tasks.json")
    if tasks is not None:
        files["tasks.json"] = tasks
    return AirlineData(folder=root, view=view, policy=policy, now=now, files=files)
