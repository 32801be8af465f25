"""The pages a person reads: French, navigable without JavaScript, complete."""

from __future__ import annotations

import httpx
import pytest
from web_helpers import BASE, CONTRAT, OBJECTIF, outline

HTML = {"Accept": "text/html"}
MELUN = "ca-melun-val-de-seine-2024-2030"


def get_page(http: httpx.Client, path: str):
    response = http.get(path, headers=HTML)
    assert response.status_code == 200, response.text
    assert response.headers["vary"].startswith("Accept")
    assert response.headers["content-location"] == f"{path}?format=html"
    return outline(response)


@pytest.mark.parametrize(
    "path",
    [
        "/id/",
        f"/id/contrat/{CONTRAT}",
        f"/id/contrat/{CONTRAT}/{OBJECTIF}",
        "/id/theme/sante-mentale",
        "/id/dispositif/asv",
        "/id/themes",
        "/id/dataset",
        "/dataset",
        f"/id/graph/contrat/{CONTRAT}",
        "/id/generation/2024-2030",
    ],
)
def test_page_is_french_with_landmarks_one_h1_and_ordered_headings(
    http: httpx.Client, path: str
) -> None:
    page = get_page(http, path)
    assert page.lang == "fr"
    assert {"header", "main", "footer", "nav:Navigation principale"} <= set(page.landmarks)
    levels = [level for level, _ in page.headings]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), page.headings
    assert all(text.strip() for _, text in page.links), "a link without text"
    assert not [href for href, _ in page.links if href.startswith(BASE)], (
        "data links must stay local"
    )


def test_index_lists_every_contract(http: httpx.Client, built_dir) -> None:
    page = get_page(http, "/id/")
    contracts = sorted(p.stem for p in (built_dir / "contrats").glob("*.ttl"))
    assert contracts
    for cid in contracts:
        assert page.links_to(f"/id/contrat/{cid}"), cid


def test_contract_page_shows_its_tree_in_source_order(http: httpx.Client) -> None:
    page = get_page(http, f"/id/contrat/{CONTRAT}")
    assert page.headings[0] == (1, CONTRAT)
    assert (2, "Arbre stratégique") in page.headings
    texts = page.links_to(f"/id/contrat/{CONTRAT}/")
    # The ASV objective is rank 1 under its strategic objective, « Renforcer le CLSPD » rank 1 elsewhere.
    assert "Poursuivre et renforcer la démarche d'Atelier Santé Ville (ASV)" in texts
    # Piliers in the order of the source: cohésion sociale before cadre de vie.
    order = [t for t in texts if t.startswith("PILIER")]
    assert order.index("PILIER COHESION SOCIALE") < order.index(
        "PILIER CADRE DE VIE ET RENOUVELLEMENT URBAIN"
    )
    assert "text/turtle" in page.alternates and "application/ld+json" in page.alternates


def test_contract_page_shows_key_figures(http: httpx.Client) -> None:
    page = get_page(http, f"/id/contrat/{MELUN}")
    assert (2, "Chiffres clés") in page.headings
    raw = http.get(f"/id/contrat/{MELUN}", headers=HTML).text
    assert '<td class="nombre">31\u202f243</td>' in raw  # « 31 243 habitants », a French number
    assert "Population des quartiers prioritaires" in page.links_to("/id/indicateur/population-qpv")


def test_objective_page_has_breadcrumbs_themes_dispositifs_and_source_line(
    http: httpx.Client,
) -> None:
    page = get_page(http, f"/id/contrat/{CONTRAT}/{OBJECTIF}")
    assert page.headings[0] == (
        1,
        "Poursuivre et renforcer la démarche d'Atelier Santé Ville (ASV)",
    )
    assert "nav:Fil d'Ariane" in page.landmarks
    assert page.links_to(f"/id/contrat/{CONTRAT}") and page.links_to("/id/theme/sante")
    assert page.links_to("/id/dispositif/asv") == ["Atelier santé ville"]
    assert "ligne 39" in page.body_text
    assert "mots reconnus" in page.body_text and "ASV" in page.body_text


def test_breadcrumbs_go_from_the_contract_down_to_the_parent(http: httpx.Client) -> None:
    response = http.get(f"/id/contrat/{CONTRAT}/{OBJECTIF}", headers=HTML)
    nav = response.text.split('aria-label="Fil d\'Ariane"', 1)[1].split("</nav>", 1)[0]
    order = [
        f'/id/contrat/{CONTRAT}"',
        "pilier-cohesion-sociale",
        "axe-sante",
        "os-animation-territoriale-sante",
    ]
    positions = [nav.index(fragment) for fragment in order]
    assert positions == sorted(positions)


def test_theme_page_lists_contracts_and_elements_including_narrower_themes(
    http: httpx.Client,
) -> None:
    page = get_page(http, "/id/theme/sante")
    assert page.links_to(f"/id/contrat/{MELUN}")
    assert page.links_to("/id/theme/sante-mentale"), "narrower theme shown as the reason"
    mental = get_page(http, "/id/theme/sante-mentale")
    assert (2, "Contrats et éléments qui l'abordent") in mental.headings
    assert any("santé mentale" in t.lower() for t in mental.links_to(f"/id/contrat/{MELUN}/"))


def test_dispositif_page_lists_the_elements_that_mobilise_it(http: httpx.Client) -> None:
    page = get_page(http, "/id/dispositif/asv")
    assert "Poursuivre et renforcer la démarche d'Atelier Santé Ville (ASV)" in page.links_to(
        f"/id/contrat/{CONTRAT}/{OBJECTIF}"
    )


def test_thesaurus_page_shows_the_hierarchy(http: httpx.Client) -> None:
    response = http.get("/id/themes", headers=HTML)
    text = response.text
    sante = text.index('href="/id/theme/sante"')
    assert sante < text.index('href="/id/theme/sante-mentale"')


def test_source_document_page_lists_what_was_read_from_it(http: httpx.Client) -> None:
    page = get_page(http, "/id/source/003_d2f761683cab1619")
    assert page.links_to(f"/id/contrat/{CONTRAT}")


def test_ontology_iri_serves_pylode_documentation_in_french(http: httpx.Client) -> None:
    response = http.get("/onto", headers=HTML)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="fr">' in response.text
    assert "pyLODE" in response.text
    assert "Contrat de ville" in response.text and "Objectif opérationnel" in response.text


def test_stylesheet_is_served_locally(http: httpx.Client) -> None:
    response = http.get("/web/static/site.css")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/css")
    assert http.get("/web/static/../../config.py").status_code == 404


def test_every_link_into_the_ontology_page_lands_on_its_term(http: httpx.Client) -> None:
    """The pages link « /onto#Contrat », « /onto#nombreElements »: 28 of the 94 terms had
    no such anchor (pyLODE makes them from the French labels, dropping accented
    letters: « Contratdeville »), and 21 anchors stood twice."""
    import re
    from collections import Counter

    onto = http.get("/onto", headers=HTML)
    assert onto.status_code == 200
    ids = Counter(re.findall(r'\bid="([^"]+)"', onto.text))
    assert [i for i, n in ids.items() if n > 1] == []
    linked = set()
    for path in (f"/id/contrat/{MELUN}", f"/id/contrat/{CONTRAT}/{OBJECTIF}", "/id/theme/sante"):
        linked |= set(re.findall(r'href="/onto#([^"]+)"', http.get(path, headers=HTML).text))
    assert "Contrat" in linked, sorted(linked)  # the contract page's class
    assert not linked - set(ids), sorted(linked - set(ids))
