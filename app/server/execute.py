"""What a query worker does with one job, on its pyoxigraph store.

Each function takes the job header (and payload) and returns a reply header
and payload. No HTTP here: the server maps ``status`` to a response.

Row cap. pyoxigraph serializes results natively (fast) but offers no way to
stop after N rows, nor to build a result set from Python. So SELECT results are
first written as TSV, one row per line, through a writer that counts lines and
aborts the (lazy) evaluation past ``max_rows``; TSV is lossless, and pyoxigraph
re-reads it into any other results format. CONSTRUCT triples are cut with
``islice``.
"""

from __future__ import annotations

import itertools
from typing import Any

from pyoxigraph import (
    DefaultGraph,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
    parse,
    parse_query_results,
    serialize,
)

Reply = tuple[dict[str, Any], bytes]


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


def _error(status: int, message: str) -> Reply:
    return {"status": status, "message": message}, b""


def _graphs(iris: list[str] | None) -> list[NamedNode | DefaultGraph] | None:
    return None if iris is None else [NamedNode(i) for i in iris]


def run_query(store: Store, job: dict[str, Any], prefixes: dict[str, str]) -> Reply:
    """Evaluate a SPARQL query and serialize its results, capped at ``max_rows``."""
    kwargs: dict[str, Any] = {"base_iri": job.get("base_iri")}
    if job.get("default_graphs") is not None or job.get("named_graphs") is not None:
        kwargs["default_graph"] = _graphs(job.get("default_graphs") or [])
        kwargs["named_graphs"] = [NamedNode(i) for i in job.get("named_graphs") or []]
    elif job.get("union"):
        kwargs["use_default_graph_as_union"] = True
    try:
        result = store.query(job["query"], **kwargs)
    except SyntaxError as exc:
        return _error(400, f"Requête SPARQL invalide : {exc}")
    max_rows = int(job["max_rows"])
    if isinstance(result, QueryBoolean):
        offer = job.get("boolean_format")
        if offer is None:
            return _error(406, "boolean")
        body = result.serialize(format=getattr(QueryResultsFormat, offer[1])) or b""
        rows, truncated = 1, False
    elif isinstance(result, QuerySolutions):
        offer = job.get("results_format")
        if offer is None:
            return _error(406, "results")
        body, rows, truncated = _solutions(result, offer[1], max_rows)
    else:
        offer = job.get("graph_format")
        if offer is None:
            return _error(406, "graph")
        triples = iter(result)
        fmt = getattr(RdfFormat, offer[1])
        items: Any = itertools.islice(triples, max_rows)
        if fmt.supports_datasets:
            items = (Quad(t.subject, t.predicate, t.object) for t in items)
        counted = _Counter(items)
        body = serialize(counted, format=fmt, prefixes=prefixes) or b""
        rows = counted.count
        truncated = rows == max_rows and next(triples, None) is not None
    header = {
        "status": 200,
        "media_type": offer[0],
        "rows": rows,
        "truncated": truncated,
    }
    return header, body


class _Counter:
    def __init__(self, items: Any) -> None:
        self._items = items
        self.count = 0

    def __iter__(self) -> Any:
        for item in self._items:
            self.count += 1
            yield item


def _solutions(result: QuerySolutions, fmt_name: str, max_rows: int) -> tuple[bytes, int, bool]:
    writer = _RowCountingWriter(max_rows)
    try:
        # pyoxigraph only calls write() and flush(); its stub asks for a whole IO[bytes].
        result.serialize(writer, format=QueryResultsFormat.TSV)  # type: ignore[arg-type]
    except _Enough:
        pass
    tsv = b"".join(writer.chunks)
    rows = writer.lines - 1
    if fmt_name == "TSV":
        body = tsv
    else:
        fmt = getattr(QueryResultsFormat, fmt_name)
        parsed = parse_query_results(tsv, format=QueryResultsFormat.TSV)
        body = parsed.serialize(format=fmt) or b""
        if writer.truncated and fmt_name == "JSON" and body.endswith(b"}"):
            note = (
                f',"cvkg:truncated":{{"maxRows":{max_rows},"message":"Résultat tronqué '
                f'à {max_rows} lignes (CVKG_MAX_ROWS)."}}}}'
            ).encode()
            body = body[:-1] + note
    return body, rows, writer.truncated


def run_update(path: str, job: dict[str, Any]) -> Reply:
    """Apply a SPARQL update with a read-write store opened just for it."""
    store = Store(path)
    try:
        store.update(job["update"], base_iri=job.get("base_iri"))
        store.flush()
    except SyntaxError as exc:
        return _error(400, f"Mise à jour SPARQL invalide : {exc}")
    finally:
        del store
    return {"status": 204}, b""


def _graph_name(job: dict[str, Any]) -> NamedNode | DefaultGraph:
    return DefaultGraph() if job.get("graph") is None else NamedNode(job["graph"])


def graph_read(store: Store, job: dict[str, Any], prefixes: dict[str, str]) -> Reply:
    """Graph Store Protocol GET/HEAD: the graph's triples, or 404."""
    graph = _graph_name(job)
    if isinstance(graph, NamedNode) and not store.contains_named_graph(graph):
        return _error(404, f"Graphe inconnu : <{graph.value}>")
    offer = job["graph_format"]
    if job.get("head"):
        return {"status": 200, "media_type": offer[0]}, b""
    body = store.dump(format=getattr(RdfFormat, offer[1]), from_graph=graph, prefixes=prefixes)
    return {"status": 200, "media_type": offer[0]}, body or b""


def payload_quads(
    job: dict[str, Any], payload: bytes, graph: NamedNode | DefaultGraph
) -> list[Quad]:
    """A Graph Store write's triples (its parts, cut from one payload), put in ``graph``."""
    quads = []
    offset = 0
    for part in job.get("parts", []):
        data = payload[offset : offset + part["length"]]
        offset += part["length"]
        for q in parse(
            data,
            format=getattr(RdfFormat, part["format"]),
            base_iri=job.get("base_iri"),
            without_named_graphs=True,
        ):
            quads.append(Quad(q.subject, q.predicate, q.object, graph))
    return quads


def graph_write(path: str, job: dict[str, Any], payload: bytes) -> Reply:
    """Graph Store Protocol PUT (replace), POST (merge) and DELETE."""
    graph = _graph_name(job)
    try:
        quads = payload_quads(job, payload, graph)
    except (SyntaxError, ValueError) as exc:
        return _error(400, f"RDF invalide : {exc}")
    store = Store(path)
    try:
        existed = isinstance(graph, DefaultGraph) or store.contains_named_graph(graph)
        if job["method"] == "DELETE":
            if isinstance(graph, DefaultGraph):
                store.clear_graph(graph)
            elif not existed:
                return _error(404, f"Graphe inconnu : <{graph.value}>")
            else:
                store.remove_graph(graph)
        else:
            if job["method"] == "PUT" and existed:
                store.clear_graph(graph)
            if isinstance(graph, NamedNode):
                store.add_graph(graph)
            store.extend(quads)
        store.flush()
    finally:
        del store
    return {"status": 204 if existed else 201}, b""


def named_graphs(store: Store) -> Reply:
    """The IRIs of the store's named graphs (for the service description)."""
    names = sorted(g.value for g in store.named_graphs() if isinstance(g, NamedNode))
    return {"status": 200, "graphs": names}, b""
