"""/api/dispositifs: programmes and the contracts and elements mobilising each."""

from __future__ import annotations

import httpx
from api_helpers import fold, read_csv


def test_list_dispositifs(client: httpx.Client) -> None:
    body = client.get("/api/dispositifs").json()
    assert body["query"] == "/queries/dispositifs.rq"
    items = {d["id"]: d for d in body["dispositifs"]}
    assert items["cls"]["sigle"] == "CLS" and items["cls"]["label"] == "Contrat local de santé"
    assert items["cls"]["contrats"] == 1 and items["cls"]["elements"] >= 1
    frame = read_csv(client.get("/api/dispositifs?format=csv"))
    assert len(frame) == len(items) and {"id", "sigle", "label", "contrats"} <= set(frame.columns)


def test_cls_is_mobilised_where_the_text_names_it(
    client: httpx.Client, seed_mentions, seeds_dir
) -> None:
    body = client.get("/api/dispositifs/cls").json()
    assert body["query"] == "/queries/contrats-par-dispositif.rq"
    sources = {c["id"]: c["source"] for c in client.get("/api/contrats").json()["contrats"]}
    named = set(seed_mentions("contrat local de santé")) | set(seed_mentions("CLS"))
    assert {sources[c["id"]] for c in body["contrats"]} == named
    for c in body["contrats"]:
        for e in c["elements"]:
            assert e["methode"] == "règle" and e["mots_reconnus"]
            line = (
                (seeds_dir / e["source"])
                .read_text(encoding="utf-8")
                .splitlines()[e["ligne_source"] - 1]
            )
            assert any(fold(w) in fold(line) for w in e["mots_reconnus"])


def test_dispositif_as_csv(client: httpx.Client) -> None:
    body = client.get("/api/dispositifs/cls").json()
    frame = read_csv(client.get("/api/dispositifs/cls", headers={"Accept": "text/csv"}))
    assert len(frame) == sum(len(c["elements"]) for c in body["contrats"])
    assert {"contrat", "element", "label", "chemin", "mots_reconnus"} <= set(frame.columns)


def test_unknown_and_malformed_dispositifs(client: httpx.Client) -> None:
    assert client.get("/api/dispositifs/pas-un-dispositif").status_code == 404
    r = client.get("/api/dispositifs/CLS")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["path", "id"]
