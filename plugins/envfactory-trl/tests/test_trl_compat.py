"""The supported trl range: another version, or a transformers too old for environments, fails with the fix."""

from __future__ import annotations

import importlib.metadata

import pytest
from envfactory_trl import compat

from envfactory_core.errors import MissingDependencyError


def _versions(**found: str | None):
    def version(package: str) -> str:
        if package in found:
            value = found[package]
            if value is None:
                raise importlib.metadata.PackageNotFoundError(package)
            return value
        return importlib.metadata.version(package)

    return version


@pytest.mark.parametrize("found", ["0.29.1", "1.9.2", "1.17.0", "2.0.0"])
def test_trl_outside_the_range_fails_with_the_fix(monkeypatch, found) -> None:
    monkeypatch.setattr(compat.importlib.metadata, "version", _versions(trl=found, transformers="5.10.4"))
    with pytest.raises(compat.UnsupportedTrainerError) as error:
        compat.check_trl()
    assert found in str(error.value)
    assert 'pip install "trl>=1.10,<1.17"' in str(error.value)


@pytest.mark.parametrize("found", ["1.10.0", "1.13.0", "1.16.0"])
def test_trl_in_the_range_passes(monkeypatch, found) -> None:
    monkeypatch.setattr(compat.importlib.metadata, "version", _versions(trl=found, transformers="5.10.4"))
    assert compat.check_trl() == found


def test_old_transformers_fails(monkeypatch) -> None:
    monkeypatch.setattr(compat.importlib.metadata, "version", _versions(trl="1.16.0", transformers="4.57.6"))
    with pytest.raises(compat.UnsupportedTrainerError, match=r"transformers>=5\.2"):
        compat.check_trl()


def test_missing_trl_names_the_install_command(monkeypatch) -> None:
    monkeypatch.setattr(compat.importlib.metadata, "version", _versions(trl=None))
    with pytest.raises(MissingDependencyError, match=r"envfactory-trl\[trl\]"):
        compat.check_trl()
