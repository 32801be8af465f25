"""Structured access log: one JSON line per request, with the query time.

A pure ASGI middleware (no ``BaseHTTPMiddleware``: it would add a task and a
copy per request). Routes put the worker's query time and row count in
``request.state``; the line is written once the response is sent.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("cvkg.access")


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500
        size = 0

        async def send_logged(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_logged)
        finally:
            if log.isEnabledFor(logging.INFO):
                state: dict[str, Any] = scope.get("state") or {}
                client = scope.get("client")
                record = {
                    "ts": round(time.time(), 3),
                    "client": client[0] if client else None,
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "ms": round((time.perf_counter() - start) * 1000, 3),
                    "query_ms": state.get("query_ms"),
                    "rows": state.get("rows"),
                    "bytes": size,
                }
                log.info(json.dumps(record, ensure_ascii=False))
