"""/api/compare: contracts side by side, with the elements behind each difference."""

from __future__ import annotations

import httpx
import pytest
from api_helpers import read_csv

A, B, C = "ca-melun-val-de-seine-2024-2030", "contrat-de-ville-002d7387", "six-thematiques-629d7a99"


def _compare(client: httpx.Client, *ids: str, **extra) -> httpx.Response:
    return client.get("/api/compare", params=[("contrat", i) for i in ids] + list(extra.items()))


def test_two_contracts_side_by_side(client: httpx.Client) -> None:
    body = _compare(client, A, B).json()
    assert body["query"] == "/queries/concepts-par-contrat.rq"
    assert [c["id"] for c in body["contrats"]] == [A, B]
    assert body["themes"] and body["dispositifs"]
    for item in body["themes"] + body["dispositifs"]:
        present = [i for i in (A, B) if item["elements"][i]]
        assert item["presents_dans"] == present and present
        assert item["statut"] == ("partagé" if len(present) == 2 else "unique")
    statuses = {t["statut"] for t in body["themes"]}
    assert statuses == {"partagé", "unique"}
    shared = len([t for t in body["themes"] if t["statut"] == "partagé"])
    assert body["resume"]["themes"]["partages"] == shared
    score = body["similarite"]["score"]
    assert 0 < score < 1
    assert body["similarite"]["paires"] == [
        {
            "a": A,
            "b": B,
            "score": score,
            "themes": body["similarite"]["themes"],
            "dispositifs": body["similarite"]["dispositifs"],
        }
    ]


def test_each_unique_theme_comes_with_its_elements(client: httpx.Client) -> None:
    body = _compare(client, A, B).json()
    unique = [t for t in body["themes"] if t["statut"] == "unique"]
    assert unique
    for t in unique:
        (owner,) = t["presents_dans"]
        assert all(e["label"] and e["ligne_source"] for e in t["elements"][owner])
        (other,) = t["absents_de"]
        assert t["elements"][other] == []


def test_similarity_is_symmetric(client: httpx.Client) -> None:
    ab = _compare(client, A, B).json()["similarite"]
    ba = _compare(client, B, A).json()["similarite"]
    assert (ab["score"], ab["themes"], ab["dispositifs"]) == (
        ba["score"],
        ba["themes"],
        ba["dispositifs"],
    )


def test_three_contracts_have_partial_concepts_and_three_pairs(client: httpx.Client) -> None:
    body = _compare(client, A, B, C).json()
    assert len(body["similarite"]["paires"]) == 3
    assert "partiel" in {t["statut"] for t in body["themes"]}


def test_compare_as_csv(client: httpx.Client) -> None:
    frame = read_csv(_compare(client, A, B, format="csv"))
    body = _compare(client, A, B).json()
    assert len(frame) == len(body["themes"]) + len(body["dispositifs"])
    assert {"type", "id", "label", "statut", A, B, f"{A} elements"} <= set(frame.columns)
    shared = frame[frame["statut"] == "partagé"]
    assert (shared[A].astype(int) > 0).all() and (shared[B].astype(int) > 0).all()


@pytest.mark.parametrize(
    ("ids", "why"),
    [
        ((A,), "au moins deux"),
        ((A, A), "deux fois"),
        (tuple(f"c{i}" for i in range(13)), "au plus"),
        ((A, "Pas Un Id"), "mal formé"),
        ((), "au moins deux"),
    ],
)
def test_bad_contract_lists_are_422(client: httpx.Client, ids, why) -> None:
    r = _compare(client, *ids)
    assert r.status_code == 422
    detail = r.json()["detail"][0]
    assert detail["loc"] == ["query", "contrat"] and why in detail["msg"]


def test_unknown_contract_is_404(client: httpx.Client) -> None:
    r = _compare(client, A, "contrat-inconnu")
    assert r.status_code == 404 and "contrat-inconnu" in r.json()["detail"]
