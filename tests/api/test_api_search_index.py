"""The search index on disk: rankings as BM25 defines them on the elements' texts,
kept in a file beside the store and reopened, not rebuilt, by the next server.

The expected rankings are computed here, from the texts the graph holds (labels
and printed paragraphs, verbatim from the seeds) with the textbook BM25 of the
API's documentation (k1 = 1.2, b = 0.75, elements with more of the query's
words first), not by the code under test.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from app.enrichment.matching import tokens
from app.server.live import LiveServer, live_server

CORPUS = """
PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?element ?label ?classe ?description WHERE {
  ?element cdv:contrat ?contrat ; skos:prefLabel ?label ; a ?classe .
  OPTIONAL { ?element cdv:passageDescriptif ?p . ?p rdf:value ?description }
}"""
QUERIES = [
    "santé mentale",
    "jeunes",
    "emploi et insertion professionnelle",
    "prévention de la délinquance",
    "habitat",
    "réussite éducative",
    "Politique de la ville",
    "xylophone",
]


@pytest.fixture(scope="module")
def texts(client: httpx.Client) -> dict[str, str]:
    """Each element's searched text: its label, then its paragraphs (one per row, as read)."""
    response = client.post(
        "/sparql", data={"query": CORPUS}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    labels: dict[str, str] = {}
    paragraphs: dict[str, list[str]] = {}
    for b in response.json()["results"]["bindings"]:
        e = b["element"]["value"]
        labels.setdefault(e, b["label"]["value"])
        if "description" in b and b["description"]["value"]:
            paragraphs.setdefault(e, []).append(b["description"]["value"])
    return {
        e: "\n".join([label, "\n".join(paragraphs[e])]) if e in paragraphs else label
        for e, label in labels.items()
    }


def bm25(texts: dict[str, str], q: str) -> list[tuple[str, int, float]]:
    """(element, query words it contains, BM25), best first."""
    words = list(dict.fromkeys(t.key for t in tokens(q)))
    bags = {e: Counter(t.key for t in tokens(text)) for e, text in texts.items()}
    n = len(bags)
    average = sum(sum(b.values()) for b in bags.values()) / n
    having = {w: sum(1 for b in bags.values() if w in b) for w in words}
    ranked = []
    for e, bag in bags.items():
        found = [w for w in words if w in bag]
        if not found:
            continue
        length = sum(bag.values())
        score = 0.0
        for w in found:
            idf = math.log(1 + (n - having[w] + 0.5) / (having[w] + 0.5))
            tf = bag[w]
            score += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * length / average))
        ranked.append((e, len(found), score))
    return sorted(ranked, key=lambda r: (-r[1], -r[2]))


@pytest.mark.parametrize("q", QUERIES)
def test_search_ranks_as_bm25_on_the_texts(client: httpx.Client, texts, q: str) -> None:
    expected = bm25(texts, q)
    body = client.get("/api/search", params={"q": q, "limit": 200}).json()
    got = [(r["iri"], r["mots_trouves"], r["score"]) for r in body["resultats"]]
    assert body["total"] == len(expected)
    assert len(got) == min(200, len(expected))
    want = {e: (m, s) for e, m, s in expected}
    for iri, matched, score in got:  # each hit's words and score, as the texts give them
        assert want[iri][0] == matched
        assert score == pytest.approx(want[iri][1], abs=2e-3)
    # The same order, except between elements whose scores tie (to float32 precision).
    keys = [(want[iri][0], round(want[iri][1], 3)) for iri, _, _ in got]
    assert keys == sorted(keys, key=lambda k: (-k[0], -k[1]))
    if got:  # every element clearly better than the last one shown is shown
        last = (expected[len(got) - 1][1], expected[len(got) - 1][2])
        better = {e for e, m, s in expected if (m, s - 2e-3) > last}
        assert better <= {iri for iri, _, _ in got}


def test_the_index_is_a_file_beside_the_store_and_reused(
    api_server: LiveServer, client: httpx.Client, built_dir: Path, tmp_path: Path
) -> None:
    """The first server wrote the index under its store; a second server on the same
    store and build opens that file (not rewritten) and answers the same."""
    first = client.get("/api/search", params={"q": "santé mentale", "limit": 50}).json()
    store = Path(api_server.env["CVKG_STORE_DIR"])
    files = list((store / "cvkg-derive").glob("recherche-*.sqlite"))
    assert len(files) == 1, files
    written = files[0].stat().st_mtime_ns
    env = {**api_server.env, "CVKG_QUERY_WORKERS": "1"}
    with live_server(None, tmp_path / "second.log", env=env) as second:
        again = httpx.get(
            f"{second.url}/api/search", params={"q": "santé mentale", "limit": 50}, timeout=60
        ).json()
        health = httpx.get(f"{second.url}/healthz", timeout=10).json()
    assert [r["iri"] for r in again["resultats"]] == [r["iri"] for r in first["resultats"]]
    assert files[0].stat().st_mtime_ns == written
    assert "api_ready" in health


def test_healthz_says_when_the_api_is_ready(client: httpx.Client) -> None:
    """``api_ready`` turns true once the start-up preparation is over (bounded wait)."""
    deadline = time.monotonic() + 300
    while not client.get("/healthz").json()["api_ready"]:
        assert time.monotonic() < deadline, "API jamais prête"
        time.sleep(0.2)
