"""The HTTP connection handler: uvicorn's, with limits on reading a request's head.

uvicorn's httptools protocol reads request headers without a size limit
(50 MB were accepted) and without a time limit (a client sending one byte a
second holds a connection for ever: "slow loris"); its keep-alive timeout only
starts after a first answer. This subclass counts the bytes of the request
line and headers (``CVKG_MAX_HEADER_BYTES``, then 431) and gives the head
``CVKG_HEADER_TIMEOUT`` seconds to arrive from the first byte or from the
connection (then 408); both answers close the connection, as their status
says. Once the head is in, the application's own limits apply (body size,
query time).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

_REASONS = {408: b"Request Timeout", 431: b"Request Header Fields Too Large"}


class GuardedHttpProtocol(HttpToolsProtocol):
    max_header_bytes = 65_536
    header_timeout = 10.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._head_bytes = 0
        self._reading_head = True
        self._begun = False  # a request's first byte has arrived
        self._head_timer: asyncio.TimerHandle | None = None
        super().connection_made(transport)
        self._arm()

    def _arm(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.header_timeout, self._head_too_slow)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _count(self, size: int) -> None:
        self._head_bytes += size
        if self._head_bytes > self.max_header_bytes:
            self._refuse(
                431,
                f"En-têtes de requête trop longs : au plus {self.max_header_bytes} octets "
                "(CVKG_MAX_HEADER_BYTES). Envoyez une longue requête SPARQL par POST.",
            )

    def data_received(self, data: bytes) -> None:
        if self.transport.is_closing():
            return
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._reading_head = True
        self._begun = True
        self._head_bytes = 0
        self._arm()

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        if not self.transport.is_closing():
            super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)
        if not self.transport.is_closing():
            super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._reading_head = False
        self._begun = False
        self._disarm()
        if self.transport.is_closing():
            return
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if not self._reading_head or self.transport.is_closing():
            return
        if not self._begun:  # nothing sent at all: just close, as for an idle keep-alive
            self.transport.close()
            return
        self._refuse(
            408,
            f"En-têtes de requête incomplets après {self.header_timeout:g} s "
            "(CVKG_HEADER_TIMEOUT).",
        )

    def _refuse(self, status: int, message: str) -> None:
        if self.transport.is_closing():
            return
        self._reading_head = False
        self._disarm()
        body = message.encode("utf-8")
        self.transport.write(
            b"HTTP/1.1 %d %s\r\n" % (status, _REASONS[status])
            + b"content-type: text/plain; charset=utf-8\r\n"
            + b"content-length: %d\r\n" % len(body)
            + b"connection: close\r\n\r\n"
            + body
        )
        self.transport.close()


def protocol_class(max_header_bytes: int, header_timeout: float) -> type[Any]:
    """The protocol class to give ``uvicorn.Config(http=…)`` for these limits."""
    return type(
        "CvkgHttpProtocol",
        (GuardedHttpProtocol,),
        {"max_header_bytes": max_header_bytes, "header_timeout": header_timeout},
    )
