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
from app.server.main import create_app
from app.server.run import configure_logging, listening_socket


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    configure_logging()  # the access log is part of the per-request cost
    app = create_app(get_settings(), args.store)
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[listening_socket(args.host, args.port)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
