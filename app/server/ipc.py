"""Messages between the server and its query workers over a socket pair.

A message is a JSON header (the job, or the reply's status and metadata) and a
byte payload (an uploaded graph, or the serialized results), each length-
prefixed. JSON keeps the worker protocol readable; payloads are not encoded,
so large results cost no copy beyond the socket.

The server side reads with asyncio streams (never blocking the event loop);
the worker side is plain blocking sockets, since a worker does one thing at a
time.
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
from typing import Any

_HEAD = struct.Struct(">IQ")  # header length, payload length
_ONE_WRITE = 4 * 1024 * 1024  # below this, copying is cheaper than a second syscall

Header = dict[str, Any]


def encode(header: Header, payload: bytes = b"") -> list[bytes]:
    """The frames of one message, ready for ``writelines``."""
    head = json.dumps(header, separators=(",", ":")).encode("utf-8")
    return [_HEAD.pack(len(head), len(payload)), head, payload]


async def send_async(writer: asyncio.StreamWriter, header: Header, payload: bytes = b"") -> None:
    writer.writelines(encode(header, payload))
    await writer.drain()


async def recv_async(reader: asyncio.StreamReader) -> tuple[Header, bytes]:
    """One message; raises ``asyncio.IncompleteReadError`` if the worker died."""
    head_len, payload_len = _HEAD.unpack(await reader.readexactly(_HEAD.size))
    header = json.loads(await reader.readexactly(head_len))
    payload = await reader.readexactly(payload_len) if payload_len else b""
    return header, payload


def send_sync(sock: socket.socket, header: Header, payload: bytes = b"") -> None:
    """One message; one write when small, so that the reader wakes up once."""
    prefix, head, _ = encode(header, payload)
    if len(payload) <= _ONE_WRITE:
        sock.sendall(b"".join((prefix, head, payload)))
    else:
        sock.sendall(prefix + head)
        sock.sendall(payload)


def _read_exactly(sock: socket.socket, size: int) -> bytes | None:
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        n = sock.recv_into(view[got:], size - got)
        if n == 0:
            return None
        got += n
    return bytes(buffer)


def recv_sync(sock: socket.socket) -> tuple[Header, bytes] | None:
    """One message, or ``None`` when the server closed the socket."""
    head = _read_exactly(sock, _HEAD.size)
    if head is None:
        return None
    head_len, payload_len = _HEAD.unpack(head)
    raw = _read_exactly(sock, head_len)
    payload = _read_exactly(sock, payload_len) if payload_len else b""
    if raw is None or payload is None:
        return None
    return json.loads(raw), payload
