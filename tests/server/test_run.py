"""``cvkg serve`` without --data: builds the graph if needed and serves it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
from pyoxigraph import Store

from app.server.live import PROJECT_ROOT, app_in_thread, live_server
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

    async def app(scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    for loop in ("uvloop", "asyncio"):
        with app_in_thread(app, loop=loop) as (url, server):
            host, port = url.removeprefix("http://").split(":")
            with socket.create_connection((host, int(port))) as client:
                client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                client.recv(100)
                (connection,) = server.server_state.connections
                accepted = connection.transport.get_extra_info("socket")
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1, loop


def test_sigterm_ends_the_server_and_removes_the_temporary_store(tmp_path: Path) -> None:
    """A supervisor stops the server with SIGTERM: the ``--data`` store it loaded
    into the temporary folder goes with it, and the exit still says "SIGTERM"."""

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


SERVE_DUMP = (
    "import sys; from pathlib import Path; from app.server.run import serve; "
    "sys.exit(serve(port=0, dump=Path(sys.argv[1])))"
)


def _dump(path: Path, quads: int, tag: str) -> Path:
    graph = "<https://w3id.org/contrats-de-ville/id/graph/essai>"
    with open(path, "w", encoding="utf-8") as out:
        for i in range(quads):
            out.write(
                f'<http://example.org/{tag}/s{i}> <http://example.org/p> "valeur {i}" {graph} .\n'
            )
    return path


def _serve_dump(dump: Path, env: dict[str, str]) -> subprocess.Popen[str]:

    return subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-c", SERVE_DUMP, str(dump)],
        cwd=PROJECT_ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_sigterm_during_a_load_keeps_the_store_that_was_there(tmp_path: Path) -> None:
    """A server stopped while it (re)loads its store: the store it had is still
    whole and still says what it was loaded from, and the half-loaded copy is gone."""

    env = {k: v for k, v in os.environ.items() if not k.startswith("CVKG_")}
    env |= {"CVKG_STORE_DIR": str(tmp_path / "store"), "CVKG_ANNOTATIONS_DIR": str(tmp_path / "a")}
    small = _dump(tmp_path / "small.nq", 10, "small")
    first = _serve_dump(small, env)
    assert first.stderr is not None
    for line in first.stderr:  # loaded, then listening: stop it
        if "Point d'accès SPARQL" in line:
            first.send_signal(signal.SIGTERM)
    assert first.wait(timeout=60) == -signal.SIGTERM
    before = read_meta(tmp_path / "store")
    assert before is not None and before["source"]["path"] == str(small.resolve())

    big = _dump(tmp_path / "big.nq", 400_000, "big")  # a few seconds of loading
    second = _serve_dump(big, env)
    assert second.stderr is not None
    log = []
    for line in second.stderr:
        log.append(line)
        if line.startswith("Chargement de"):
            second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=120) == -signal.SIGTERM, "".join(log)
    assert "Chargé en" not in "".join(log), "the load ended before the signal: make it longer"
    assert read_meta(tmp_path / "store") == before
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == [".store.lock", "big.nq", "small.nq", "store"], left
    store = Store.read_only(str(tmp_path / "store"))
    assert len(store) == 10  # the small dump's quads, all of them


def test_a_port_another_process_takes_first_is_said(
    tmp_path: Path, built_dir: Path, cvkg_exe: str, cvkg_env: dict[str, str]
) -> None:
    """Another process bound the port (SO_REUSEADDR, as this server does) and listened
    only once ours had bound it too: ours printed its address, then uvicorn's listen
    failed without a word and the server ran on, reachable by nobody. It listens at
    once now: whichever comes second is refused, and ours says so and stops."""
    holder = socket.socket()
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    holder.bind(("127.0.0.1", 0))
    port = holder.getsockname()[1]
    holder.listen()
    env = {**cvkg_env, "CVKG_BUILD_DIR": str(built_dir), "CVKG_STORE_DIR": str(tmp_path / "s")}
    try:
        done = subprocess.run(  # noqa: S603 - our console script
            [cvkg_exe, "serve", "--port", str(port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        holder.close()
    assert done.returncode == 1, done.stderr
    assert f"impossible d'écouter sur 127.0.0.1:{port}" in done.stderr
