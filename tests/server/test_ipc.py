"""The framing between the server and its workers: messages arrive whole and in order."""

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
            ipc.send_sync(worker_end, {"n": i, "é": "ü"}, payload)

    thread = threading.Thread(target=worker)
    thread.start()

    async def server() -> list[tuple[dict, bytes]]:
        reader, writer = await asyncio.open_unix_connection(sock=server_end)
        got = [await ipc.recv_async(reader) for _ in PAYLOADS]
        writer.close()
        return got

    got = asyncio.run(server())
    thread.join()
    assert [h["n"] for h, _ in got] == list(range(len(PAYLOADS)))
    assert [p for _, p in got] == PAYLOADS
    worker_end.close()


def test_server_to_worker_messages_and_close() -> None:
    worker_end, server_end = socket.socketpair()

    async def server() -> None:
        reader, writer = await asyncio.open_unix_connection(sock=server_end)
        for i, payload in enumerate(PAYLOADS):
            await ipc.send_async(writer, {"op": "job", "n": i}, payload)
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
    assert [h["n"] for h, _ in received] == list(range(len(PAYLOADS)))
    assert [p for _, p in received] == PAYLOADS
