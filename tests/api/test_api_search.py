"""/api/search: French full-text search, accent- and case-insensitive, stem-aware."""

from __future__ import annotations

import httpx
import pytest
from api_helpers import fold, read_csv


def _search(client: httpx.Client, q: str, **params) -> httpx.Response:
    return client.get("/api/search", params={"q": q, **params})


def test_search_is_accent_case_and_stem_insensitive(client: httpx.Client) -> None:
    answers = [
        _search(client, q, limit=200).json()
        for q in ("santé mentale", "SANTE MENTALE", "Santés Mentales")
    ]
    ids = [[r["iri"] for r in a["resultats"]] for a in answers]
    assert ids[0] == ids[1] == ids[2] and ids[0]
    assert answers[0]["racines"] == answers[2]["racines"]


def test_search_ranks_elements_with_every_word_first_and_marks_them(
    client: httpx.Client, seed_mentions
) -> None:
    body = _search(client, "santé mentale", limit=200).json()
    assert body["query"] == "/queries/libelles.rq"
    results = body["resultats"]
    both = [r for r in results if r["mots_trouves"] == 2]
    assert results[: len(both)] == both  # all-words matches come first
    assert all("sante mentale" in fold(r["label"]) for r in both)
    assert {r["contrat"] for r in both} == {
        "quartiers-2030-1096beb0",
        "six-thematiques-629d7a99",
        "ca-melun-val-de-seine-2024-2030",
    }
    top = results[0]
    assert "<mark>" in top["surligne"] and top["positions"]
    for start, end in top["positions"]:
        assert fold(top["label"][start:end]) in {"sante", "mentale"}
    assert body["total"] >= len(results) and [r["rang"] for r in results] == list(
        range(1, len(results) + 1)
    )
    scores = [r["score"] for r in both]
    assert scores == sorted(scores, reverse=True)


def test_search_highlights_are_escaped_html(client: httpx.Client) -> None:
    for r in _search(client, "jeunes", limit=50).json()["resultats"]:
        stripped = r["surligne"].replace("<mark>", "").replace("</mark>", "")
        assert "<" not in stripped


def test_search_limit_and_csv(client: httpx.Client) -> None:
    assert len(_search(client, "emploi", limit=3).json()["resultats"]) == 3
    frame = read_csv(_search(client, "emploi", limit=5, format="csv"))
    assert len(frame) == 5 and list(frame["rang"]) == ["1", "2", "3", "4", "5"]
    assert {"contrat", "element", "label", "surligne", "score"} <= set(frame.columns)


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": "la des pour"},
        {"q": "emploi", "limit": "0"},
        {"q": "emploi", "limit": "1000"},
        {},
    ],
)
def test_bad_searches_are_422(client: httpx.Client, params) -> None:
    r = client.get("/api/search", params=params)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"][0] == "query"


def test_search_with_no_match_is_empty(client: httpx.Client) -> None:
    body = _search(client, "xylophone").json()
    assert body["resultats"] == [] and body["total"] == 0


def test_a_label_typed_as_a_number_does_not_break_search(tmp_path) -> None:
    """Served data with an integer ``skos:prefLabel`` (a file given to ``--data``; the
    admin's writes are refused such a label): search still answers, the number as text."""
    from app.server.live import live_server

    base = "https://w3id.org/contrats-de-ville/id/"
    cdv = "https://w3id.org/contrats-de-ville/onto#"
    label = "http://www.w3.org/2004/02/skos/core#prefLabel"
    contract, graph = f"{base}contrat/essai-2024-2030", f"{base}graph/contrat/essai-2024-2030"
    lines = [
        f"<{contract}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{cdv}Contrat> <{graph}> .",
        f'<{contract}> <http://purl.org/dc/terms/identifier> "essai-2024-2030" <{graph}> .',
    ]
    integer = '"42"^^<http://www.w3.org/2001/XMLSchema#integer>'
    for eid, text in (("a", '"Santé mentale des jeunes"@fr'), ("b", integer)):
        element = f"{contract}/{eid}"
        lines += [
            f"<{element}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{cdv}Axe> <{graph}> .",
            f"<{element}> <{cdv}contrat> <{contract}> <{graph}> .",
            f"<{element}> <{label}> {text} <{graph}> .",
        ]
    data = tmp_path / "essai.nq"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with live_server([data], tmp_path / "server.log") as server:
        for q in ("santé", "42"):
            response = httpx.get(f"{server.url}/api/search", params={"q": q}, timeout=60)
            assert response.status_code == 200, response.text
        assert response.json()["resultats"][0]["label"] == "42"
