"""The verl versions this adapter supports, checked when its classes are loaded.

The adapter uses verl's ``BaseTool`` (``create``/``execute``/``calc_reward``/``release``), the
``agent_data`` keyword ``ToolAgentLoop`` passes to ``execute`` (with ``request_id`` and
``extra_fields``), ``ToolAgentLoop`` itself, and ``AgentData.extra_fields`` reaching the reward
function's ``extra_info``. These read the same in verl 0.8.0, 0.9.0 and 0.9.1 (0.8 removed the MCP
tool type and interactions; the agent loop API is still marked alpha), and the tests run against
0.9.1. Another version fails here, with the fix, instead of mid-rollout.
"""

from __future__ import annotations

import importlib.metadata

from envfactory_core.errors import EnvFactoryError, MissingDependencyError

__all__ = ["SUPPORTED_VERL", "TESTED_VERL", "UnsupportedTrainerError", "check_verl"]

SUPPORTED_VERL = ">=0.8,<0.10"
TESTED_VERL = "0.9.1"
INSTALL = 'pip install "envfactory-verl[verl]"'


class UnsupportedTrainerError(EnvFactoryError, ImportError):
    """The installed trainer package is outside the range this adapter supports."""


def check_verl() -> str:
    """The installed verl version; raises when verl is missing or outside :data:`SUPPORTED_VERL`."""
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    try:
        found = importlib.metadata.version("verl")
    except importlib.metadata.PackageNotFoundError:
        raise MissingDependencyError("verl", INSTALL, "the verl tool class and agent loop") from None
    if Version(found) not in SpecifierSet(SUPPORTED_VERL, prereleases=True):
        raise UnsupportedTrainerError(
            f"envfactory-verl supports verl{SUPPORTED_VERL} (tested with {TESTED_VERL}), but verl {found} is "
            "installed; verl's tool and agent-loop APIs change between minor releases. "
            f'Install a supported version: pip install "verl{SUPPORTED_VERL}"'
        )
    return found
