"""The office domain's plugin: registers its environments with EnvFactory."""

from __future__ import annotations

from envfactory_core import hookimpl
from envfactory_core.hookspecs import Register

from . import ENVIRONMENTS


@hookimpl
def register_environments(register: Register) -> None:
    for environment in ENVIRONMENTS:
        register(environment)
