"""Counting the rows of a SPARQL result in its serialized bytes, as they are written.

pyoxigraph writes each results format natively, in chunks of a few KiB, and
tells the writer nothing about rows. These counters find a row by a mark that
the format itself sets and a value cannot fake, so the worker can stop a
runaway evaluation without a second serialization (``app.server.execute``;
TSV, one row per line, is counted and cut there by its own exact writer):

* XML: ``<result>`` opens each row; a ``<`` in a value is written ``&lt;``: exact.
* CSV: one row per line, but a quoted value may hold a line break; a quote in a
  value is doubled, so a line break is a row's end exactly when an even number
  of quotes precedes it: exact.
* JSON: rows are separated by ``},{`` and the first follows ``"bindings":[{``;
  a string may contain ``},{`` (quotes, not braces, are escaped), which can
  only add to the count: an upper bound, exact unless a value holds ``},{``.
  Over the cap, the worker counts again exactly (TSV) before cutting.

>>> count = RowMarks.for_format("JSON")
>>> count(b'{"head":{"vars":["a"]},"results":{"bindings":[{},{'), count(b'}]}}')
(2, 2)
>>> count = RowMarks.for_format("CSV")
>>> count(b'a\\r\\n"x\\r\\ny",\\r\\n"'), count(b'""z"\\r\\n')
(1, 2)
>>> RowMarks.for_format("XML")(b"<results><result></result><result></result></results>")
2
"""

from __future__ import annotations

from collections.abc import Callable

_JSON_FIRST = b'"bindings":[{'


class RowMarks:
    """Rows seen so far in a stream of chunks (``__call__`` takes the next chunk).

    A mark cut between two chunks is found: the last bytes of a chunk are
    kept and searched again with the next one.
    """

    def __init__(self, mark: bytes, *, first: bytes = b"") -> None:
        self.mark = mark
        self.first = first  # a mark met once, before the others: looked for until found
        self.keep = max(len(mark), len(first)) - 1
        self.seen = 0
        self.tail = b""

    @staticmethod
    def for_format(name: str) -> Callable[[bytes], int]:
        """The counter for a ``QueryResultsFormat`` name (``JSON``, ``XML``, ``CSV``)."""
        if name == "CSV":
            return _CsvLines()
        if name == "XML":
            return RowMarks(b"<result>")
        if name == "JSON":
            return RowMarks(b"},{", first=_JSON_FIRST)
        raise ValueError(f"format de résultats inconnu : {name}")

    def __call__(self, chunk: bytes) -> int:
        data = self.tail + chunk
        # A mark lying wholly in the kept tail was counted with the previous chunk.
        self.seen += data.count(self.mark) - self.tail.count(self.mark)
        if self.first and self.first in data:
            self.seen += 1
            self.first = b""
        self.tail = data[-self.keep :] if self.keep else b""
        return self.seen


class _CsvLines:
    """Line ends outside quoted values, less the header line."""

    def __init__(self) -> None:
        self.ends = 0
        self.quoted = False  # inside a quoted value at the end of the last chunk

    def __call__(self, chunk: bytes) -> int:
        pieces = chunk.split(b'"')
        start = 1 if self.quoted else 0
        self.ends += sum(p.count(b"\n") for p in pieces[start::2])
        self.quoted = (len(pieces) - 1 + self.quoted) % 2 == 1
        return max(0, self.ends - 1)
