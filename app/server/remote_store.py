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

A job also ends on the event loop's side (the query timeout's 504, a client
gone) while its thread reads: a thread cannot be cancelled, so it checks its
``Stop`` between chunks and ends there. Before, an engine that kept sending
kept the thread, the connection and the engine's work going long after the
client had its 504 or had left, and new queries, admitted in their place,
waited for a thread (tests/remote/test_engine_answers.py).
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from pyoxigraph import (
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
    parse,
    parse_query_results,
)

from app.server import analysis, query_dataset

_BUFFER = 64 * 1024  # what pyoxigraph's reads (1 KiB each) are served from
_ASK_RETVAL = "__ASK_RETVAL"  # Virtuoso 7 answers an ASK as rows of this variable
# A graph no engine holds: it stands for "no graph" in a dataset (below).
NO_GRAPH = "urn:uuid:7f1c2e4a-0c55-4d7e-9a43-6b2f1d0e8c91"


class TooLarge(Exception):
    """The engine's answer exceeds ``CVKG_REMOTE_MAX_BYTES``."""


class Expired(TimeoutError):
    """The job ended (its deadline, its client gone) while its answer was being read."""


@dataclass
class Stop:
    """When a job's reading thread must stop: at ``deadline`` (``time.monotonic()``)
    or once the event loop has ended the job (``ended``)."""

    deadline: float
    ended: threading.Event = field(default_factory=threading.Event)

    def left(self) -> float:
        """Seconds left; ``Expired`` when none."""
        left = self.deadline - time.monotonic()
        if left <= 0 or self.ended.is_set():
            raise Expired
        return left


class EngineRefused(Exception):
    """The engine answered a query with an error status (other than 400)."""


class _Body(io.RawIOBase):
    """The bytes of a streamed HTTP answer as a file, at most ``limit`` of them.

    An error while reading (the cap, the connection) is raised from ``readinto``:
    pyoxigraph lets it through as is, so a cut answer is never taken for a short one.
    """

    def __init__(self, chunks: Iterator[bytes], limit: int, stop: Stop | None) -> None:
        self.chunks = chunks
        self.limit = limit
        self.stop = stop
        self.size = 0
        self.pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.pending:
            chunk = next(self.chunks, None)
            if chunk is None:
                return 0
            if self.stop is not None:
                self.stop.left()
            self.size += len(chunk)
            if self.size > self.limit:
                raise TooLarge
            self.pending = memoryview(chunk)
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n


class RemoteStore:
    """One job's queries to the engine; :meth:`close` ends the answers left unread.

    ``stop``: once it says so, no query is sent and no more of an answer is read
    (:class:`Expired`).
    """

    def __init__(
        self, client: httpx.Client, url: str, max_bytes: int, stop: Stop | None = None
    ) -> None:
        self.client = client
        self.url = url
        self.max_bytes = max_bytes
        self.stop = stop
        self.responses: list[httpx.Response] = []

    def close(self) -> None:
        for response in self.responses:
            response.close()
        self.responses.clear()

    def _send(self, method: str, url: str, accept: str, **content: Any) -> httpx.Response:
        """A request whose answer is read as it comes, closed by :meth:`close`."""
        timeout: Any = self.client.timeout
        if self.stop is not None:  # each wait (connect, read) ends by the deadline
            timeout = httpx.Timeout(self.stop.left())
        request = self.client.build_request(
            method, url, headers={"Accept": accept}, timeout=timeout, **content
        )
        response = self.client.send(request, stream=True)
        self.responses.append(response)
        return response

    def graph(self, graph_store: str, graph: str | None) -> Iterator[Any] | None:
        """A graph's triples read from the engine's Graph Store (``None``: no such graph).

        ``graph`` ``None`` is the engine's own default graph, which SPARQL cannot
        name when the engine queries the union of its graphs: read by a query
        (``graphe-defaut.rq``, every triple tested against every named graph), it
        took 14 s at 825 contracts. The Graph Store gives it, or a named graph, as
        it is stored, streamed; the byte cap and the job's end apply as to answers.
        The triples come as they are parsed, while this store is open: held as a
        list, the synthèse at 825 contracts (165 MB of N-Triples) took 480 MB
        more than its serialization, per request.
        """
        params = {"default": ""} if graph is None else {"graph": graph}
        response = self._send("GET", graph_store, "application/n-triples", params=params)
        if response.status_code == 404:
            return None
        if response.status_code >= 300:
            raise EngineRefused(
                f"Le Graph Store du moteur externe ({graph_store}) a répondu HTTP "
                f"{response.status_code} {_start(response).decode('utf-8', 'replace')[:300]}"
            )
        body = io.BufferedReader(_Body(response.iter_bytes(), self.max_bytes, self.stop), _BUFFER)
        return _parsed(graph_store, parse(body, format=RdfFormat.N_TRIPLES))

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
        if defaults or named:
            # A dataset with no named graph (only FROM) or no default graph (only FROM
            # NAMED) has an empty half, which the protocol cannot name: Virtuoso 7.2
            # filled it with every graph (FROM <g> { GRAPH ?x {…} } read them all).
            # A graph no engine holds empties it in every engine.
            data["default-graph-uri"] = defaults or [NO_GRAPH]
            data["named-graph-uri"] = named or [NO_GRAPH]
        # Ask for the form's own format: Virtuoso answers a CONSTRUCT in SPARQL JSON
        # (s, p, o bindings) when JSON comes first in Accept.
        form = analysis.query_form(query)
        graph = form in ("construct", "describe")
        accept = "application/n-triples" if graph else "application/sparql-results+json"
        response = self._send("POST", self.url, accept, data=data)
        if response.status_code >= 300:
            text = _start(response).decode("utf-8", "replace")
            if response.status_code == 400:
                raise _syntax_error(query, base_iri, text)
            raise EngineRefused(
                f"Le moteur SPARQL externe ({self.url}) a répondu HTTP "
                f"{response.status_code} {text[:300]}"
            )
        body = io.BufferedReader(_Body(response.iter_bytes(), self.max_bytes, self.stop), _BUFFER)
        media = response.headers.get("content-type", "").split(";")[0].strip()
        results = QueryResultsFormat.from_media_type(media) if media else None
        rdf = RdfFormat.from_media_type(media) if media else None
        try:
            if results is not None:
                result = parse_query_results(body, format=results)
                return as_boolean(result) if form == "ask" else result
            if rdf is not None:
                return parse(body, format=rdf)
        except SyntaxError as exc:
            raise unreadable(self.url, exc) from None
        raise EngineRefused(
            f"Le moteur SPARQL externe ({self.url}) a répondu en « {media or '?'} », "
            "ni résultats SPARQL ni RDF."
        )


_PARSER = Store()  # empty: only its parser is used


def _syntax_error(query: str, base_iri: str | None, engine: str) -> SyntaxError:
    """The error of a query the engine refused (400): this server's parser's own, as the
    local store gives it, when it finds one (the engine's positions counted the
    ``BASE`` line sent before the query, and its wording is its own); else the
    engine's message (a query our parser reads but the engine does not)."""
    try:
        _PARSER.query(query, base_iri=base_iri)
    except SyntaxError as ours:
        return ours
    except (OSError, ValueError, TypeError):  # an evaluation error on the empty store
        pass  # noqa: S110 - parsed, then: no syntax error of ours to give
    return SyntaxError(engine[:500])


def _parsed(url: str, items: Iterator[Any]) -> Iterator[Any]:
    """``items`` as they are parsed, a syntax error being the engine's (:func:`unreadable`)."""
    try:
        yield from items
    except SyntaxError as exc:
        raise unreadable(url, exc) from None


def unreadable(url: str, exc: SyntaxError) -> EngineRefused:
    """An answer of the engine that does not parse: its fault, not the client's query
    (a 502, where it was taken for a syntax error of the query, a 400)."""
    return EngineRefused(f"Réponse illisible du moteur SPARQL externe ({url}) : {exc}")


def as_boolean(result: Any) -> Any:
    """An ASK answer as the boolean it is, also when the engine wrote it as rows.

    Virtuoso 7.2 answers ``ASK`` in SPARQL JSON with a variable ``__ASK_RETVAL``:
    one row bound to ``1`` for true, no row for false. Passed on as such, a
    client asking a yes/no question got a table, and the Graph Store's test of a
    graph's existence (``graphe-present.rq``) always said yes.

    (tests/remote/test_engine_answers.py: Virtuoso's own bytes.)
    """
    if not isinstance(result, QuerySolutions):
        return result
    if [v.value for v in result.variables] != [_ASK_RETVAL]:
        return result
    truth = any(row[0] is not None and row[0].value in ("1", "true") for row in result)
    answer = b'{"head":{},"boolean":%s}' % (b"true" if truth else b"false")
    return parse_query_results(answer, format=QueryResultsFormat.JSON)


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
