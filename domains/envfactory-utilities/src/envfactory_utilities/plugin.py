"""The ``utilities`` plugin: registers the domain's environments with envfactory."""

from __future__ import annotations

from typing import Any

from envfactory_core import hookimpl

from . import ENVIRONMENTS


@hookimpl
def register_environments(register: Any) -> None:
    for environment in ENVIRONMENTS:
        register(environment)
