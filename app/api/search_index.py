"""An in-memory inverted index of the elements' French text, built once per data version.

Scanning every label for each search would grow with the country; the index
maps each stem to the elements containing it, so a search only touches the
elements that contain one of its words. Normalisation is the tagging's own
(:func:`app.enrichment.matching.tokens`: case, accents, elisions, stop words,
Snowball French stems), so *santé mentale*, *SANTE MENTALE* and *santés
mentales* find the same elements.

Ranking is BM25 (k1 = 1.2, b = 0.75), after the number of distinct query words
an element contains: an element with every word comes before one with some.
Postings are numpy arrays, so scoring a frequent word over many elements is a
vector operation, not a Python loop.

>>> from app.api.catalog import Element
>>> idx = SearchIndex([Element("e1", "c", None, None, "Santé mentale des jeunes", 1),
...                    Element("e2", "c", None, None, "Accès à la santé", 2)])
>>> [(h.element.iri, h.matched) for h in idx.search("SANTES MENTALES", 10)[1]]
[('e1', 2), ('e2', 1)]
"""

from __future__ import annotations

import html
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from app.api.catalog import Element
from app.enrichment.matching import tokens

K1 = 1.2
B = 0.75


@dataclass(frozen=True)
class Hit:
    element: Element
    score: float
    matched: int  # distinct query stems the element contains


class SearchIndex:
    """Stems → (element numbers, term frequencies), with element lengths for BM25."""

    def __init__(self, elements: Iterable[Element]) -> None:
        self.elements: list[Element] = []
        lengths: list[int] = []
        postings: dict[str, dict[int, int]] = defaultdict(dict)
        for n, element in enumerate(elements):
            self.elements.append(element)
            text = (
                f"{element.label}\n{element.description}" if element.description else element.label
            )
            toks = tokens(text)
            lengths.append(len(toks))
            for tok in toks:
                bucket = postings[tok.key]
                bucket[n] = bucket.get(n, 0) + 1
        self.lengths = np.asarray(lengths, dtype=np.float32)
        self.average = float(self.lengths.mean()) if lengths else 1.0
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {
            stem: (
                np.fromiter(docs.keys(), dtype=np.int32, count=len(docs)),
                np.fromiter(docs.values(), dtype=np.float32, count=len(docs)),
            )
            for stem, docs in postings.items()
        }

    def __len__(self) -> int:
        return len(self.elements)

    def search(self, q: str, limit: int) -> tuple[list[str], list[Hit], int]:
        """(query stems, best ``limit`` hits, number of elements matched)."""
        stems = list(dict.fromkeys(t.key for t in tokens(q)))
        n = len(self.elements)
        if not stems or not n:
            return stems, [], 0
        scores = np.zeros(n, dtype=np.float32)
        matched = np.zeros(n, dtype=np.int16)
        norm = K1 * (1 - B + B * self.lengths / self.average)
        for stem in stems:
            if stem not in self.postings:
                continue
            docs, tf = self.postings[stem]
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
        top = found[order]
        hits = [Hit(self.elements[i], round(float(scores[i]), 3), int(matched[i])) for i in top]
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
