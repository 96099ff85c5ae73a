"""Messages between the host, the fork server and the workers: length-prefixed JSON, never pickle.

A worker runs untrusted code, so nothing it sends may be able to run code in the host: messages
are JSON objects, read with a size cap.
"""

from __future__ import annotations

import json
import socket
import struct
from typing import Any

__all__ = ["MAX_MESSAGE", "ChannelClosed", "receive", "send"]

MAX_MESSAGE = 256 * 1024 * 1024
_HEADER = struct.Struct(">I")


class ChannelClosed(EOFError):
    """The other side closed the channel (or died)."""


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


def receive(channel: socket.socket) -> dict[str, Any]:
    (size,) = _HEADER.unpack(_exactly(channel, _HEADER.size))
    if size > MAX_MESSAGE:
        raise ValueError(f"a message of {size} bytes is over the {MAX_MESSAGE} byte limit")
    value = json.loads(_exactly(channel, size).decode("utf-8"))
    if not isinstance(value, dict):
        raise ValueError("a message must be a JSON object")
    return value
