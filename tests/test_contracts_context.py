"""What surrounds the contracts' trees, asked of a live endpoint with the project's own `.rq` files.

Each expected value below was read by hand in the source documents (../shared/seeds), at
the line given in the comment; none is copied from the curated files or the build. The
queries are the files of app/queries/ run as they are, over HTTP (SPARQL 1.1 Protocol)
on the session's live server.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import httpx
import pytest

from app.server.live import LiveServer

QUERIES = Path(__file__).resolve().parents[1] / "app" / "queries"

MELUN = "https://w3id.org/contrats-de-ville/id/contrat/ca-melun-val-de-seine-2024-2030"
MONTESSON = "https://w3id.org/contrats-de-ville/id/contrat/contrat-de-ville-002d7387"
XSD = "http://www.w3.org/2001/XMLSchema#"


def ask(server: LiveServer, name: str) -> list[dict[str, dict[str, str]]]:
    """Run app/queries/<name>.rq on the live endpoint; the JSON result bindings."""
    text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0].startswith(f"# {name} — ") and any(x.startswith("# Répond :") for x in lines)
    response = httpx.post(
        server.sparql,
        data={"query": text},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert response.status_code == 200, response.text[:500]
    rows: list[dict[str, dict[str, str]]] = response.json()["results"]["bindings"]
    return rows


def value(row: dict[str, dict[str, str]], key: str) -> str | None:
    return row[key]["value"] if key in row else None


def test_participants_of_the_co_construction(seed_server: LiveServer) -> None:
    rows = ask(seed_server, "contrats-co-construction")
    counts: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for r in rows:
        if value(r, "indicateur"):
            ind = str(value(r, "indicateur")).rsplit("/", 1)[-1]
            counts[(str(value(r, "contrat")), str(value(r, "etapeLabel")))][ind] = float(
                str(value(r, "valeur"))
            )
    # 004 l.21 "16 entretiens de cadrage"; l.23-24 "5 ateliers territoriaux (100 participants)";
    # l.28-29 "5 ateliers thématiques (101 participants)"; l.53 "6 journées départementales".
    assert counts[(MELUN, "16 entretiens de cadrage")] == {"nombre-entretiens": 16}
    assert counts[(MELUN, "5 ateliers territoriaux")] == {
        "nombre-ateliers": 5,
        "nombre-participants": 100,
    }
    assert counts[(MELUN, "5 ateliers thématiques")] == {
        "nombre-ateliers": 5,
        "nombre-participants": 101,
    }
    assert counts[(MELUN, "6 journées départementales")] == {"nombre-journees": 6}
    participants = sum(
        v
        for (c, _), inds in counts.items()
        if c == MELUN
        for k, v in inds.items()
        if k == "nombre-participants"
    )
    assert participants == 201
    # 004 l.17-19: "Phase évaluation diagnostic", "Décembre 2022 – juillet 2023";
    # l.35-37: restitutions Cotech (14/06), Conférence des maires (22/06), Société civile (15/11).
    phases = {str(value(r, "etapeLabel")): r for r in rows if value(r, "contrat") == MELUN}
    diag = phases["Phase évaluation diagnostic"]
    assert (value(diag, "debut"), value(diag, "fin")) == ("2022-12", "2023-07")
    assert diag["debut"]["datatype"] == XSD + "gYearMonth"
    restitutions = {
        str(value(r, "etapeLabel")): str(value(r, "date"))
        for r in rows
        if value(r, "contrat") == MELUN and value(r, "nature") == "restitution" and "date" in r
    }
    assert restitutions == {
        "Cotech": "--06-14",
        "Conférence des maires": "--06-22",
        "Société civile": "--11-15",
    }
    assert {value(r, "phaseLabel") for r in rows if value(r, "etapeLabel") == "Cotech"} == {
        "Restitutions"
    }


def test_cited_texts_with_their_dates(seed_server: LiveServer) -> None:
    rows = ask(seed_server, "contrats-textes-cites")
    melun: dict[str, set[str]] = defaultdict(set)
    natures = {}
    for r in rows:
        if value(r, "contrat") == MELUN:
            melun[str(value(r, "ligne"))].add(str(value(r, "date")))
            natures[str(value(r, "ligne"))] = value(r, "nature")
    # 004 l.135 loi du 21 février 2014; l.139 instructions du 4 avril 2023 et du 31 août 2023;
    # l.140 CIV du 27 octobre 2023; l.141 circulaire du 18 décembre 2023; l.142 instruction
    # du 4 janvier 2024.
    assert dict(melun) == {
        "135": {"2014-02-21"},
        "139": {"2023-04-04", "2023-08-31"},
        "140": {"2023-10-27"},
        "141": {"2023-12-18"},
        "142": {"2024-01-04"},
    }
    assert natures == {
        "135": "loi",
        "139": "instruction",
        "140": "orientations",
        "141": "circulaire",
        "142": "instruction",
    }
    titles = {str(value(r, "titre")) for r in rows if value(r, "ligne") == "135"}
    assert any("programmation pour la ville et la cohésion urbaine" in t for t in titles)


def test_when_each_contract_was_validated(seed_server: LiveServer) -> None:
    rows = ask(seed_server, "contrats-validation")
    by_contract = defaultdict(list)
    for r in rows:
        by_contract[str(value(r, "contrat"))].append(r)
    # 002 l.12: "Ce cadre a été validé en Comité de Pilotage du 5 juin 2015".
    [montesson] = by_contract[MONTESSON]
    assert value(montesson, "date") == "2015-06-05"
    assert montesson["date"]["datatype"] == XSD + "date"
    assert "Comité de Pilotage" in str(value(montesson, "libelle"))
    # 004 l.65-67: "Finalisation et validation du nouveau contrat", "Janvier – mars 2024".
    [melun] = by_contract[MELUN]
    assert (value(melun, "debut"), value(melun, "fin")) == ("2024-01", "2024-03")
    assert value(melun, "dateImprimee") == "Janvier – mars 2024"


def test_framework_criterion_map_and_changes(seed_server: LiveServer) -> None:
    rows = [r for r in ask(seed_server, "contrats-cadre") if value(r, "contrat") == MELUN]
    by_kind = defaultdict(list)
    for r in rows:
        by_kind[str(value(r, "rubrique"))].append(r)
        # 004 l.7: the subtitle "Synthèse - Plan d'action".
        assert value(r, "sousTitre") == "Synthèse - Plan d'action"
    # l.78-80: "un critère unique de pauvreté : inférieur à 60% du revenu national médian".
    [critere] = by_kind["critere-qpv"]
    assert "60% du revenu national médian" in str(value(critere, "texte"))
    # l.87: "Carte : sigville – ANCT (mars 2024)".
    [carte] = by_kind["source-carte"]
    assert "sigville" in str(value(carte, "texte")) and value(carte, "ligne") == "87"
    # l.146-152: seven "›" changes; l.149 names ANRU, ANAH, CRTE, the Pacte des Solidarités;
    # l.150 the end of compulsory conseils citoyens; l.151 the fonds vert.
    changes = {str(value(r, "ligne")): r for r in by_kind["evolution-cadre"]}
    assert sorted(changes, key=int) == [str(n) for n in range(146, 153)]
    assert all(w in str(value(changes["149"], "texte")) for w in ("ANRU", "ANAH", "CRTE"))
    named = str(value(changes["149"], "programmesNommes"))
    assert "Pacte des solidarités" in named or "Pacte des Solidarités" in named, named
    assert "conseils citoyens" in str(value(changes["150"], "texte"))
    assert "Fonds vert" in str(value(changes["151"], "programmesNommes"))


def test_transversal_themes_and_what_they_apply_to(seed_server: LiveServer) -> None:
    rows = ask(seed_server, "contrats-thematiques-transversales")
    applies: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in rows:
        applies[(str(value(r, "contrat")), str(value(r, "ligne")))].add(
            str(value(r, "elementLabel") or "")
        )
    # 002 l.45-46 (the youth) and l.251-252 (equality between women and men).
    montesson = {line for c, line in applies if c == MONTESSON}
    assert montesson == {"46", "251"}
    assert applies[(MONTESSON, "46")] == {
        "Mieux prendre en compte les besoins et envies d'agir de la jeunesse"
    }
    # 004 l.219: equality in the volet « Cohésion sociale et vie associative » (l.270);
    # l.221: transition in « cohésion sociale » and « habitat et cadre de vie » (l.287).
    assert applies[(MELUN, "219")] == {"COHÉSION SOCIALE ET VIE ASSOCIATIVE"}
    assert applies[(MELUN, "221")] == {
        "COHÉSION SOCIALE ET VIE ASSOCIATIVE",
        "HABITAT ET CADRE DE VIE",
    }


def test_findings_are_not_objectives(seed_server: LiveServer) -> None:
    rows = [r for r in ask(seed_server, "contrats-constats") if value(r, "contrat") == MELUN]
    labels = {str(value(r, "ligne")): str(value(r, "libelle")) for r in rows}
    # 004 l.162 and l.164, two of the diagnosed issues of section 6 (l.154-182).
    assert labels["162"].startswith("Le sentiment d'une paupérisation globale")
    assert labels["164"].startswith("La place prise par le trafic de stupéfiants et les rixes")
    assert len(rows) == 21  # l.154; l.156, 160, 169, 175; l.158, 162-167, 171-173, 177-182


@pytest.mark.parametrize(
    ("word", "line"),
    [
        # 002 l.42-43: "Cet objectif vise également l’efficacité énergétique des quartiers".
        ("efficacité énergétique", 39),
        # 002 l.252-253: "les freins liés à l’emploi des femmes".
        ("emploi des femmes", 250),
    ],
)
def test_descriptions_are_searchable_and_dereferenceable(
    seed_server: LiveServer, word: str, line: int
) -> None:
    query = f"""
    PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    SELECT ?e ?texte ?ligne WHERE {{
      ?e cdv:contrat <{MONTESSON}> ; cdv:passageDescriptif ?p ; dcterms:description ?texte .
      ?p rdf:value ?texte ; cdv:ligneSource ?ligne .
      FILTER (CONTAINS(?texte, "{word}"))
    }}"""
    response = httpx.post(
        seed_server.sparql,
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    [row] = response.json()["results"]["bindings"]
    assert int(row["ligne"]["value"]) == line


@pytest.mark.parametrize(
    ("q", "element"),
    [
        # 002 l.42-43, in the paragraph of "Valoriser le potentiel de développement urbain
        # durable des quartiers" (os-1-3): words absent from every label of the contract.
        ("efficacité énergétique des quartiers", "os-1-3"),
        # 002 l.252-253, in the paragraph of objective 2.1 (os-2-1): "sur leur
        # représentation au sein du foyer familial".
        ("représentation au sein du foyer familial", "os-2-1"),
    ],
)
def test_search_finds_description_text_and_the_page_shows_it(
    seed_server: LiveServer, q: str, element: str
) -> None:
    found = httpx.get(f"{seed_server.url}/api/search", params={"q": q}, timeout=60)
    assert found.status_code == 200, found.text[:300]
    hits = {r["iri"]: r for r in found.json()["resultats"]}
    # Every word of the query is in the element's description (not all in its label).
    assert hits[f"{MONTESSON}/{element}"]["mots_trouves"] == len(found.json()["racines"])
    page = httpx.get(
        f"{seed_server.url}/id/contrat/contrat-de-ville-002d7387/{element}",
        headers={"Accept": "text/html"},
        timeout=30,
        follow_redirects=True,
    )
    assert page.status_code == 200
    assert q.split()[0] in page.text
