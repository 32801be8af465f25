"""Clients that behave like attackers: raw sockets, other loopback addresses.

Every 127.x.y.z address reaches the loopback interface on Linux, so a test can
be several clients at once without any proxy header: each address is a client
for the fair share.
"""

from __future__ import annotations

import socket
import time
from urllib.parse import urlencode, urlsplit

import httpx

from app.server.live import processes

# The 90-byte query of issue 12 that took 10.4 GB: the sort needs every pair of triples.
MEMORY_BOMB = "CONSTRUCT { ?a ?b ?c . ?d ?e ?f } WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?f ?c"


def client_from(address: str, timeout: float = 30) -> httpx.Client:
    """An HTTP client whose connections come from ``address`` (e.g. 127.0.0.7)."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=timeout)


def open_query(base_url: str, query: str, address: str = "127.0.0.1") -> socket.socket:
    """Send a GET /sparql and return the socket without reading the answer."""
    parts = urlsplit(base_url)
    sock = socket.create_connection((parts.hostname, parts.port), source_address=(address, 0))
    target = "/sparql?" + urlencode({"query": query})
    sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode())
    return sock


def read_response(sock: socket.socket, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 response with a Content-Length from ``sock``: status, headers, body."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"connection closed after {data!r}")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (x.split(":", 1) for x in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, headers, body[:length]


def wait_until(condition: object, timeout: float, step: float = 0.05) -> bool:
    """Poll ``condition()`` until true or ``timeout`` seconds passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(step)
    return False


def live_children(pid: int) -> set[int]:
    """The running (not zombie) child processes of ``pid``: a server's query workers."""
    return {
        child for child, (parent, state) in processes().items() if parent == pid and state != "Z"
    }
