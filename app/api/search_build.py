"""Writing the search index of one data version into an SQLite file.

The index used to live in the server's heap: ≈ 170 k element texts, their
postings and the objects around them, well over 100 MB at 2 000 contracts,
kept for the server's whole life (Python seldom gives such memory back). On
disk it costs the server only SQLite's small page cache, and a restart on
the same data reopens it instead of reading and stemming the corpus again.

It is written by a short-lived child process (``python -m app.api.search_build``)
from the rows of ``libelles.rq`` that the server fetched through its query
workers as TSV files: the stemming and the postings never enter the server's
heap, and the child gives all its memory back when it exits. The file is
written under a temporary name and renamed, so a reader never sees half an
index. Normalisation and scoring data are those of the in-memory index it
replaces: :func:`app.enrichment.matching.tokens` keys, term frequencies and
text lengths in ``float32``, elements numbered in the source's order (contract
id, the element's source line, its IRI), which breaks ties whatever engine
gave the rows.

Schema (``SCHEMA_VERSION`` in ``meta``): ``elements(n, iri, contrat, classe,
notation, label, ligne)``, ``postings(stem, docs, tfs)`` with ``docs`` little-endian
``int32`` element numbers and ``tfs`` ``float32`` term frequencies, and the
``lengths`` of every element (``float32``, one blob).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sqlite3
import sys
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyoxigraph as ox

from app.config import ONTOLOGY_NS
from app.enrichment.matching import tokens
from app.queries import python_value

SCHEMA_VERSION = "1"
NICENESS = 5
_TSV = ox.QueryResultsFormat.TSV

Row = dict[str, Any]


def _short_class(iri: str | None) -> str | None:
    return iri[len(ONTOLOGY_NS) :] if iri and iri.startswith(ONTOLOGY_NS) else iri


def elements(rows: Iterable[Row]) -> list[tuple[tuple[Any, ...], str]]:
    """(element's columns, text to index) per element, in the source's order.

    ``libelles.rq`` gives one row per printed paragraph (and per class): an
    element's first row gives its columns, each paragraph is added to the
    description, which is indexed after the label. Elements come by contract
    id, then source line (none first), then IRI; paragraphs by their own line:
    the order of the rows is the engine's (the query has no ORDER BY, which
    made it 75 % slower).

    >>> rows = [{"element": "e2", "id": "a", "label": "deux", "ligne": 9},
    ...         {"element": "e1", "id": "a", "label": "un", "ligne": 3,
    ...          "description": "fin", "ligneParagraphe": 5},
    ...         {"element": "e1", "id": "a", "label": "un", "ligne": 3,
    ...          "description": "début", "ligneParagraphe": 4}]
    >>> [text for _, text in elements(rows)]
    ['un\\ndébut\\nfin', 'deux']
    """
    found: dict[str, tuple[tuple[Any, ...], list[tuple[int, str]]]] = {}
    for r in rows:
        more = r.get("description")
        paragraphs = [(r.get("ligneParagraphe") or 0, str(more))] if more else []
        known = found.get(r["element"])
        if known is not None:
            known[1].extend(paragraphs)
            continue
        columns = (
            r["element"],
            r["id"],
            _short_class(r.get("classe")),
            r.get("notation"),
            # str(): a label typed otherwise (an integer) is still text to search.
            str(r["label"]),
            r.get("ligne"),
        )
        found[r["element"]] = (columns, paragraphs)
    out = []
    for columns, paragraphs in sorted(found.values(), key=_in_source_order):
        description = "\n".join(text for _, text in sorted(paragraphs) if text)
        out.append((columns, f"{columns[4]}\n{description}" if description else columns[4]))
    return out


def _in_source_order(item: tuple[tuple[Any, ...], Any]) -> tuple[Any, ...]:
    element, contrat, _, _, _, ligne = item[0]
    return (contrat, ligne is not None, ligne or 0, element)


def write_index(rows: Iterable[Row], path: Path) -> int:
    """Index the rows of ``libelles.rq`` (in corpus order) into ``path``; the element count."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.executescript(
            """
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
            CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE elements(n INTEGER PRIMARY KEY, iri TEXT, contrat TEXT, classe TEXT,
                                  notation TEXT, label TEXT, ligne INTEGER);
            CREATE TABLE postings(stem TEXT PRIMARY KEY, docs BLOB, tfs BLOB) WITHOUT ROWID;
            CREATE TABLE lengths(value BLOB);
            """
        )
        # One (stem number, element number) pair per token, in two flat arrays:
        # a dict per stem would weigh ≈ 100 bytes per pair (millions of them).
        stem_ids: dict[str, int] = {}
        token_stems, token_elements = array("i"), array("i")
        lengths: list[int] = []
        batch: list[tuple[Any, ...]] = []
        for n, (columns, text) in enumerate(elements(rows)):
            toks = tokens(text)
            lengths.append(len(toks))
            for tok in toks:
                token_stems.append(stem_ids.setdefault(tok.key, len(stem_ids)))
                token_elements.append(n)
            batch.append((n, *columns))
            if len(batch) >= 10_000:
                db.executemany("INSERT INTO elements VALUES (?,?,?,?,?,?,?)", batch)
                batch = []
        db.executemany("INSERT INTO elements VALUES (?,?,?,?,?,?,?)", batch)
        postings = _postings(stem_ids, token_stems, token_elements)
        db.executemany("INSERT INTO postings VALUES (?,?,?)", postings)
        db.execute("INSERT INTO lengths VALUES (?)", (np.asarray(lengths, dtype="<f4").tobytes(),))
        db.executemany(
            "INSERT INTO meta VALUES (?,?)",
            [("schema", SCHEMA_VERSION), ("elements", str(len(lengths)))],
        )
        db.commit()
    finally:
        db.close()
    os.replace(tmp, path)
    return len(lengths)


def _postings(
    stem_ids: dict[str, int], token_stems: array[int], token_elements: array[int]
) -> Iterator[tuple[str, bytes, bytes]]:
    """(stem, element numbers ascending, term frequencies) per stem, from the token pairs."""
    stems = np.frombuffer(token_stems, dtype=np.int32)
    docs = np.frombuffer(token_elements, dtype=np.int32)
    if not len(stems):
        return
    order = np.lexsort((docs, stems))  # by stem, then element
    stems, docs = stems[order], docs[order]
    del order
    first = np.ones(len(stems), dtype=bool)  # first token of each (stem, element) pair
    first[1:] = (stems[1:] != stems[:-1]) | (docs[1:] != docs[:-1])
    starts = np.flatnonzero(first)
    tfs = np.diff(np.append(starts, len(stems))).astype("<f4")
    pair_stems, pair_docs = stems[starts], docs[starts].astype("<i4")
    bounds = np.flatnonzero(np.r_[True, pair_stems[1:] != pair_stems[:-1], True])
    names = {i: stem for stem, i in stem_ids.items()}
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        yield names[int(pair_stems[a])], pair_docs[a:b].tobytes(), tfs[a:b].tobytes()


def tsv_rows(files: Iterable[Path]) -> Iterator[Row]:
    """The rows of SPARQL TSV result files, as plain values (``app.queries.python_value``)."""
    for file in files:
        solutions = ox.parse_query_results(path=str(file), format=_TSV)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        for row in solutions:
            yield {n: python_value(row[n]) for n in names}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Écrit l'index de recherche (SQLite).")
    parser.add_argument("output", type=Path)
    parser.add_argument("tsv", type=Path, nargs="*", help="réponses de libelles.rq, dans l'ordre")
    args = parser.parse_args(argv)
    with contextlib.suppress(OSError):
        os.nice(NICENESS)  # below the server, as the query workers: pages stay quick
    count = write_index(tsv_rows(args.tsv), args.output)
    print(f"{count} éléments indexés dans {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
