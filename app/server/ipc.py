"""Messages between the server and its query workers over a socket pair.

Every message is a dataclass with an explicit ``kind``: the server sends a
job (``QueryJob``, ``GraphReadJob``, ``NamedGraphsJob``, ``CloseJob``), the
worker answers with one reply (``Answer``, ``GraphNames``, ``Closed``) or a ``Failure`` whose
``reason`` says what went wrong — no status codes guessed from dicts, no error
messages parsed. Formats travel as media types, resolved on the worker side by
pyoxigraph's ``from_media_type``.

Writes are not worker jobs: the server applies them itself with every
worker's store closed (``writes.py``). On the wire a message is a JSON header
(the dataclass's fields) and a byte payload (the serialized results), each length-prefixed.
Payloads are not encoded, so large results cost no copy beyond the socket.
The server side reads with asyncio streams (never blocking the event loop);
the worker side is plain blocking sockets, since a worker does one thing at a
time.

>>> decode(json.loads(json.dumps(header(Failure("syntax", "x")))))
Failure(reason='syntax', message='x', form=None, kind='failure')
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import socket
import struct
from dataclasses import dataclass, field
from typing import Any, Literal

_HEAD = struct.Struct(">IQ")  # header length, payload length
_ONE_WRITE = 4 * 1024 * 1024  # below this, copying is cheaper than a second syscall


# --- jobs (server → worker) -------------------------------------------------


@dataclass(frozen=True)
class QueryJob:
    """A SPARQL query; one target format per result form (``None``: not acceptable)."""

    query: str
    max_rows: int
    base_iri: str | None = None
    default_graphs: list[str] | None = None  # protocol dataset, when given
    named_graphs: list[str] | None = None
    union: bool = False  # default graph = union of the named graphs
    results_format: str | None = None  # media type, QueryResultsFormat.from_media_type
    boolean_format: str | None = None
    graph_format: str | None = None  # media type, RdfFormat.from_media_type
    kind: Literal["query"] = field(default="query", init=False)


@dataclass(frozen=True)
class GraphReadJob:
    """Graph Store GET/HEAD; ``graph`` ``None`` is the store's default graph."""

    graph: str | None
    format: str  # media type
    head: bool = False
    kind: Literal["graph_read"] = field(default="graph_read", init=False)


@dataclass(frozen=True)
class NamedGraphsJob:
    kind: Literal["named_graphs"] = field(default="named_graphs", init=False)


@dataclass(frozen=True)
class CloseJob:
    """Close the read-only store: a write is about to happen."""

    kind: Literal["close"] = field(default="close", init=False)


@dataclass(frozen=True)
class UpdateCheckJob:
    """An admin's SPARQL update, read by a worker before the server applies it: a text
    the parser cannot read without overflowing its stack (a chain of 20,000 « ! » or
    « UNION ») killed the server itself; it only costs a worker."""

    update: str
    base_iri: str | None = None
    kind: Literal["update_check"] = field(default="update_check", init=False)


Job = QueryJob | GraphReadJob | NamedGraphsJob | CloseJob | UpdateCheckJob


# --- replies (worker → server) ----------------------------------------------


@dataclass(frozen=True)
class Ready:
    pid: int
    isolated: bool
    allocator: str = "system"  # the malloc it runs with (allocator.in_this_process)
    kind: Literal["ready"] = field(default="ready", init=False)


@dataclass(frozen=True)
class Answer:
    """Serialized results (or a graph) in the payload."""

    media_type: str
    form: Literal["results", "boolean", "graph"] = "graph"
    rows: int | None = None
    truncated: bool = False
    query_ms: float | None = None
    kind: Literal["answer"] = field(default="answer", init=False)


@dataclass(frozen=True)
class GraphNames:
    graphs: list[str]
    kind: Literal["graph_names"] = field(default="graph_names", init=False)


@dataclass(frozen=True)
class Closed:
    kind: Literal["closed"] = field(default="closed", init=False)


FailureReason = Literal["syntax", "not_found", "not_acceptable", "memory", "internal"]


@dataclass(frozen=True)
class Failure:
    """The job could not be done; ``reason`` decides the HTTP status."""

    reason: FailureReason
    message: str
    form: str | None = None  # not_acceptable: "results", "boolean" or "graph"
    kind: Literal["failure"] = field(default="failure", init=False)


Reply = Answer | GraphNames | Closed | Failure | Ready
Message = Job | Reply

_KINDS: dict[str, type[Any]] = {
    str(cls.__dataclass_fields__["kind"].default): cls
    for cls in (
        QueryJob,
        GraphReadJob,
        NamedGraphsJob,
        CloseJob,
        UpdateCheckJob,
        Ready,
        Answer,
        GraphNames,
        Closed,
        Failure,
    )
}


def header(message: Message) -> dict[str, Any]:
    """The JSON-ready fields of a message, ``kind`` included (shallow: fields are
    strings, numbers and lists of strings; ``asdict`` deep-copies, ≈ 0.3 ms a job)."""
    return {f.name: getattr(message, f.name) for f in dataclasses.fields(message)}


def decode(data: dict[str, Any]) -> Any:
    """The message a header describes; ``ValueError`` for an unknown kind."""
    fields = dict(data)
    cls = _KINDS.get(str(fields.pop("kind", "")))
    if cls is None:
        raise ValueError(f"unknown message kind {data.get('kind')!r}")
    return cls(**fields)


def encode(message: Message, payload: bytes = b"") -> list[bytes]:
    """The frames of one message, ready for ``writelines``."""
    head = json.dumps(header(message), separators=(",", ":")).encode("utf-8")
    return [_HEAD.pack(len(head), len(payload)), head, payload]


async def send_async(writer: asyncio.StreamWriter, message: Message, payload: bytes = b"") -> None:
    """One message; one write (one wake-up of the reader) unless the payload is large."""
    frames = encode(message, payload)
    if len(payload) <= _ONE_WRITE:
        writer.write(b"".join(frames))
    else:
        writer.writelines(frames)
    await writer.drain()


async def recv_async(reader: asyncio.StreamReader) -> tuple[Any, bytes]:
    """One message; raises ``asyncio.IncompleteReadError`` if the worker died."""
    head_len, payload_len = _HEAD.unpack(await reader.readexactly(_HEAD.size))
    message = decode(json.loads(await reader.readexactly(head_len)))
    payload = await reader.readexactly(payload_len) if payload_len else b""
    return message, payload


def send_sync(sock: socket.socket, message: Message, payload: bytes = b"") -> None:
    """One message; one write when small, so that the reader wakes up once."""
    prefix, head, _ = encode(message, payload)
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


def recv_sync(sock: socket.socket) -> tuple[Any, bytes] | None:
    """One message, or ``None`` when the server closed the socket."""
    head = _read_exactly(sock, _HEAD.size)
    if head is None:
        return None
    head_len, payload_len = _HEAD.unpack(head)
    raw = _read_exactly(sock, head_len)
    payload = _read_exactly(sock, payload_len) if payload_len else b""
    if raw is None or payload is None:
        return None
    return decode(json.loads(raw)), payload
