"""What a query worker does with one job, on its pyoxigraph store.

Each function takes a typed job (``ipc``) and returns a typed reply and its
payload. No HTTP here: the server maps a ``Failure``'s reason to a status.

Row cap. pyoxigraph serializes results natively (fast) but offers no way to
stop after N rows, nor to build a result set from Python. So SELECT results
are written natively in the format asked for, through a writer that counts
the rows in the bytes as they come (``_RowMarks``: a marker per row that a
value cannot fake, or can only add to) and aborts the (lazy) evaluation once
the count passes ``max_rows``. Only then is the query evaluated again as TSV
(one row per line: the count is exact and the cut falls between two rows),
and the first ``max_rows`` rows re-read into the format asked for. An answer
under the cap — every answer but a runaway one — is thus serialized once,
with no TSV round trip (0.4-0.5 s per 79 k rows of the theme × contract
matrix: docs/sparql-endpoint.md « Speed »). CONSTRUCT triples are cut with
``islice``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any, Literal

from pyoxigraph import (
    DefaultGraph,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
    parse_query_results,
    serialize,
)

from app.server.ipc import (
    Answer,
    Failure,
    GraphNames,
    GraphReadJob,
    QueryJob,
)
from app.server.row_marks import RowMarks

Reply = tuple[Answer | GraphNames | Failure, bytes]


class _Enough(Exception):
    """Raised by the counting writer to stop the serializer (and the evaluation)."""


class _RowCountingWriter:
    """A binary sink for TSV results that stops after ``limit`` rows (+ header)."""

    def __init__(self, limit: int) -> None:
        self.limit_lines = limit + 1  # header line + rows
        self.chunks: list[bytes] = []
        self.lines = 0
        self.truncated = False

    def write(self, data: bytes) -> int:
        chunk = bytes(data)
        count = chunk.count(b"\n")
        if self.lines + count > self.limit_lines:
            cut = -1
            for _ in range(self.limit_lines - self.lines):
                cut = chunk.index(b"\n", cut + 1)
            self.chunks.append(chunk[: cut + 1])
            self.lines = self.limit_lines
            self.truncated = True
            raise _Enough
        self.chunks.append(chunk)
        self.lines += count
        return len(data)

    def flush(self) -> None:
        pass


def _failure(reason: Any, message: str, form: str | None = None) -> Reply:
    return Failure(reason, message, form), b""


def _graphs(iris: list[str] | None) -> list[NamedNode | DefaultGraph] | None:
    return None if iris is None else [NamedNode(i) for i in iris]


def run_query(store: Store, job: QueryJob, prefixes: dict[str, str]) -> Reply:
    """Evaluate a SPARQL query and serialize its results, capped at ``max_rows``."""
    kwargs: dict[str, Any] = {"base_iri": job.base_iri}
    if job.default_graphs is not None or job.named_graphs is not None:
        kwargs["default_graph"] = _graphs(job.default_graphs or [])
        kwargs["named_graphs"] = [NamedNode(i) for i in job.named_graphs or []]
    elif job.union:
        kwargs["use_default_graph_as_union"] = True

    def evaluate() -> Any:
        return store.query(job.query, **kwargs)

    try:
        result = evaluate()
    except SyntaxError as exc:
        return _failure("syntax", f"Requête SPARQL invalide : {exc}")
    max_rows = job.max_rows
    form: Literal["results", "boolean", "graph"]
    if isinstance(result, QueryBoolean):
        if job.boolean_format is None:
            return _failure("not_acceptable", "", form="boolean")
        media_type, form = job.boolean_format, "boolean"
        body = result.serialize(format=_results_format(media_type)) or b""
        rows, truncated = 1, False
    elif isinstance(result, QuerySolutions):
        if job.results_format is None:
            return _failure("not_acceptable", "", form="results")
        media_type, form = job.results_format, "results"
        body, rows, truncated = _solutions(evaluate, result, _results_format(media_type), max_rows)
    else:
        if job.graph_format is None:
            return _failure("not_acceptable", "", form="graph")
        media_type, form = job.graph_format, "graph"
        triples = iter(result)
        fmt = _rdf_format(media_type)
        items: Any = itertools.islice(triples, max_rows)
        if fmt.supports_datasets:
            items = (Quad(t.subject, t.predicate, t.object) for t in items)
        counted = _Counter(items)
        body = serialize(counted, format=fmt, prefixes=prefixes) or b""
        rows = counted.count
        truncated = rows == max_rows and next(triples, None) is not None
    return Answer(media_type, form=form, rows=rows, truncated=truncated), body


def _results_format(media_type: str) -> QueryResultsFormat:
    fmt = QueryResultsFormat.from_media_type(media_type)
    if fmt is None:
        raise ValueError(f"format de résultats inconnu : {media_type}")
    return fmt


def _rdf_format(media_type: str) -> RdfFormat:
    fmt = RdfFormat.from_media_type(media_type)
    if fmt is None:
        raise ValueError(f"format RDF inconnu : {media_type}")
    return fmt


class _Counter:
    def __init__(self, items: Any) -> None:
        self._items = items
        self.count = 0

    def __iter__(self) -> Any:
        for item in self._items:
            self.count += 1
            yield item


class _CappedWriter:
    """A binary sink that counts rows (``RowMarks``) and stops past ``limit``."""

    def __init__(self, fmt: QueryResultsFormat, limit: int) -> None:
        self.count = RowMarks.for_format(_format_name(fmt))
        self.limit = limit
        self.chunks: list[bytes] = []
        self.rows = 0

    def write(self, data: bytes) -> int:
        chunk = bytes(data)
        self.rows = self.count(chunk)
        if self.rows > self.limit:
            raise _Enough
        self.chunks.append(chunk)
        return len(data)

    def flush(self) -> None:
        pass


def _format_name(fmt: QueryResultsFormat) -> str:
    for name in ("JSON", "XML", "CSV", "TSV"):
        if fmt == getattr(QueryResultsFormat, name):
            return name
    raise ValueError(f"format de résultats inconnu : {fmt}")


def _solutions(
    evaluate: Callable[[], Any], result: QuerySolutions, fmt: QueryResultsFormat, max_rows: int
) -> tuple[bytes, int, bool]:
    """The solutions serialized as ``fmt``, at most ``max_rows`` of them.

    Written natively at once; only an answer whose rows pass the cap is
    evaluated again (``evaluate``) through the exact TSV cut (module docstring).
    """
    if fmt != QueryResultsFormat.TSV:
        native = _CappedWriter(fmt, max_rows)
        try:
            # pyoxigraph only calls write() and flush(); its stub asks for a whole IO[bytes].
            result.serialize(native, format=fmt)  # type: ignore[arg-type]
            return b"".join(native.chunks), native.rows, False
        except _Enough:
            result = evaluate()
    writer = _RowCountingWriter(max_rows)
    try:
        result.serialize(writer, format=QueryResultsFormat.TSV)  # type: ignore[arg-type]
    except _Enough:
        pass
    tsv = b"".join(writer.chunks)
    rows = writer.lines - 1
    if fmt == QueryResultsFormat.TSV:
        body = tsv
    else:
        parsed = parse_query_results(tsv, format=QueryResultsFormat.TSV)
        body = parsed.serialize(format=fmt) or b""
        if writer.truncated and fmt == QueryResultsFormat.JSON and body.endswith(b"}"):
            note = (
                f',"cvkg:truncated":{{"maxRows":{max_rows},"message":"Résultat tronqué '
                f'à {max_rows} lignes (CVKG_MAX_ROWS)."}}}}'
            ).encode()
            body = body[:-1] + note
    return body, rows, writer.truncated


def _graph_name(iri: str | None) -> NamedNode | DefaultGraph:
    return DefaultGraph() if iri is None else NamedNode(iri)


def graph_read(store: Store, job: GraphReadJob, prefixes: dict[str, str]) -> Reply:
    """Graph Store Protocol GET/HEAD: the graph's triples, or not found."""
    graph = _graph_name(job.graph)
    if isinstance(graph, NamedNode) and not store.contains_named_graph(graph):
        return _failure("not_found", f"Graphe inconnu : <{graph.value}>")
    if job.head:
        return Answer(job.format), b""
    body = store.dump(format=_rdf_format(job.format), from_graph=graph, prefixes=prefixes)
    return Answer(job.format), body or b""


def named_graphs(store: Store) -> Reply:
    """The IRIs of the store's named graphs (for the service description)."""
    names = sorted(g.value for g in store.named_graphs() if isinstance(g, NamedNode))
    return GraphNames(names), b""
