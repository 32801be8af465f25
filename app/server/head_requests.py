"""``HEAD`` wherever ``GET`` is answered, as HTTP asks of every server (RFC 9110, 9.3.2).

FastAPI's routes declared for ``GET`` answer ``HEAD`` with a 405: ``/healthz``,
``/sparql``, ``/api/…``, ``/queries/….rq``. Load balancers and monitors that
check a replica with ``HEAD /healthz`` took it for broken, link checkers every
API link. A ``HEAD`` that no route takes, on a path where one takes ``GET``,
is answered as that ``GET`` with its body left out: the same status and
headers (``Content-Length`` included), so that caches and clients may trust
them. Routes that take ``HEAD`` themselves (the pages, the dumps, the Graph
Store) are left to it, so that they can answer without computing a body.
"""

from __future__ import annotations

from starlette.routing import Match, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    def __init__(self, app: ASGIApp, router: Router) -> None:
        self.app = app
        self.router = router

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD" or self._takes(scope):
            await self.app(scope, receive, send)
            return
        as_get = dict(scope, method="GET")
        if not self._takes(as_get):
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] != "http.response.body":
                await send(message)
            elif not message.get("more_body", False):
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        await self.app(as_get, receive, without_body)

    def _takes(self, scope: Scope) -> bool:
        """Whether a route takes this method on this path."""
        return any(route.matches(scope)[0] == Match.FULL for route in self.router.routes)
