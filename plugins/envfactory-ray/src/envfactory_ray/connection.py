"""Connecting to Ray: a cluster at an address, or a local instance started for the run.

Which Ray a run uses is decided here, once, from (first match wins):

1. the executor's ``address`` option (a pipeline's executor options);
2. ``RAY_ADDRESS`` in the environment, which ``envfactory run --ray-address`` sets;
3. nothing: a local Ray instance sized to this machine is started for the run and shut down at
   its end.

``auto`` connects to the Ray cluster already running on this machine (``ray start --head``) and
falls back to a local instance when there is none; any other value (``HOST:6379``,
``ray://HOST:10001``) must answer within five seconds or the run stops with an error naming the
address (``ray.init`` alone would keep retrying for minutes).

A local instance has no dashboard, keeps Ray's own logs at error level and does not forward
worker output to the terminal, so a run's progress bars stay readable. Ray's usage statistics
reporting is switched off unless the user set ``RAY_USAGE_STATS_ENABLED`` (runs are offline).
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Any

import attrs

from .errors import RayExecutorError

__all__ = ["RayConnection", "connect", "import_ray", "resolve_address"]

log = logging.getLogger("envfactory.ray")

ADDRESS_VARIABLE = "RAY_ADDRESS"


def import_ray() -> Any:
    """The ``ray`` module, or an error with the install command."""
    try:
        import ray
    except ImportError as error:  # pragma: no cover - ray is a dependency of this package
        from envfactory_core.errors import MissingDependencyError

        raise MissingDependencyError("ray", "pip install 'ray>=2.40,<3'", "the Ray executor") from error
    return ray


def resolve_address(option: str = "") -> str:
    """The address to use: the option, else ``RAY_ADDRESS``, else ``""`` (a local instance)."""
    return (option or os.environ.get(ADDRESS_VARIABLE, "")).strip()


@attrs.frozen(kw_only=True)
class RayConnection:
    """Which Ray this process talks to, and whether this process must shut it down."""

    address: str
    """``local`` for an instance started here, else the address connected to."""
    initialized_here: bool
    """True when this process called ``ray.init`` for the run: ``close`` then calls ``ray.shutdown``,
    which stops a local instance and only disconnects from a cluster."""
    cpus: float
    """The CPUs the cluster offers (all nodes), to warn when workers ask for more."""

    def close(self) -> None:
        if self.initialized_here:
            ray = import_ray()
            if ray.is_initialized():
                ray.shutdown()


def _quiet_options() -> dict[str, Any]:
    return {"logging_level": logging.ERROR, "log_to_driver": False}


def _route_ray_errors_to_stderr(ray: Any) -> None:
    """Ray's driver prints cluster error messages ("a worker died ...") on **stdout**, which would
    break ``--json`` output; send them to this plugin's logger (stderr) instead.

    This replaces one function of Ray's private driver module, so it is guarded: if a Ray release
    renames it, messages go back to stdout and nothing else changes.
    """
    module = getattr(getattr(ray, "_private", None), "worker", None)
    original = getattr(module, "print_to_stdstream", None)
    if module is None or original is None or getattr(original, "_envfactory_routed", False):
        return

    def print_to_stdstream(data: dict[str, Any], ignore_prefix: bool) -> None:
        if data.get("pid") == "raylet" and not data.get("is_err"):
            for line in data.get("lines", ()):
                log.warning("Ray: %s", line)
            return
        original(data, ignore_prefix)

    print_to_stdstream._envfactory_routed = True  # type: ignore[attr-defined]
    module.print_to_stdstream = print_to_stdstream


def _start_local(ray: Any) -> None:
    ray.init(
        address="local",
        num_cpus=os.cpu_count() or 1,
        include_dashboard=False,
        **_quiet_options(),
    )


def connect(address_option: str = "") -> RayConnection:
    """Connect to (or start) Ray for one run; reuses a Ray this process already initialized."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray = import_ray()
    _route_ray_errors_to_stderr(ray)
    if ray.is_initialized():
        # A caller (a notebook, a test session, a trainer) already owns Ray: use it, leave it running.
        return RayConnection(address="existing", initialized_here=False, cpus=_cluster_cpus(ray))
    address = resolve_address(address_option)
    if address == "auto":
        address = _running_cluster() or "local"
        if address == "local":
            log.info("no Ray cluster is running on this machine; starting a local Ray instance")
    if not address or address == "local":
        _start_local(ray)
        return RayConnection(address="local", initialized_here=True, cpus=_cluster_cpus(ray))
    _check_reachable(address)
    try:
        ray.init(address=address, **_quiet_options())
    except (ConnectionError, ValueError) as error:
        why = str(error)
        if type(error.__cause__).__name__ == "AuthenticationError":
            why = (
                "the cluster uses token authentication; set RAY_AUTH_MODE=token and make the cluster's token "
                "available to this machine (~/.ray/auth_token, RAY_AUTH_TOKEN or RAY_AUTH_TOKEN_PATH)"
            )
        raise RayExecutorError(_cannot_connect(address, why)) from error
    return RayConnection(address=address, initialized_here=True, cpus=_cluster_cpus(ray))


def _cannot_connect(address: str, why: str) -> str:
    return (
        f"cannot connect to the Ray cluster at {address!r} (--ray-address / RAY_ADDRESS): {why}; check that the "
        "cluster is up (`ray status` on its head node) and give HOST:PORT of its head node (port 6379 by default) "
        "or ray://HOST:10001, or leave --ray-address out to run on a local Ray instance"
    )


def _host_port(address: str) -> tuple[str, int]:
    """``HOST:PORT`` or ``ray://HOST:PORT`` → ``(HOST, PORT)``; a clear error for anything else."""
    rest = address.split("://", 1)[1] if "://" in address else address
    host, _, port = rest.rstrip("/").rpartition(":")
    if not host or not port.isdigit():
        raise RayExecutorError(_cannot_connect(address, "it is not HOST:PORT"))
    return host.strip("[]"), int(port)


def _check_reachable(address: str, timeout: float = 5.0) -> None:
    """Fail fast: ``ray.init`` keeps retrying an address nobody listens on for minutes."""
    host, port = _host_port(address)
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as error:
        raise RayExecutorError(_cannot_connect(address, f"nothing answers on {host}:{port} ({error})")) from error


def _running_cluster() -> str:
    """The address of the Ray cluster started on this machine (``ray start``), or "" when none answers."""
    try:
        from ray._private.services import canonicalize_bootstrap_address
    except ImportError:  # pragma: no cover - Ray moved it: let ray.init find the cluster itself
        return "auto"
    saved = os.environ.pop(ADDRESS_VARIABLE, None)  # look on this machine, not at RAY_ADDRESS
    try:
        found = canonicalize_bootstrap_address("auto")
    except (ConnectionError, ValueError):
        return ""
    finally:
        if saved is not None:
            os.environ[ADDRESS_VARIABLE] = saved
    if not found:
        return ""
    try:
        _check_reachable(found)
    except RayExecutorError:
        return ""  # a stale record of a cluster that has stopped
    return str(found)


def _cluster_cpus(ray: Any) -> float:
    return float(ray.cluster_resources().get("CPU", 0.0))
