"""Which OS isolation the fork server runs under, and the bubblewrap command that gives it.

The fork server runs inside ``bwrap`` (bubblewrap, the unprivileged-sandbox tool of Flatpak):

* a new mount namespace whose root is read-only and holds only ``/usr`` (the C libraries), the
  interpreter's prefix (the standard library), the virtual environment and the folders holding the
  project's packages, and of ``/etc`` only the loader's cache, so ``/etc/passwd``, ``/home``, ``/root``,
  the project's other files and the host's sockets are simply not there; ``/proc`` of its own and a
  minimal ``/dev``;
* new PID, network (no interfaces), IPC, UTS and cgroup namespaces;
* only the capabilities the fork server needs to confine each worker (mount a private ``/tmp``,
  switch to the worker's uid, kill its workers); a worker keeps none of them.

Each worker then confines itself further (:func:`.confine.confine_os`): its own uid, a size-capped
tmpfs, rlimits and a seccomp filter. That needs a root host (to give every worker a uid of its own)
and bubblewrap and libseccomp. Where one is missing, :func:`os_isolation` raises
:class:`SandboxUnavailable` naming what to install, and no untrusted code runs. Setting
``ENVFACTORY_SANDBOX_UNSAFE_NO_OS_ISOLATION=1`` runs workers without OS isolation anyway (rlimits
and the AST policy only), with a warning on every start.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import warnings

from ..errors import SandboxError
from .syscalls import seccomp_available

__all__ = [
    "UNSAFE_OPT_OUT",
    "SandboxUnavailable",
    "UnsafeSandboxWarning",
    "bwrap_command",
    "os_isolation",
    "sandbox_path",
]

UNSAFE_OPT_OUT = "ENVFACTORY_SANDBOX_UNSAFE_NO_OS_ISOLATION"
"""Set to ``1`` to run untrusted code without OS isolation (you accept that it may escape)."""

_CAPABILITIES = ("CAP_SYS_ADMIN", "CAP_SETUID", "CAP_SETGID", "CAP_KILL")


class SandboxUnavailable(SandboxError):
    """The OS isolation the sandbox needs is missing here; untrusted code does not run."""


class UnsafeSandboxWarning(UserWarning):
    """Untrusted code runs without OS isolation because the unsafe opt-out is set."""


def os_isolation() -> str:
    """``"bubblewrap"``, or ``"none"`` under the opt-out; raises :class:`SandboxUnavailable` otherwise."""
    if os.environ.get(UNSAFE_OPT_OUT, "") not in ("", "0"):
        warnings.warn(
            f"{UNSAFE_OPT_OUT} is set: generated code runs WITHOUT OS isolation (no mount, PID or syscall "
            "isolation; a policy bypass reaches this machine)",
            UnsafeSandboxWarning,
            stacklevel=3,
        )
        return "none"
    missing = []
    if not sys.platform.startswith("linux"):
        missing.append(f"Linux (this is {sys.platform})")
    if shutil.which("bwrap") is None:
        missing.append("bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap)")
    problem = seccomp_available()
    if problem:
        missing.append(problem)
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        missing.append("root: every worker gets a uid of its own, which needs the privilege to switch uid")
    if missing:
        raise SandboxUnavailable(
            "untrusted environment code runs only in the OS sandbox, and it needs: "
            + "; ".join(missing)
            + f". To run it anyway without OS isolation, set {UNSAFE_OPT_OUT}=1 (unsafe: a policy bypass then "
            "reaches this machine), or build with --trusted for reviewed code"
        )
    return "bubblewrap"


_PACKAGES = ("envfactory_core", "envfactory_envgen")
"""The project's packages a worker imports; found wherever they are installed (editable or not)."""


def _readable_roots() -> list[str]:
    """Folders the fork server needs: the interpreter's prefixes and where the project's packages live.

    Not every folder on ``sys.path``: a test runner or ``python -c`` puts the working directory there,
    which would bind a whole checkout (its tests, its ``.git``) into the sandbox.
    """
    roots = {os.path.realpath(path) for path in (sys.base_prefix, sys.prefix, sys.exec_prefix)}
    for name in _PACKAGES:
        spec = importlib.util.find_spec(name)
        for location in (spec.submodule_search_locations or []) if spec else []:
            roots.add(os.path.dirname(os.path.realpath(location)))
    kept: list[str] = []
    for root in sorted(roots, key=len):
        if root in ("/", "/usr") or root.startswith("/usr/"):
            continue
        if not any(root == other or root.startswith(other + os.sep) for other in kept):
            kept.append(root)
    return kept


def sandbox_path() -> list[str]:
    """The ``sys.path`` entries that exist inside the sandbox (its ``PYTHONPATH``)."""
    roots = ["/usr", *_readable_roots()]
    return [
        entry
        for entry in sys.path
        if entry
        and any(os.path.realpath(entry) == root or os.path.realpath(entry).startswith(root + os.sep) for root in roots)
    ]


def bwrap_command(python: str) -> list[str]:
    """``bwrap ... -- python`` for the fork server (its arguments follow)."""
    command = [
        shutil.which("bwrap") or "bwrap",
        # no --die-with-parent: it is tied to the thread that started bwrap, and a pipeline may start the
        # fork server from a worker thread that ends; the fork server ends when its socket to the host
        # closes, which happens however the host ends, and takes its workers with it
        "--new-session",
        "--unshare-pid",
        "--unshare-net",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--hostname",
        "sandbox",
        "--ro-bind",
        "/usr",
        "/usr",
    ]
    for link in ("bin", "lib", "lib64", "sbin"):
        target = os.path.join("/", link)
        if os.path.islink(target):
            command += ["--symlink", os.readlink(target), target]
        elif os.path.isdir(target):
            command += ["--ro-bind", target, target]
    made: set[str] = set()
    for root in _readable_roots():
        # the folders above a bound one are made here, open to every uid (on the host /root is 0700)
        parents = [os.path.dirname(root)]
        while parents[-1] not in ("/", ""):
            parents.append(os.path.dirname(parents[-1]))
        for parent in reversed(parents[:-1]):
            if parent not in made:
                made.add(parent)
                command += ["--perms", "0755", "--dir", parent]
        command += ["--ro-bind", root, root]
    if os.path.exists("/etc/ld.so.cache"):  # the loader's index of /usr/lib: how libseccomp and libsqlite3 are found
        command += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    command += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--remount-ro", "/", "--chdir", "/"]
    for capability in _CAPABILITIES:
        command += ["--cap-add", capability]
    return [*command, "--", python]
