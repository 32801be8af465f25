"""The worker's row cap, format by format, on values made to fool a row counter.

Each answer is checked against pyoxigraph's own serialization of the same
results (under the cap: the same bytes) or against its parse (over the cap:
the first ``max_rows`` rows, in order, and ``truncated``).
"""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest

from app.server import execute, ipc
from app.server.row_marks import RowMarks

XSD_INT = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
TRICKY = [
    "a},{b",
    '"bindings":[{',
    "line\nbreak",
    "cr\r\nlf",
    'quote " inside',
    '""',
    "<result>x</result>",
    "tab\tand,comma",
    "},{},{}",
    "",
]
FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
QUERY = "SELECT ?i ?s ?v ?none WHERE { ?s <http://ex/v> ?v ; <http://ex/i> ?i } ORDER BY ?i"
EMPTY_ROWS = "SELECT ?none WHERE { ?s <http://ex/i> ?i } ORDER BY ?i"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    s = ox.Store()
    for i in range(30):
        node = ox.NamedNode(f"http://ex/s{i}")
        s.add(ox.Quad(node, ox.NamedNode("http://ex/i"), ox.Literal(str(i), datatype=XSD_INT)))
        s.add(ox.Quad(node, ox.NamedNode("http://ex/v"), ox.Literal(TRICKY[i % len(TRICKY)])))
    return s


def _run(store: ox.Store, query: str, media_type: str, max_rows: int) -> tuple[ipc.Answer, bytes]:
    job = ipc.QueryJob(query, max_rows=max_rows, results_format=media_type)
    answer, body = execute.run_query(store, job, {})
    assert isinstance(answer, ipc.Answer)
    return answer, body


def _rows(body: bytes, fmt: ox.QueryResultsFormat) -> list[list[str | None]]:
    """The rows of an answer, read back (CSV, which pyoxigraph will not parse, by ``csv``)."""
    if fmt == ox.QueryResultsFormat.CSV:
        return list(csv.reader(io.StringIO(body.decode(), newline="")))[1:]  # type: ignore[arg-type]
    body = body.split(b',"cvkg:truncated"')[0] + b"}" if b"cvkg:truncated" in body else body
    solutions = ox.parse_query_results(body, format=fmt)
    assert isinstance(solutions, ox.QuerySolutions)
    return [[None if t is None else str(t) for t in row] for row in solutions]


every_case = pytest.mark.parametrize(
    ("media_type", "query"), [(m, q) for m in FORMATS for q in (QUERY, EMPTY_ROWS)]
)


@every_case
def test_under_the_cap_the_answer_is_pyoxigraphs_own_bytes(
    store: ox.Store, media_type: str, query: str
) -> None:
    fmt = FORMATS[media_type]
    expected = store.query(query).serialize(format=fmt)
    for max_rows in (30, 31, 1000):
        answer, body = _run(store, query, media_type, max_rows)
        assert body == expected
        assert not answer.truncated
        if fmt == ox.QueryResultsFormat.JSON and query == QUERY:
            assert answer.rows >= 30  # an upper bound: values here hold « },{ »
        else:
            assert answer.rows == 30


@every_case
def test_over_the_cap_the_first_rows_in_order_and_said_so(
    store: ox.Store, media_type: str, query: str
) -> None:
    fmt = FORMATS[media_type]
    every = _rows(store.query(query).serialize(format=fmt), fmt)
    for max_rows in (1, 2, 7, 11, 29):
        answer, body = _run(store, query, media_type, max_rows)
        assert _rows(body, fmt) == every[:max_rows]
        assert (answer.rows, answer.truncated) == (max_rows, True)


@pytest.mark.parametrize("name", ["JSON", "XML"])
def test_row_marks_count_alike_however_the_bytes_are_cut(name: str) -> None:
    """A mark across two chunks, or in a chunk shorter than a mark, counts once."""
    store = ox.Store()
    for i, value in enumerate(TRICKY * 3):
        node = ox.NamedNode(f"http://ex/s{i}")
        store.add(ox.Quad(node, ox.NamedNode("http://ex/v"), ox.Literal(value)))
    fmt = getattr(ox.QueryResultsFormat, name)
    body = store.query("SELECT ?s ?v WHERE { ?s <http://ex/v> ?v }").serialize(format=fmt)
    assert body is not None
    whole = RowMarks.for_format(name)(body)
    assert whole >= len(TRICKY) * 3  # JSON: an upper bound (a value may hold "},{")
    for size in (1, 2, 3, 5, 12, 13, 14, 64):
        count = RowMarks.for_format(name)
        seen = 0
        for start in range(0, len(body), size):
            seen = count(body[start : start + size])
        assert seen == whole, size
