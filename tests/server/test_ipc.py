"""The framing between the server and its workers: typed messages arrive whole, in order,
and as the dataclasses they were sent as."""

from __future__ import annotations

import asyncio
import socket
import threading

from app.server import ipc

PAYLOADS = [b"", b"x", b"ab" * 40_000, bytes(range(256)) * 20_000]  # up to 5 MB


def test_worker_to_server_messages() -> None:
    worker_end, server_end = socket.socketpair()

    def worker() -> None:
        for i, payload in enumerate(PAYLOADS):
            ipc.send_sync(worker_end, ipc.Answer(f"text/é{i}", rows=i), payload)

    thread = threading.Thread(target=worker)
    thread.start()

    async def server() -> list[tuple[dict, bytes]]:
        reader, writer = await asyncio.open_unix_connection(sock=server_end)
        got = [await ipc.recv_async(reader) for _ in PAYLOADS]
        writer.close()
        return got

    got = asyncio.run(server())
    thread.join()
    assert [h for h, _ in got] == [ipc.Answer(f"text/é{i}", rows=i) for i in range(len(PAYLOADS))]
    assert [p for _, p in got] == PAYLOADS
    worker_end.close()


def test_server_to_worker_messages_and_close() -> None:
    worker_end, server_end = socket.socketpair()

    async def server() -> None:
        reader, writer = await asyncio.open_unix_connection(sock=server_end)
        for i, payload in enumerate(PAYLOADS):
            await ipc.send_async(writer, ipc.QueryJob(f"ASK {{}} # {i}", max_rows=i), payload)
        writer.close()
        await writer.wait_closed()

    received = []

    def worker() -> None:
        while (message := ipc.recv_sync(worker_end)) is not None:
            received.append(message)

    thread = threading.Thread(target=worker)
    thread.start()
    asyncio.run(server())
    thread.join(timeout=10)
    assert [h.max_rows for h, _ in received] == list(range(len(PAYLOADS)))
    assert all(isinstance(h, ipc.QueryJob) for h, _ in received)
    assert [p for _, p in received] == PAYLOADS


def test_every_kind_round_trips_and_unknown_kinds_are_refused() -> None:
    messages = [
        ipc.QueryJob("ASK {}", 10, results_format="application/sparql-results+json"),
        ipc.GraphReadJob(None, "text/turtle", head=True),
        ipc.NamedGraphsJob(),
        ipc.CloseJob(),
        ipc.Ready(1, False),
        ipc.Answer("text/csv", form="results", rows=2, truncated=True, query_ms=1.5),
        ipc.GraphNames(["http://ex.org/g"]),
        ipc.Closed(),
        ipc.Failure("memory", "trop"),
    ]
    for message in messages:
        assert ipc.decode(ipc.header(message)) == message
    try:
        ipc.decode({"kind": "shell", "command": "rm"})
    except ValueError as exc:
        assert "shell" in str(exc)
    else:
        raise AssertionError("an unknown kind was decoded")
