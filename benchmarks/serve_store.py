"""Serve an already loaded store directory (for the benchmark): the same
application and socket options as ``cvkg serve``, without building or loading.

    python benchmarks/serve_store.py --store /tmp/cvkg-bench/store-500 --port 8123
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import uvicorn

from app.config import get_settings
from app.server.http_protocol import protocol_class
from app.server.main import create_app
from app.server.run import configure_logging, listening_socket


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    configure_logging()  # the access log is part of the per-request cost
    settings = get_settings()
    app = create_app(settings, args.store)
    config = uvicorn.Config(  # as run.serve: head limits, keep-alive
        app,
        log_level="warning",
        access_log=False,
        http=protocol_class(settings.max_header_bytes, settings.header_timeout),
        timeout_keep_alive=settings.keep_alive_timeout,
    )
    uvicorn.Server(config).run(sockets=[listening_socket(args.host, args.port)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
