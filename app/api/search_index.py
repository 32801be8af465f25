"""The search index of one data version, read from its SQLite file.

Scanning every label for each search would grow with the country; the index
maps each stem to the elements containing it, so a search only touches the
elements that contain one of its words. Normalisation is the tagging's own
(:func:`app.enrichment.matching.tokens`: case, accents, elisions, stop words,
Snowball French stems), so *santé mentale*, *SANTE MENTALE* and *santés
mentales* find the same elements.

Ranking is BM25 (k1 = 1.2, b = 0.75), after the number of distinct query words
an element contains: an element with every word comes before one with some.
The file (written by :mod:`app.api.search_build`) keeps each stem's postings
as two packed arrays, read with one lookup and scored as numpy vectors; only
the element lengths (4 bytes each) stay in memory, and only the hits shown
are read back as elements. The server's heap holds no corpus.

>>> import tempfile, pathlib
>>> from app.api.search_build import write_index
>>> folder = tempfile.TemporaryDirectory()
>>> path = pathlib.Path(folder.name) / "index.sqlite"
>>> rows = [{"element": "e1", "id": "c", "label": "Santé mentale des jeunes"},
...         {"element": "e2", "id": "c", "label": "Accès à la santé"}]
>>> write_index(rows, path)
2
>>> [(h.element.iri, h.matched) for h in SearchIndex(path).search("SANTES MENTALES", 10)[1]]
[('e1', 2), ('e2', 1)]
>>> folder.cleanup()
"""

from __future__ import annotations

import html
import json
import math
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.enrichment.matching import tokens

K1 = 1.2
B = 0.75


@dataclass(frozen=True, slots=True)
class Element:
    """One strategic element as a search result shows it (``libelles.rq``)."""

    iri: str
    contrat: str
    classe: str | None
    notation: str | None
    label: str
    ligne: int | None


@dataclass(frozen=True)
class Hit:
    element: Element
    score: float
    matched: int  # distinct query stems the element contains


class SearchIndex:
    """Stems → (element numbers, term frequencies) in an SQLite file, lengths in memory.

    One read-only connection, shared under a lock: a search holds it for a few
    milliseconds, and an open connection keeps reading its file even if a
    newer index replaces it on disk.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        (blob,) = self._db.execute("SELECT value FROM lengths").fetchone()
        self.lengths = np.frombuffer(blob, dtype="<f4")
        self.average = (float(self.lengths.mean()) if len(self.lengths) else 0.0) or 1.0
        # The BM25 length normalisation of every element, the same for every search.
        self.norm = K1 * (1 - B + B * self.lengths / self.average)

    def __len__(self) -> int:
        return len(self.lengths)

    def close(self) -> None:
        self._db.close()

    def _postings(self, stem: str) -> tuple[np.ndarray, np.ndarray] | None:
        with self._lock:
            found = self._db.execute(
                "SELECT docs, tfs FROM postings WHERE stem = ?", (stem,)
            ).fetchone()
        if found is None:
            return None
        return np.frombuffer(found[0], dtype="<i4"), np.frombuffer(found[1], dtype="<f4")

    def _elements(self, numbers: list[int]) -> dict[int, Element]:
        with self._lock:
            rows = self._db.execute(
                "SELECT n, iri, contrat, classe, notation, label, ligne FROM elements "
                "WHERE n IN (SELECT value FROM json_each(?))",
                (json.dumps(numbers),),
            ).fetchall()
        return {r[0]: Element(*r[1:]) for r in rows}

    def search(self, q: str, limit: int) -> tuple[list[str], list[Hit], int]:
        """(query stems, best ``limit`` hits, number of elements matched)."""
        stems = list(dict.fromkeys(t.key for t in tokens(q)))
        n = len(self.lengths)
        if not stems or not n:
            return stems, [], 0
        scores = np.zeros(n, dtype=np.float32)
        matched = np.zeros(n, dtype=np.int16)
        norm = self.norm
        for stem in stems:
            postings = self._postings(stem)
            if postings is None:
                continue
            docs, tf = postings
            idf = math.log(1 + (n - len(docs) + 0.5) / (len(docs) + 0.5))
            scores[docs] += idf * tf * (K1 + 1) / (tf + norm[docs])
            matched[docs] += 1
        found = np.flatnonzero(matched)
        if not len(found):
            return stems, [], 0
        # Rank by words matched, then BM25: one key, words matched dominate.
        key = matched[found].astype(np.float64) * 1e6 + scores[found]
        if len(found) > limit:
            best = np.argpartition(-key, limit - 1)[:limit]
            order = best[np.argsort(-key[best], kind="stable")]
        else:
            order = np.argsort(-key, kind="stable")
        top = [int(i) for i in found[order]]
        shown = self._elements(top)
        hits = [Hit(shown[i], round(float(scores[i]), 3), int(matched[i])) for i in top]
        return stems, hits, int(len(found))


def highlight(text: str, stems: Iterable[str]) -> tuple[str, list[tuple[int, int]]]:
    """``text`` as HTML with the query's words in ``<mark>``, and their character spans.

    >>> highlight("Prévenir la <santé> mentale", ["sant"])[0]
    'Prévenir la &lt;<mark>santé</mark>&gt; mentale'
    """
    wanted = set(stems)
    spans = [(t.start, t.end) for t in tokens(text) if t.key in wanted]
    out, last = [], 0
    for start, end in spans:
        out.append(html.escape(text[last:start], quote=False))
        out.append(f"<mark>{html.escape(text[start:end], quote=False)}</mark>")
        last = end
    out.append(html.escape(text[last:], quote=False))
    return "".join(out), spans
