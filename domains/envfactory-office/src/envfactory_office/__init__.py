"""EnvFactory's office domain: calendar, email, drive and tasks.

Each environment follows a real public API (see its ``description`` and ``provenance``). All four
belong to the same account owner, drawn from the world's shared people, so a colleague in the
calendar is a correspondent in the mailbox, a collaborator on a shared file and an assignee of a task.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from envfactory_core.plugins import lazy_environments

if TYPE_CHECKING:
    from envfactory_core.env import Environment

    from .calendar import environment as calendar
    from .drive import environment as drive
    from .email import environment as email
    from .tasks import environment as tasks

    ENVIRONMENTS: tuple[Environment, ...]

__all__ = ["ENVIRONMENTS", "calendar", "drive", "email", "plugin", "tasks"]

# Built when first asked for (not at import), so every command's start-up does not pay for them.
plugin, __getattr__ = lazy_environments(__name__, ("calendar", "email", "drive", "tasks"))
