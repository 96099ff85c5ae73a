"""Where the benchmark's data comes from, and what the package needs of it.

The data is not shipped (it is the benchmark's, under its own licence); the user names the
folder. These constants make every "data missing" error say exactly which files, at which
commit, to fetch.
"""

from __future__ import annotations

from typing import Final

from envfactory_core.models import Provenance

__all__ = [
    "COMMIT",
    "DATA_ENV_VAR",
    "INITIAL_STATE_HASH",
    "LICENSE",
    "OPTIONAL_FILES",
    "PROVENANCE",
    "REPOSITORY",
    "REQUIRED_FILES",
    "needed_files_text",
]

REPOSITORY: Final = "sierra-research/tau-bench"
COMMIT: Final = "7362a1708d720a4d697d042f21fd8637ea144c3b"
LICENSE: Final = "MIT"
DATA_ENV_VAR: Final = "ENVFACTORY_TAUBENCH_DATA"

INITIAL_STATE_HASH: Final = "4a02dcbc0e3ace4d398988d60a33e73afad4d201deb426303159f086cadad20f"
"""The benchmark's own hash of the untouched state at :data:`COMMIT`."""

REQUIRED_FILES: Final[dict[str, str]] = {
    "data/flights.json": "tau_bench/envs/airline/data/flights.json",
    "data/reservations.json": "tau_bench/envs/airline/data/reservations.json",
    "data/users.json": "tau_bench/envs/airline/data/users.json",
    "wiki.md": "tau_bench/envs/airline/wiki.md",
}
"""Files of the data folder (path in the folder → path in the upstream repository)."""

OPTIONAL_FILES: Final[dict[str, str]] = {
    "tasks.json": "historical_trajectories/gpt-4o-airline.json (field info.task of each record, one per task_id)",
    "trajectories_dev.json": "historical_trajectories/gpt-4o-airline.json (any subset of its records)",
}

PROVENANCE: Final = Provenance(
    source=f"tau-bench airline ({REPOSITORY})",
    url=f"https://github.com/{REPOSITORY}/tree/{COMMIT}/tau_bench/envs/airline",
    license=LICENSE,
    generator="hand-written from the benchmark's policy, data and recorded tool outputs",
    notes=(
        f"State data from commit {COMMIT} (MIT licence, whose notice travels with the data). "
        "No upstream code is used: the tools were written from wiki.md, the data files, the argument "
        "names of the gold actions and the tool outputs recorded in the benchmark's trajectories."
    ),
)


def needed_files_text() -> str:
    """One paragraph naming every file the data folder must hold, and where upstream it is."""
    lines = [f"the data folder must hold these files of {REPOSITORY} at commit {COMMIT} ({LICENSE} licence):"]
    lines.extend(f"  {local}  <- {remote}" for local, remote in REQUIRED_FILES.items())
    lines.append("and, for replay-gold without --tasks:")
    lines.append(f"  tasks.json  <- {OPTIONAL_FILES['tasks.json']}")
    lines.append("users.json must come from that commit, not a later one: a later commit renamed a field.")
    return "\n".join(lines)
