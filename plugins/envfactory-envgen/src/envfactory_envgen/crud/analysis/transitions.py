"""State transitions: an action verb that moves an item to a state (``cancel`` sets ``status`` to ``CANCELLED``).

An action on an item that takes no stored fields still has a stored effect when the item has a
state column and the verb names a state of it. Only a state the schema allows is set: with an enum,
a value of the enum that the verb names (``CANCELLED``/``canceled``); without one, the verb's past
participle.
"""

from __future__ import annotations

from envfactory_core.ids import JsonValue
from envfactory_core.naming import snake

from ..plan import TablePlan

__all__ = ["STATE_COLUMNS", "STATES", "transition"]

STATE_COLUMNS = ("status", "state", "lifecycle_state", "lifecycle_status", "phase", "current_state")
STATES: dict[str, tuple[str, ...]] = {
    "cancel": ("cancelled", "canceled", "cancelling", "canceling"),
    "start": ("running", "started", "active", "starting", "in_progress"),
    "stop": ("stopped", "stopping", "inactive"),
    "enable": ("enabled", "active"),
    "disable": ("disabled", "inactive"),
    "activate": ("active", "activated", "enabled"),
    "deactivate": ("inactive", "deactivated", "disabled"),
    "archive": ("archived",),
    "unarchive": ("active", "unarchived"),
    "approve": ("approved", "accepted"),
    "accept": ("accepted", "approved"),
    "reject": ("rejected", "declined"),
    "decline": ("declined", "rejected"),
    "publish": ("published", "live"),
    "unpublish": ("unpublished", "draft"),
    "pause": ("paused", "suspended"),
    "resume": ("running", "active", "resumed"),
    "suspend": ("suspended", "paused"),
    "close": ("closed",),
    "open": ("open", "opened"),
    "reopen": ("open", "reopened"),
    "lock": ("locked",),
    "unlock": ("unlocked", "active"),
    "complete": ("completed", "complete", "done", "finished"),
    "finish": ("finished", "completed", "done"),
    "terminate": ("terminated", "terminating"),
    "restore": ("active", "restored", "available"),
    "revoke": ("revoked",),
    "confirm": ("confirmed",),
    "submit": ("submitted", "pending"),
    "verify": ("verified",),
    "expire": ("expired",),
    "fail": ("failed",),
    "retry": ("pending", "queued", "retrying"),
    "reboot": ("rebooting", "running"),
}


def transition(table: TablePlan, action: str) -> tuple[str, JsonValue] | None:
    """``(column, value)`` the action ``action`` (a path word or operation id) sets, or None."""
    verb = snake(action).split("_")[0]
    states = STATES.get(verb)
    if not states:
        return None
    for name in STATE_COLUMNS:
        if name not in table.column_names:
            continue
        column = table.column(name)
        schema = column.schema
        enum = schema.get("enum")
        if isinstance(enum, list) and enum:
            by_word = {snake(str(value)).replace("_", ""): value for value in enum if isinstance(value, str)}
            for state in states:
                if state.replace("_", "") in by_word:
                    return name, by_word[state.replace("_", "")]
            return None
        if column.type == "text" and "pattern" not in schema and "format" not in schema:
            return name, states[0]
    return None
