"""Where the site's SPARQL runs: a small interface, two implementations.

The pages must go through the server's query workers (admission control, time
limit, read-only store shared safely with the SPARQL endpoint), but they also
read a small in-memory graph of their own (the dataset description, which is
computed at serve time and is not part of the build). Both answer
``select(text)`` with rows of pyoxigraph terms, so the page code does not care
where a triple lives; ``Union`` runs a query on several and concatenates.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol

import pyoxigraph as ox
from fastapi import Request

log = logging.getLogger("cvkg.server")

Row = dict[str, Any]  # variable name → pyoxigraph term (NamedNode, Literal, BlankNode)

_TSV = ox.QueryResultsFormat.TSV.media_type


class Sparql(Protocol):
    """Something that runs a SELECT over the union of the named graphs."""

    async def select(self, query: str) -> list[Row]: ...

    async def graph(self, iri: str, media_type: str, fmt: str) -> bytes | None:
        """The content of a named graph serialized as ``fmt``, or ``None`` if unknown."""
        ...


def rows(solutions: ox.QuerySolutions) -> list[Row]:
    """Solutions as dicts, unbound variables left out."""
    names = [v.value for v in solutions.variables]
    out = []
    for solution in solutions:
        out.append({n: solution[n] for n in names if solution[n] is not None})
    return out


class MemorySparql:
    """An in-process pyoxigraph store (the dataset description; tests)."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    async def select(self, query: str) -> list[Row]:
        result = self.store.query(query, use_default_graph_as_union=True)
        assert isinstance(result, ox.QuerySolutions)
        return rows(result)

    async def graph(self, iri: str, media_type: str, fmt: str) -> bytes | None:
        node = ox.NamedNode(iri)
        if not self.store.contains_named_graph(node):
            return None
        return self.store.dump(format=getattr(ox.RdfFormat, fmt), from_graph=node) or b""


class ServerSparql:
    """The server's query workers, through its ``dispatch`` (one job per query).

    Results travel as TSV: lossless for every term, and it is the format the
    workers produce natively before any conversion.
    """

    def __init__(self, request: Request) -> None:
        self.request = request

    @property
    def runtime(self) -> Any:
        return self.request.app.state.runtime

    async def select(self, query: str) -> list[Row]:
        from app.server.deps import dispatch
        from app.server.ipc import Answer, QueryJob

        runtime = self.runtime
        job = QueryJob(query, max_rows=runtime.settings.max_rows, union=True, results_format=_TSV)
        header, body = await dispatch(self.request, runtime, job, urgent=True)
        # A page bounds its queries: say when one is not.
        if isinstance(header, Answer) and header.truncated:
            log.warning(
                "page %s : requête coupée à CVKG_MAX_ROWS=%s lignes : %s",
                self.request.url.path,
                runtime.settings.max_rows,
                query.lstrip().splitlines()[0][:120] if query.strip() else "",
            )
        parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.TSV)
        assert isinstance(parsed, ox.QuerySolutions)
        return rows(parsed)

    async def graph(self, iri: str, media_type: str, fmt: str) -> bytes | None:
        from app.server.deps import dispatch
        from app.server.errors import HTTPProblem
        from app.server.ipc import GraphReadJob

        job = GraphReadJob(iri, str(getattr(ox.RdfFormat, fmt).media_type))
        try:
            _header, body = await dispatch(self.request, self.runtime, job, urgent=True)
        except HTTPProblem as problem:
            if problem.status == 404:
                return None
            raise
        return body


class Union:
    """Several sources read as one: rows concatenated, first graph found wins."""

    def __init__(self, sources: Sequence[Sparql]) -> None:
        self.sources = list(sources)

    async def select(self, query: str) -> list[Row]:
        out: list[Row] = []
        for source in self.sources:
            out.extend(await source.select(query))
        return out

    async def graph(self, iri: str, media_type: str, fmt: str) -> bytes | None:
        for source in self.sources:
            body = await source.graph(iri, media_type, fmt)
            if body is not None:
                return body
        return None
