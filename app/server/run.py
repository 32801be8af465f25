"""``cvkg serve``: prepare the store, then run uvicorn on the application.

Without ``--data`` the served graph is the build's N-Quads dump (the CLI builds
it first if missing or stale), loaded into ``settings.store_dir`` unless already loaded
from that same dump. With ``--data`` arbitrary RDF files are loaded into a
temporary store, removed on exit — on SIGTERM too (``app/termination.py``).
"""

from __future__ import annotations

import logging
import shutil
import socket
import sys
import tempfile
from pathlib import Path

from app.config import Settings, get_settings
from app.termination import sigterm_cleans_up


def configure_logging() -> None:
    access = logging.getLogger("cvkg.access")
    access.setLevel(logging.INFO)
    access.propagate = False
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    access.addHandler(handler)
    logging.getLogger("cvkg.server").setLevel(logging.INFO)


def listening_socket(host: str, port: int) -> socket.socket:
    """The server socket, with TCP_NODELAY so that small answers are not held
    back by Nagle's algorithm (accepted sockets inherit it on Linux; asyncio
    and uvloop also set it on each connection)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    # Listening at once: bound only, the port was still free to another process that
    # listened first, and uvicorn's own listen failed later without a word (the
    # server ran on, reachable by nobody).
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    dump: Path | None = None,
    data_files: list[str] | None = None,
    graph: str | None = None,
) -> int:
    """Serve the build's ``dump`` (or ``data_files``) until interrupted; the exit code.

    The build itself is the CLI's business (``cvkg serve`` builds first when
    stale): serving never reaches back into the pipeline.
    """
    settings = get_settings()
    configure_logging()
    with sigterm_cleans_up():
        return _serve(settings, host, port, dump, data_files, graph)


def _serve(
    settings: Settings,
    host: str,
    port: int,
    dump: Path | None,
    data_files: list[str] | None,
    graph: str | None,
) -> int:
    import uvicorn

    from app.server.allocator import AllocatorError, describe, worker_preload
    from app.server.annotation_graphs import Record
    from app.server.main import create_app
    from app.server.store import StoreError, load_files, prepare_store

    temporary: Path | None = None
    try:
        if not settings.sparql_endpoint:  # a wrong setting is said before a long load
            allocator = describe(worker_preload(settings.worker_allocator))
            print(f"Allocateur mémoire des requêtes : {allocator}", file=sys.stderr)
        record = Record(settings.annotations_dir)
        if record.graphs and settings.sparql_endpoint:  # remote_writes.py: the engine holds them
            print(
                f"{record.path} n'est pas utilisé avec un moteur externe : les graphes écrits "
                "sont ceux du moteur (cvkg publish --annotations les y copie).",
                file=sys.stderr,
            )
        elif record.graphs:
            print(
                f"{len(record.graphs)} graphe(s) écrit(s) par l'administrateur, "
                f"repris de {record.path}.",
                file=sys.stderr,
            )
        if data_files:
            temporary = Path(tempfile.mkdtemp(prefix="cvkg-store-"))
            store_path = load_files([Path(f) for f in data_files], graph, temporary, record)
            print(f"{len(data_files)} fichier(s) chargé(s).", file=sys.stderr)
        else:
            if dump is None:
                print("cvkg serve: ni construction ni --data à servir", file=sys.stderr)
                return 1
            if settings.sparql_endpoint:  # an external engine serves the data (cvkg publish)
                print(f"Moteur SPARQL externe : {settings.sparql_endpoint}", file=sys.stderr)
                store_path = settings.store_dir
            else:
                store_path = prepare_store(dump, settings.store_dir, record, progress=True)
        app = create_app(settings, store_path, record)
        try:
            sock = listening_socket(host, port)
        except OSError as exc:
            print(
                f"cvkg serve: impossible d'écouter sur {host}:{port} : {exc.strerror}",
                file=sys.stderr,
            )
            return 1
        print(f"Point d'accès SPARQL : http://{host}:{port}/sparql", file=sys.stderr)
        from app.server.http_protocol import protocol_class

        config = uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=5,
            http=protocol_class(settings.max_header_bytes, settings.header_timeout),
            timeout_keep_alive=settings.keep_alive_timeout,
        )
        uvicorn.Server(config).run(sockets=[sock])
        return 0
    except (StoreError, AllocatorError) as exc:
        print(f"cvkg serve: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"cvkg serve: {exc}", file=sys.stderr)
        return 1
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)
