"""The supported verl range: another version or none fails with the fix."""

from __future__ import annotations

import importlib.metadata

import pytest
from envfactory_verl import compat

from envfactory_core.errors import MissingDependencyError


def _version(found: str | None):
    def version(package: str) -> str:
        if package == "verl":
            if found is None:
                raise importlib.metadata.PackageNotFoundError(package)
            return found
        return importlib.metadata.version(package)

    return version


@pytest.mark.parametrize("found", ["0.7.1", "0.10.0", "1.0.0"])
def test_versions_outside_the_range_fail_with_the_fix(monkeypatch, found) -> None:
    monkeypatch.setattr(compat.importlib.metadata, "version", _version(found))
    with pytest.raises(compat.UnsupportedTrainerError) as error:
        compat.check_verl()
    assert found in str(error.value)
    assert 'pip install "verl>=0.8,<0.10"' in str(error.value)


@pytest.mark.parametrize("found", ["0.8.0", "0.9.0", "0.9.1"])
def test_versions_in_the_range_pass(monkeypatch, found) -> None:
    monkeypatch.setattr(compat.importlib.metadata, "version", _version(found))
    assert compat.check_verl() == found


def test_missing_verl_names_the_install_command(monkeypatch) -> None:
    monkeypatch.setattr(compat.importlib.metadata, "version", _version(None))
    with pytest.raises(MissingDependencyError, match=r"envfactory-verl\[verl\]"):
        compat.check_verl()
