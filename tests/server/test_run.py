"""``cvkg serve`` without --data: builds the graph if needed and serves it."""

from __future__ import annotations

from pathlib import Path

import httpx

from app.server.live import live_server
from app.server.store import read_meta

CONTRACTS = "PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#> SELECT (COUNT(*) AS ?n) { ?c a cdv:Contrat }"


def test_serve_builds_then_reuses_the_store(tmp_path: Path) -> None:
    env = {"CVKG_BUILD_DIR": str(tmp_path / "build"), "CVKG_STORE_DIR": str(tmp_path / "store")}
    # This start builds the whole graph from scratch before serving: give it the
    # build's time on a loaded CI machine, not only a server's start.
    with live_server(None, tmp_path / "first.log", env=env, startup_timeout=240) as server:
        response = httpx.get(server.sparql, params={"query": CONTRACTS}, timeout=30)
        assert int(response.json()["results"]["bindings"][0]["n"]["value"]) >= 5
    meta = read_meta(tmp_path / "store")
    assert meta["source"]["path"] == str((tmp_path / "build" / "cvkg.nq").resolve())
    dump = tmp_path / "build" / "cvkg.nq"
    stamp = dump.stat().st_mtime_ns
    with live_server(None, tmp_path / "second.log", env=env) as server:
        assert httpx.get(f"{server.url}/healthz").status_code == 200
        log = server.log()
    if dump.stat().st_mtime_ns == stamp:  # inputs unchanged meanwhile: no rebuild
        assert "à jour" in log  # reopened, not reloaded
        assert read_meta(tmp_path / "store")["loaded_at"] == meta["loaded_at"]


def test_accepted_connections_have_tcp_nodelay() -> None:
    """Nagle's algorithm off on every connection, whichever event loop runs."""
    import socket
    import threading
    import time

    import uvicorn

    from app.server.run import listening_socket

    async def app(scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    for loop in ("uvloop", "asyncio"):
        sock = listening_socket("127.0.0.1", 0)
        server = uvicorn.Server(uvicorn.Config(app, loop=loop, log_level="error", lifespan="off"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.02)
        with socket.create_connection(sock.getsockname()) as client:
            client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            client.recv(100)
            (connection,) = server.server_state.connections
            accepted = connection.transport.get_extra_info("socket")
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1, loop
        server.should_exit = True
        thread.join()


def test_sigterm_ends_the_server_and_removes_the_temporary_store(tmp_path: Path) -> None:
    """A supervisor stops the server with SIGTERM: the ``--data`` store it loaded
    into the temporary folder goes with it, and the exit still says "SIGTERM"."""
    import signal

    data = tmp_path / "one.nt"
    data.write_text('<http://example.org/a> <http://example.org/b> "c" .\n', encoding="utf-8")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    with live_server([data], tmp_path / "serve.log", env={"TMPDIR": str(scratch)}) as server:
        (store,) = scratch.glob("cvkg-store-*")  # the copy it serves, while it serves
        assert any(store.rglob("*")), "store empty while serving"
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=30) == -signal.SIGTERM, server.log()
    assert list(scratch.iterdir()) == [], server.log()
