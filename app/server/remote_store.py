"""An external SPARQL engine's query URL seen as just enough of ``pyoxigraph.Store``
for :func:`app.server.execute.run_query` (``CVKG_SPARQL_ENDPOINT``).

The engine's answer is parsed **while it arrives**: ``run_query`` reads no
more solutions than the row cap lets through, and closing the store closes
the connection, so the engine stops. Read whole first, an answer past the
cap was held in memory up to ``CVKG_REMOTE_MAX_BYTES`` (200 MB) and then
refused: ``SELECT * { ?s ?p ?o }`` at 825 contracts was a 500 after 3 s and
330 MB, where the local store answers its first ``CVKG_MAX_ROWS`` rows. The
byte cap still bounds what is read whole: a Graph Store read (written out
at once), an answer under the row cap (507 past it).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import httpx
from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results

from app.server import analysis, query_dataset

_BUFFER = 64 * 1024  # what pyoxigraph's reads (1 KiB each) are served from


class TooLarge(Exception):
    """The engine's answer exceeds ``CVKG_REMOTE_MAX_BYTES``."""


class EngineRefused(Exception):
    """The engine answered a query with an error status (other than 400)."""


class _Body(io.RawIOBase):
    """The bytes of a streamed HTTP answer as a file, at most ``limit`` of them.

    An error while reading (the cap, the connection) is raised from ``readinto``:
    pyoxigraph lets it through as is, so a cut answer is never taken for a short one.
    """

    def __init__(self, chunks: Iterator[bytes], limit: int) -> None:
        self.chunks = chunks
        self.limit = limit
        self.size = 0
        self.pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.pending:
            chunk = next(self.chunks, None)
            if chunk is None:
                return 0
            self.size += len(chunk)
            if self.size > self.limit:
                raise TooLarge
            self.pending = memoryview(chunk)
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n


class RemoteStore:
    """One job's queries to the engine; :meth:`close` ends the answers left unread."""

    def __init__(self, client: httpx.Client, url: str, max_bytes: int) -> None:
        self.client = client
        self.url = url
        self.max_bytes = max_bytes
        self.responses: list[httpx.Response] = []

    def close(self) -> None:
        for response in self.responses:
            response.close()
        self.responses.clear()

    def query(
        self,
        query: str,
        *,
        base_iri: str | None = None,
        default_graph: list[Any] | None = None,
        named_graphs: list[Any] | None = None,
        use_default_graph_as_union: bool = False,
    ) -> Any:
        data: dict[str, str | list[str]] = {
            "query": f"BASE <{base_iri}>\n{query}" if base_iri else query
        }
        defaults = [g.value for g in default_graph or []]
        named = [g.value for g in named_graphs or []]
        if not (defaults or named or use_default_graph_as_union):
            # The query's own FROM / FROM NAMED, which an engine serving the union
            # of its graphs may ignore (query_dataset's docstring).
            defaults, named = query_dataset.declared(query, base_iri) or ([], [])
        if defaults:
            data["default-graph-uri"] = defaults
        if named:
            data["named-graph-uri"] = named
        # Ask for the form's own format: Virtuoso answers a CONSTRUCT in SPARQL JSON
        # (s, p, o bindings) when JSON comes first in Accept.
        graph = analysis.query_form(query) in ("construct", "describe")
        accept = "application/n-triples" if graph else "application/sparql-results+json"
        response = self.client.send(
            self.client.build_request("POST", self.url, data=data, headers={"Accept": accept}),
            stream=True,
        )
        self.responses.append(response)
        if response.status_code >= 300:
            text = _start(response).decode("utf-8", "replace")
            if response.status_code == 400:
                raise SyntaxError(text[:500])
            raise EngineRefused(
                f"Le moteur SPARQL externe ({self.url}) a répondu HTTP "
                f"{response.status_code} {text[:300]}"
            )
        body = io.BufferedReader(_Body(response.iter_bytes(), self.max_bytes), _BUFFER)
        media = response.headers.get("content-type", "").split(";")[0].strip()
        if media.startswith("application/sparql-results+json"):
            return parse_query_results(body, format=QueryResultsFormat.JSON)
        return parse(body, format=RdfFormat.N_TRIPLES)


def _start(response: httpx.Response, limit: int = 4096) -> bytes:
    """The first bytes of an error answer: enough to say why, never a whole dump."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= limit:
            break
    return b"".join(chunks)
