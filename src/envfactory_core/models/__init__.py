"""The records every stage exchanges: ``attrs`` frozen, keyword-only, validated on construction.

Turn them to and from JSON with :mod:`envfactory_core.serialize`.
"""

from .calls import FailureKind, ToolCall, ToolFailure, ToolResult, qualified_name, split_qualified_name
from .chains import Binding, ToolChain
from .resources import Resource
from .specs import ColumnSpec, ColumnType, Effect, EnvironmentSpec, Provenance, StateSchema, TableSpec, ToolSpec
from .state import ChangeKind, RowChange, StateDiff
from .tasks import ArgumentSource, GoldCall, Task, TaskKind, Turn
from .trajectories import Message, MessageToolCall, RewardResult, Role, Step, Trajectory
from .verification import Check, VerificationReport

__all__ = [
    "ArgumentSource",
    "Binding",
    "Check",
    "ColumnSpec",
    "ColumnType",
    "Effect",
    "EnvironmentSpec",
    "FailureKind",
    "GoldCall",
    "Message",
    "MessageToolCall",
    "Provenance",
    "Resource",
    "RewardResult",
    "Role",
    "RowChange",
    "ChangeKind",
    "StateDiff",
    "StateSchema",
    "Step",
    "TableSpec",
    "Task",
    "TaskKind",
    "ToolCall",
    "ToolChain",
    "ToolFailure",
    "ToolResult",
    "ToolSpec",
    "Trajectory",
    "Turn",
    "VerificationReport",
    "qualified_name",
    "split_qualified_name",
]

RECORD_TYPES = (
    Binding,
    Check,
    ColumnSpec,
    EnvironmentSpec,
    GoldCall,
    Message,
    MessageToolCall,
    Provenance,
    Resource,
    RewardResult,
    RowChange,
    StateDiff,
    StateSchema,
    Step,
    TableSpec,
    Task,
    ToolCall,
    ToolChain,
    ToolFailure,
    ToolResult,
    ToolSpec,
    Trajectory,
    Turn,
    VerificationReport,
)
"""Every record type; tests check that each round-trips through JSON."""
