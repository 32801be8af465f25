"""/api/contrats and /api/contrats/{id}: the list, and one contract whole."""

from __future__ import annotations

from pathlib import Path

import httpx
from api_helpers import read_csv

REPO = Path(__file__).resolve().parents[2]
MELUN = "ca-melun-val-de-seine-2024-2030"


def test_list_contrats_has_every_curated_contract(client: httpx.Client) -> None:
    body = client.get("/api/contrats").json()
    assert body["query"] == "/queries/contrats.rq"
    ids = [c["id"] for c in body["contrats"]]
    assert len(ids) == len(list((REPO / "data" / "contrats").glob("*.yaml"))) == body["count"]
    assert ids == sorted(ids)
    by_id = {c["id"]: c for c in body["contrats"]}
    # Printed generations (seeds 004 and 002) vs the curator's inferences, kept apart.
    assert by_id[MELUN]["generation"] == "2024-2030"
    assert by_id["contrat-de-ville-002d7387"]["generation"] == "2015-2020"
    assert by_id["quartiers-2030-1096beb0"]["generation"] is None
    assert by_id["quartiers-2030-1096beb0"]["generation_inferee"] == "2024-2030"
    assert by_id["quartiers-2030-1096beb0"]["raison_inference"]
    assert all(c["elements"] > 0 and c["source"].endswith(".txt") for c in body["contrats"])


def test_list_contrats_as_csv(client: httpx.Client) -> None:
    frame = read_csv(client.get("/api/contrats", headers={"Accept": "text/csv"}))
    assert {
        "id",
        "titre",
        "generation",
        "generation_inferee",
        "elements",
        "themes",
        "dispositifs",
    } <= set(frame.columns)
    assert len(frame) == client.get("/api/contrats").json()["count"]


def _walk(nodes, depth=1):
    for n in nodes:
        yield n, depth
        yield from _walk(n["enfants"], depth + 1)


def test_one_contract_has_tree_themes_dispositifs_and_key_figures(client: httpx.Client) -> None:
    body = client.get(f"/api/contrats/{MELUN}").json()
    assert body["contrat"]["id"] == MELUN
    nodes = list(_walk(body["arbre"]))
    assert len(nodes) == body["contrat"]["elements"]
    for node, _ in nodes:
        ranks = [child["rang"] for child in node["enfants"]]
        assert ranks == sorted(ranks)
    themes = {t["id"]: t for t in body["themes"]}
    assert themes["sante-mentale"]["elements"]
    assert {d["id"] for d in body["dispositifs"]} >= {"cls", "cite-educative"}
    figures = body["chiffres_cles"]
    assert figures and all(f["libelle"] and f["indicateur"] for f in figures)
    assert set(body["queries"]) == {
        "/queries/contrat-arbre.rq",
        "/queries/contrats.rq",
        "/queries/concepts-par-contrat.rq",
        "/queries/contrat-chiffres.rq",
    }


def test_one_contract_as_csv_is_its_tree(client: httpx.Client) -> None:
    frame = read_csv(client.get(f"/api/contrats/{MELUN}?format=csv"))
    body = client.get(f"/api/contrats/{MELUN}").json()
    assert len(frame) == body["contrat"]["elements"]
    assert frame["element"].is_unique
    tops = frame[frame["parent"] == ""]
    assert (tops["profondeur"] == "1").all() and len(tops) == len(body["arbre"])
    assert set(frame["parent"]) - {""} <= set(frame["element"])


def test_unknown_contract_is_404(client: httpx.Client) -> None:
    r = client.get("/api/contrats/contrat-inconnu")
    assert r.status_code == 404 and "contrat-inconnu" in r.json()["detail"]


def test_malformed_contract_id_is_422(client: httpx.Client) -> None:
    r = client.get("/api/contrats/Contrat%20Inconnu")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["path", "id"]
