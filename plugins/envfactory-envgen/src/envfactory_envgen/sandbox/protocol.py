"""Messages between the host, the fork server and the workers: length-prefixed JSON, never pickle.

A worker runs untrusted code, so nothing it sends may run code in the host or exhaust it: messages
are JSON objects, read with a size cap checked on the length prefix (before any byte is buffered),
parsed with a nesting cap and refused as a :class:`ProtocolViolation` otherwise.
"""

from __future__ import annotations

import json
import socket
import struct
from typing import Any

__all__ = ["MAX_DEPTH", "MAX_MESSAGE", "ChannelClosed", "ProtocolViolation", "depth_over", "receive", "send"]

MAX_MESSAGE = 256 * 1024 * 1024
MAX_DEPTH = 64
"""How deeply a message may nest; states and results of real environments stay far below it."""
_HEADER = struct.Struct(">I")


class ChannelClosed(EOFError):
    """The other side closed the channel (or died)."""


class ProtocolViolation(ValueError):
    """A message broke the protocol: too big, too deep, not JSON, not an object."""


def send(channel: socket.socket, message: dict[str, Any]) -> None:
    data = json.dumps(message, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
    channel.sendall(_HEADER.pack(len(data)) + data)


def _exactly(channel: socket.socket, size: int) -> bytes:
    chunks: list[bytes] = []
    remaining = size
    while remaining:
        chunk = channel.recv(min(remaining, 1 << 20))
        if not chunk:
            raise ChannelClosed("the channel closed")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def depth_over(value: object, limit: int) -> bool:
    """Whether ``value`` nests deeper than ``limit`` (iterative: safe on any input)."""
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth >= limit:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


def receive(channel: socket.socket, *, max_bytes: int = MAX_MESSAGE, max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    (size,) = _HEADER.unpack(_exactly(channel, _HEADER.size))
    if size > max_bytes:
        raise ProtocolViolation(f"a message of {size} bytes is over the {max_bytes} byte limit")
    data = _exactly(channel, size)
    try:
        value = json.loads(data.decode("utf-8"), parse_constant=_no_constant)
    except (RecursionError, ValueError) as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ProtocolViolation(f"a message is not readable JSON: {type(error).__name__}: {str(error)[:200]}") from None
    if not isinstance(value, dict):
        raise ProtocolViolation(f"a message must be a JSON object, got {type(value).__name__}")
    if depth_over(value, max_depth):
        raise ProtocolViolation(f"a message nests deeper than {max_depth} levels")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
