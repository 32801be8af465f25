"""/api/themes and /api/themes/{theme}: the thesaurus, and who addresses a theme.

The reference question: which contracts address mental health? The expected
answer comes from the source documents (seeds 000, 001 and 004 print « santé
mentale »; 002 and 003 never do), and each piece of evidence must point at a
source line that says it.
"""

from __future__ import annotations

import httpx
from api_helpers import fold, read_csv

# grep -il "santé mentale" ../shared/seeds/*.txt → 000, 001, 004
MENTAL_HEALTH = {
    "quartiers-2030-1096beb0",
    "six-thematiques-629d7a99",
    "ca-melun-val-de-seine-2024-2030",
}


def test_list_themes_gives_counts_with_narrower_themes(client: httpx.Client) -> None:
    body = client.get("/api/themes").json()
    assert body["query"] == "/queries/themes.rq"
    themes = {t["id"]: t for t in body["themes"]}
    assert body["count"] == len(themes) > 10
    mental = themes["sante-mentale"]
    assert mental["label"] == "Santé mentale" and mental["label_en"]
    assert mental["broader"] == ["sante"]
    assert mental["contrats"] == len(MENTAL_HEALTH)
    # A broader theme counts its narrower themes' elements too.
    assert themes["sante"]["elements"] >= mental["elements"] > 0
    assert themes["sante"]["contrats"] >= mental["contrats"]


def test_list_themes_as_csv(client: httpx.Client) -> None:
    frame = read_csv(client.get("/api/themes", headers={"Accept": "text/csv"}))
    body = client.get("/api/themes").json()
    assert list(frame.columns[:6]) == ["id", "label", "label_en", "broader", "contrats", "elements"]
    assert len(frame) == body["count"]
    row = frame.set_index("id").loc["sante-mentale"]
    assert row["broader"] == "sante" and int(row["contrats"]) == len(MENTAL_HEALTH)


def test_mental_health_contracts_are_those_whose_text_says_so(
    client: httpx.Client, seed_mentions
) -> None:
    body = client.get("/api/themes/sante-mentale").json()
    found = {c["id"] for c in body["contrats"]}
    assert found == MENTAL_HEALTH
    sources = {c["id"]: c["source"] for c in client.get("/api/contrats").json()["contrats"]}
    assert {sources[i] for i in found} == set(seed_mentions("santé mentale"))
    assert body["count"] == len(found)
    assert body["query"] == "/queries/contrats-par-theme.rq"
    assert body["parameters"] == {"theme": body["theme"]["iri"]}


def test_mental_health_evidence_points_at_source_lines(client: httpx.Client, seeds_dir) -> None:
    """A rule's evidence is words of the element, on its source line; a curator's, a reason."""
    body = client.get("/api/themes/sante-mentale").json()
    methods = set()
    for contrat in body["contrats"]:
        assert contrat["elements"], contrat["id"]
        for e in contrat["elements"]:
            assert e["theme_reconnu"] == "sante-mentale"
            lines = (seeds_dir / e["source"]).read_text(encoding="utf-8").splitlines()
            start = e["ligne_source"] - 1
            assert fold(e["label"])[:20] in fold(" ".join(lines[start : start + 3])), e
            methods.add(e["methode"])
            if e["methode"] == "règle":
                assert e["mots_reconnus"], e
                for words in e["mots_reconnus"]:
                    assert fold(words) in fold(e["label"]), e
            else:
                assert e["methode"] == "curateur" and e["raison"], e
    assert "règle" in methods


def test_mental_health_evidence_has_path_to_top_of_tree(client: httpx.Client) -> None:
    body = client.get("/api/themes/sante-mentale").json()
    melun = next(c for c in body["contrats"] if c["id"] == "ca-melun-val-de-seine-2024-2030")
    tree = read_csv(client.get("/api/contrats/ca-melun-val-de-seine-2024-2030?format=csv"))
    parents = dict(zip(tree["element"], tree["parent"], strict=True))
    for e in melun["elements"]:
        chain = [step["id"] for step in e["chemin"]]
        assert chain, e["id"]  # no top-level element says « santé mentale » there
        assert parents[chain[0]] == ""  # the path starts at the top of the tree
        for child, parent in zip([*chain[1:], e["id"]], chain, strict=True):
            assert parents[child] == parent


def test_mental_health_through_the_sparql_file(client: httpx.Client) -> None:
    text = client.get("/queries/contrats-par-theme.rq")
    assert text.status_code == 200
    assert text.text.startswith("# contrats-par-theme — ")
    assert "@param ?theme iri" in text.text
    answer = client.post(
        "/sparql",
        content=text.text.encode(),
        headers={
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json",
        },
    )
    assert answer.status_code == 200, answer.text
    rows = answer.json()["results"]["bindings"]
    assert {r["id"]["value"] for r in rows} == MENTAL_HEALTH
    api = client.get("/api/themes/sante-mentale").json()
    assert len(rows) == sum(len(c["elements"]) for c in api["contrats"])


def test_mental_health_through_the_sparql_file_in_a_notebook(built_dump) -> None:
    """The published file, run as is on the dump, as a researcher would in a notebook."""
    import pyoxigraph as ox

    from app.queries import QUERY_DIR

    store = ox.Store()
    store.bulk_load(path=str(built_dump), format=ox.RdfFormat.N_QUADS)
    text = (QUERY_DIR / "contrats-par-theme.rq").read_text(encoding="utf-8")
    rows = list(store.query(text, use_default_graph_as_union=True))
    assert {r["id"].value for r in rows} == MENTAL_HEALTH


def test_theme_as_csv_has_one_row_per_element(client: httpx.Client) -> None:
    frame = read_csv(client.get("/api/themes/sante-mentale?format=csv"))
    body = client.get("/api/themes/sante-mentale").json()
    assert len(frame) == sum(len(c["elements"]) for c in body["contrats"])
    assert set(frame["contrat"]) == MENTAL_HEALTH
    assert {"label", "chemin", "ligne_source", "mots_reconnus", "theme_reconnu"} <= set(
        frame.columns
    )
    assert (frame["theme_reconnu"] == "sante-mentale").all()


def test_broader_theme_finds_elements_of_narrower_ones(client: httpx.Client) -> None:
    broad = client.get("/api/themes/sante").json()
    assert MENTAL_HEALTH <= {c["id"] for c in broad["contrats"]}
    reasons = {e["theme_reconnu"] for c in broad["contrats"] for e in c["elements"]}
    assert {"sante", "sante-mentale"} <= reasons


def test_unknown_theme_is_404(client: httpx.Client) -> None:
    r = client.get("/api/themes/theme-qui-n-existe-pas")
    assert r.status_code == 404
    assert "theme-qui-n-existe-pas" in r.json()["detail"]


def test_malformed_theme_is_422(client: httpx.Client) -> None:
    r = client.get("/api/themes/Sant%C3%A9%20Mentale")
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["path", "theme"]


def test_contracts_come_by_pages(client: httpx.Client) -> None:
    seen, url = [], "/api/themes/sante-mentale?limit=2"
    while url:
        body = client.get(url).json()
        assert body["count"] == len(MENTAL_HEALTH) == body["pagination"]["total"]
        assert len(body["contrats"]) <= 2
        seen += [c["id"] for c in body["contrats"]]
        url = body["pagination"]["suivant"]
    assert sorted(seen) == sorted(MENTAL_HEALTH)
    frame = read_csv(client.get("/api/themes/sante-mentale?limit=1&offset=1&format=csv"))
    assert frame["contrat"].nunique() == 1
    for bad in ({"limit": "0"}, {"limit": "5001"}, {"offset": "-1"}):
        r = client.get("/api/themes/sante-mentale", params=bad)
        assert r.status_code == 422 and r.json()["detail"][0]["loc"][1] in bad


def test_evidence_comes_in_the_order_of_contrats_par_theme(client: httpx.Client) -> None:
    """The API reads the evidence unsorted (``preuves-theme.rq``) and sorts it itself:
    the same order as the published file's ``ORDER BY``, row for row."""
    from app import queries
    from app.config import DEFAULT_BASE_IRI

    text = queries.load("contrats-par-theme").bind(
        {"theme": [DEFAULT_BASE_IRI + "theme/emploi"]}, base=DEFAULT_BASE_IRI
    )
    answer = client.post(
        "/sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json"}
    )
    assert answer.status_code == 200, answer.text
    expected = [
        (r["id"]["value"], r["element"]["value"], r["themeReconnu"]["value"].rsplit("/", 1)[-1])
        for r in answer.json()["results"]["bindings"]
    ]
    api = client.get("/api/themes/emploi", params={"limit": 5000}).json()
    found = [
        (c["id"], e["iri"], e["theme_reconnu"]) for c in api["contrats"] for e in c["elements"]
    ]
    assert len(expected) > 20 and found == expected
