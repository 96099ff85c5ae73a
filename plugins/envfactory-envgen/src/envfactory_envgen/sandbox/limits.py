"""Resource limits of a sandboxed worker."""

from __future__ import annotations

from typing import Any

import attrs

__all__ = ["SandboxLimits"]


def _positive(instance: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if value <= 0:
        raise ValueError(f"SandboxLimits.{attribute.name} must be > 0, got {value!r}")


@attrs.frozen(kw_only=True)
class SandboxLimits:
    """What one worker process may use.

    ``cpu_seconds_per_call`` and ``wall_seconds_per_call`` bound each tool call (the CPU limit raises
    inside the call, so the episode survives; past the wall clock the worker is killed and the
    episode rebuilt by replaying its calls). ``load_seconds`` bounds loading the module and making a
    seed state. ``memory_mb`` caps the address space, ``file_size_mb`` any file written,
    ``cpu_seconds_total`` the worker's whole life, ``disk_mb`` the worker's private ``/tmp`` (all
    files together), ``reply_mb`` any one message the host accepts from the worker (a bigger one is a
    ``sandbox_violation``). Workers can start no process.
    """

    memory_mb: int = attrs.field(default=1024, validator=_positive)
    cpu_seconds_per_call: float = attrs.field(default=5.0, validator=_positive)
    wall_seconds_per_call: float = attrs.field(default=10.0, validator=_positive)
    load_seconds: float = attrs.field(default=60.0, validator=_positive)
    cpu_seconds_total: int = attrs.field(default=900, validator=_positive)
    file_size_mb: int = attrs.field(default=4, validator=_positive)
    open_files: int = attrs.field(default=64, validator=_positive)
    disk_mb: int = attrs.field(default=16, validator=_positive)
    reply_mb: int = attrs.field(default=32, validator=_positive)

    def to_json(self) -> dict[str, float]:
        return {
            "memory_mb": self.memory_mb,
            "cpu_seconds_per_call": self.cpu_seconds_per_call,
            "wall_seconds_per_call": self.wall_seconds_per_call,
            "load_seconds": self.load_seconds,
            "cpu_seconds_total": self.cpu_seconds_total,
            "file_size_mb": self.file_size_mb,
            "open_files": self.open_files,
            "disk_mb": self.disk_mb,
            "reply_mb": self.reply_mb,
        }
