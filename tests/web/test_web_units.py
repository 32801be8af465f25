"""The site's pieces on their own (no server): negotiation, links, numbers, docs, context."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from app.web import conneg, ontology_doc, pagemodel, templating
from app.web.context import context
from app.web.downloads import contract_file


@pytest.mark.parametrize("module", [conneg, templating])
def test_doctests(module: object) -> None:
    failures, tried = doctest.testmod(module)  # type: ignore[arg-type]
    assert tried > 0 and failures == 0


@pytest.mark.parametrize(
    ("accept", "key"),
    [
        ("text/html", "html"),
        ("application/xhtml+xml", "html"),
        ("text/turtle;q=0.5, text/html;q=0.4", "turtle"),
        ("application/json", "jsonld"),
        ("text/xml", "rdfxml"),
        ("*", "turtle"),
        ("text/*", "turtle"),
        ("text/html;q=0, */*;q=0.1", "turtle"),
        ("application/ld+json;q=abc, text/turtle;q=0.1", "turtle"),
    ],
)
def test_choose(accept: str, key: str) -> None:
    chosen = conneg.choose(accept)
    assert chosen is not None and chosen.key == key


def test_choose_refuses_when_everything_is_excluded() -> None:
    assert conneg.choose("text/turtle;q=0, application/ld+json;q=0, text/html;q=0, */*;q=0") is None


@pytest.mark.parametrize("value", ["ttl", "turtle", "text/turtle", "TTL"])
def test_format_parameter_names(value: str) -> None:
    assert conneg.from_param(value) is conneg.TURTLE


def test_unknown_format_parameter() -> None:
    with pytest.raises(conneg.UnknownFormat):
        conneg.from_param("pdf")


@pytest.mark.parametrize(
    ("raw", "shown"),
    [("31243", "31\u202f243"), ("8.7", "8,7"), ("35", "35"), ("0.50", "0,5"), ("", "")],
)
def test_numbers_are_shown_the_french_way(raw: str, shown: str) -> None:
    assert pagemodel._number(raw) == shown


def test_long_breadcrumbs_are_cut_with_the_full_text_as_title() -> None:
    link = pagemodel.Link.make("/id/x", "mot " * 40, "https://x/")
    short = link.short(30)
    assert len(short.text) <= 32 and short.title == link.text


def test_ontology_documentation_falls_back_without_pylode(repo_root: Path) -> None:
    html = ontology_doc.ontology_html(repo_root / "ontology" / "cdv.ttl", use_pylode=False)
    assert '<html lang="fr">' in html
    assert 'id="Contrat"' in html and "Contrat de ville" in html


def test_documentation_keeps_french_and_drops_english_duplicates() -> None:
    g = Graph()
    s, p = URIRef("https://x/s"), URIRef("https://x/p")
    g.add((s, p, Literal("bonjour", lang="fr")))
    g.add((s, p, Literal("hello", lang="en")))
    g.add((s, URIRef("https://x/q"), Literal("only", lang="en")))
    kept = {str(o) for o in ontology_doc.french_side(g).objects()}
    assert kept == {"bonjour", "only"}


def test_context_terms_come_from_the_ontology(repo_root: Path) -> None:
    ctx = context("https://example.org/id/", repo_root / "ontology" / "cdv.ttl")
    assert ctx["cdvid"] == "https://example.org/id/"
    assert ctx["Contrat"] == "cdv:Contrat"
    assert ctx["partieDe"] == {"@id": "cdv:partieDe", "@type": "@id"}
    assert ctx["rang"] == {"@id": "cdv:rang", "@type": "xsd:integer"}


@pytest.mark.parametrize("name", ["../build-info.json", "x/../../etc.ttl", "a.nq", ".hidden.ttl"])
def test_contract_dump_names_cannot_escape(tmp_path: Path, name: str) -> None:
    (tmp_path / "contrats").mkdir()
    assert contract_file(tmp_path, name) is None


WEB_QUERIES = [
    "ressource-sortante",
    "ressource-entrante",
    "ressource-libelles",
    "ressource-etiquetages",
    "schema-concepts",
    "schemas",
    "graphes-void",
]


@pytest.mark.parametrize("name", WEB_QUERIES)
def test_site_query_file_says_what_it_answers_and_runs_as_is(name: str, built_dump: Path) -> None:
    import pyoxigraph as ox

    from app import queries

    query = queries.load(name)
    lines = query.text.splitlines()
    assert lines[0].startswith(f"# {name} — ") and lines[0].endswith("?")
    assert any(line.startswith("# Répond :") for line in lines)
    store = ox.Store()
    store.bulk_load(path=str(built_dump), format=ox.RdfFormat.N_QUADS)
    assert queries.select(store, query.text), f"{name}.rq finds nothing on the build"


def test_void_statistics_count_as_void_does() -> None:
    import pyoxigraph as ox

    from app.dumps import void_statistics

    a, b, c, d, p = (ox.NamedNode(f"https://x/{n}") for n in "abcdp")
    g1, g2 = ox.NamedNode("https://x/g1"), ox.NamedNode("https://x/g2")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    quads = [
        ox.Quad(a, rdf_type, c, g1),
        ox.Quad(a, p, ox.Literal("x"), g1),
        ox.Quad(ox.BlankNode("n"), p, a, g1),  # a blank node is no entity
        ox.Quad(a, rdf_type, c, g2),  # the same triple in another graph counts again
        ox.Quad(b, rdf_type, d, g2),
    ]
    stats = void_statistics(quads)
    assert {k: v for k, v in stats.items() if k != "graphs"} == {
        "triples": 5,
        "entities": 2,
        "classes": 2,
        "properties": 2,
    }
    assert stats["graphs"] == {
        "https://x/g1": {"triples": 3, "entities": 1, "classes": 1, "properties": 2},
        "https://x/g2": {"triples": 2, "entities": 2, "classes": 2, "properties": 1},
    }


def test_build_statistics_apply_only_to_their_base(tmp_path: Path) -> None:
    import json

    from app.web.dataset import statistics

    info = {"base_iri": "https://a/id/", "void": {"triples": 3, "graphs": {}}}
    (tmp_path / "build-info.json").write_text(json.dumps(info), encoding="utf-8")
    assert statistics(tmp_path, "https://a/id/") == info["void"]
    assert statistics(tmp_path, "https://b/id/") is None
    assert statistics(tmp_path / "missing", "https://a/id/") is None
    del info["void"]
    (tmp_path / "build-info.json").write_text(json.dumps(info), encoding="utf-8")
    assert statistics(tmp_path, "https://a/id/") is None
