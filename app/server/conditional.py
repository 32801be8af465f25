"""``X-Data-Version`` and ``ETag`` on every data answer; ``If-None-Match`` answers 304.

Every answer of the server is a function of the data version (build + admin
writes), the request's URL and the headers it negotiates on (``Accept``,
``Accept-Encoding``). So the entity tag is computed from those alone, before
the request runs, and a client that already holds it gets a 304 without the
query, page or API answer being computed again. A write gives a new version,
hence new tags everywhere at once.
"""

from __future__ import annotations

import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UNVERSIONED = ("/healthz", "/static/")


def entity_tag(version: str, scope: Scope, headers: Headers) -> str:
    """The strong entity tag of the answer to this request under ``version``."""
    h = hashlib.sha256()
    for part in (
        scope.get("path", ""),
        scope.get("query_string", b"").decode("latin-1"),
        headers.get("accept", ""),
        headers.get("accept-encoding", ""),
        headers.get("authorization", ""),
    ):
        h.update(part.encode("utf-8", "replace") + b"\0")
    return f'"{version}-{h.hexdigest()[:16]}"'


def matches(if_none_match: str, tag: str) -> bool:
    """``If-None-Match`` (weak comparison, RFC 9110 §13.1.2) against ``tag``.

    >>> matches('W/"v1-a", "v1-b"', '"v1-a"'), matches('"v0-a"', '"v1-a"'), matches("*", '"x"')
    (True, False, True)
    """
    given = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return "*" in given or tag in given


class ConditionalMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        app = scope.get("app")
        runtime = getattr(app.state, "runtime", None) if app is not None else None
        if scope["type"] != "http" or runtime is None:
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if path == UNVERSIONED[0] or path.startswith(UNVERSIONED[1]):
            await self.app(scope, receive, send)
            return
        version: str = runtime.version
        request_headers = Headers(scope=scope)
        cacheable = scope["method"] in ("GET", "HEAD")
        tag = entity_tag(version, scope, request_headers) if cacheable else None
        if tag and matches(request_headers.get("if-none-match", ""), tag):
            await send(
                {
                    "type": "http.response.start",
                    "status": 304,
                    "headers": [
                        (b"etag", tag.encode()),
                        (b"x-data-version", version.encode()),
                        (b"vary", b"Accept, Accept-Encoding"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_versioned(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] < 400:
                headers = MutableHeaders(scope=message)
                # After a write the answer is of the new version: say that one.
                now = runtime.version if scope["method"] not in ("GET", "HEAD") else version
                headers["X-Data-Version"] = now
                if tag and message["status"] == 200:
                    headers["ETag"] = tag
            await send(message)

        await self.app(scope, receive, send_versioned)
