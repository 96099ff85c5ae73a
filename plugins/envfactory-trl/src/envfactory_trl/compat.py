"""The trl versions this adapter supports, checked before training starts.

TRL's ``environment_factory`` is still marked experimental. The parts used here (a dict factory
with an ``environment`` column, ``reset(**row)``, public methods as tools, ``environments`` passed
to reward functions, ``log_metric``/``log_extra``) read the same from trl 1.10 to 1.16; the
adapter's tests run against 1.16.0. A version outside the range fails here, with the fix, rather
than deep inside a training step.
"""

from __future__ import annotations

import importlib.metadata

from envfactory_core.errors import EnvFactoryError, MissingDependencyError

__all__ = ["SUPPORTED_TRANSFORMERS", "SUPPORTED_TRL", "TESTED_TRL", "UnsupportedTrainerError", "check_trl"]

SUPPORTED_TRL = ">=1.10,<1.17"
TESTED_TRL = "1.16.0"
SUPPORTED_TRANSFORMERS = ">=5.2"
"""TRL refuses ``environment_factory`` on older transformers."""

INSTALL = 'pip install "envfactory-trl[trl]"'


class UnsupportedTrainerError(EnvFactoryError, ImportError):
    """The installed trainer package is outside the range this adapter supports."""


def _installed(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def check_trl() -> str:
    """The installed trl version; raises when trl or transformers is missing or unsupported."""
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    found = _installed("trl")
    if found is None:
        raise MissingDependencyError("trl", INSTALL, "training with TRL")
    if Version(found) not in SpecifierSet(SUPPORTED_TRL, prereleases=True):
        raise UnsupportedTrainerError(
            f"envfactory-trl supports trl{SUPPORTED_TRL} (tested with {TESTED_TRL}), but trl {found} is installed; "
            f"its environment_factory API is experimental and changes between releases. "
            f'Install a supported version: pip install "trl{SUPPORTED_TRL}"'
        )
    transformers = _installed("transformers")
    if transformers is None or Version(transformers) not in SpecifierSet(SUPPORTED_TRANSFORMERS, prereleases=True):
        raise UnsupportedTrainerError(
            f"TRL's environment_factory needs transformers{SUPPORTED_TRANSFORMERS}, but "
            f"{'none' if transformers is None else transformers} is installed; "
            f'install one: pip install "transformers{SUPPORTED_TRANSFORMERS}"'
        )
    return found
