"""The sandbox for untrusted environment code: an AST policy, confined worker processes, the episode API.

``SandboxedEnvironment(source)`` checks the code (:mod:`.policy`), then runs it only in workers
forked from a clean fork server (:mod:`.zygote`), each confined (:mod:`.confine`): no network, an
unprivileged user, a temporary working directory, limits on memory, CPU time, file size and
processes, a wall-clock limit per call.
"""

from .host import SandboxedEnvironment, SandboxedEpisode, SandboxTemplate
from .limits import SandboxLimits
from .policy import ALLOWED_MODULES, check_source, enforce
from .server import ForkServer

__all__ = [
    "ALLOWED_MODULES",
    "ForkServer",
    "SandboxLimits",
    "SandboxTemplate",
    "SandboxedEnvironment",
    "SandboxedEpisode",
    "check_source",
    "enforce",
]
