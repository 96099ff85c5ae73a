"""Tests that need something from the machine: skip on a developer's machine, fail in CI.

A test that needs a system program (``bwrap``, ``chromium``, ``node``) or an optional module calls
:func:`require_program` or :func:`require_module`. Where it is missing, the test is skipped with the
reason, unless ``ENVFACTORY_CI`` is set (``.ci/run`` sets it and installs everything the suite
needs), in which case the test fails: in CI nothing the suite exercises may skip quietly.
"""

from __future__ import annotations

import importlib
import os
import shutil
from types import ModuleType

import pytest

CI_VARIABLE = "ENVFACTORY_CI"


def in_ci() -> bool:
    """Whether this run is CI (``ENVFACTORY_CI`` set to anything but empty or ``0``)."""
    return os.environ.get(CI_VARIABLE, "") not in ("", "0")


def missing(reason: str) -> None:
    """Skip the test with ``reason``, or fail it in CI."""
    if in_ci():
        pytest.fail(f"{reason} ({CI_VARIABLE} is set: CI installs it, see .ci/setup.d/)", pytrace=False)
    pytest.skip(reason)


def require_program(name: str, hint: str) -> str:
    """The path of program ``name``; where it is not on PATH, skip (or fail in CI) naming ``hint``."""
    path = shutil.which(name)
    if path is None:
        missing(f"{name} is not installed: {hint}")
        raise AssertionError("unreachable")  # pragma: no cover - missing() always raises
    return path


def require_module(name: str, hint: str) -> ModuleType:
    """Module ``name`` imported; where it cannot be imported, skip (or fail in CI) naming ``hint``."""
    try:
        return importlib.import_module(name)
    except ImportError as error:
        missing(f"{name} cannot be imported ({error}): {hint}")
        raise AssertionError("unreachable") from error  # pragma: no cover
