"""The compiled validator (app/shacl) against pySHACL, the reference: same results.

Two independent engines on the same data graphs: every shapes case of
tests/shapes/cases, the five seed contracts (curated, then enriched with their
synthèse facts, as the build validates them) and synthetic contracts, each
also with violations of every shape injected. A result is compared on its
focus node, path, value, source shape, constraint component, severity,
messages and nested details; the number of results and sh:conforms too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from pyshacl import validate as pyshacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, SKOS, XSD
from rdflib.term import Node

from app import shacl
from app.build_contracts import _shared
from app.config import DEFAULT_BASE_IRI, Settings
from app.curation.collection import load_checked
from app.enrichment.pipeline import enrich
from app.rdf.contrat_graph import contrat_graph
from app.synthese import contract_facts, saisie_from_graph, to_graph

REPO = Path(__file__).resolve().parents[2]
CASES = sorted((REPO / "tests" / "shapes" / "cases").glob("*.ttl"))
CDV = "https://w3id.org/contrats-de-ville/onto#"
Key = tuple[str, ...]


def _cdv(name: str) -> URIRef:
    return URIRef(CDV + name)


def result_key(report: Graph, node: Node) -> Key:
    def values(p: URIRef) -> str:
        return repr(sorted(str(o) for o in report.objects(node, p)))

    details = sorted(repr(result_key(report, d)) for d in report.objects(node, SH.detail))
    shape = report.value(node, SH.sourceShape)
    return (
        *(
            values(p)
            for p in (
                SH.focusNode,
                SH.resultPath,
                SH.value,
                SH.sourceConstraintComponent,
                SH.resultSeverity,
                SH.resultMessage,
                SH.sourceConstraint,
            )
        ),
        str(shape),
        repr(details),
    )


def results(report: Graph) -> tuple[bool, Counter[Key]]:
    top = report.value(None, RDF.type, SH.ValidationReport, any=False)
    conforms = report.value(top, SH.conforms)
    assert isinstance(conforms, Literal)
    found = Counter(result_key(report, r) for r in report.objects(top, SH.result))
    assert len(list(report.subjects(RDF.type, SH.ValidationResult))) >= sum(found.values())
    return bool(conforms.value), found


def reference(data: Graph, shapes: Graph, ont: Graph) -> tuple[bool, Counter[Key]]:
    _c, report, _t = pyshacl_validate(
        data, shacl_graph=shapes, ont_graph=ont, inference="none", advanced=True
    )
    return results(report)  # type: ignore[arg-type]


def assert_same(expected: tuple[bool, Counter[Key]], actual: tuple[bool, Counter[Key]]) -> None:
    missing = expected[1] - actual[1]
    extra = actual[1] - expected[1]
    assert not missing and not extra, f"pySHACL only: {list(missing)}\ncompiled only: {list(extra)}"
    assert expected[0] == actual[0]


@dataclass(frozen=True)
class Common:
    shapes: Graph
    ont: Graph
    vocab: Graph


@pytest.fixture(scope="module")
def common() -> Common:
    s = Settings(base_iri=DEFAULT_BASE_IRI)
    shared = _shared(s.base_iri, REPO / "ontology", REPO / "shapes")
    return Common(shared.shapes, shared.ontology, shared.vocab)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_every_shapes_case(case: Path, common: Common) -> None:
    data = Graph().parse(case, format="turtle")
    expected = reference(data, common.shapes, common.ont)
    assert_same(expected, results(shacl.validate(data, common.shapes, common.ont)[1]))


def contract_graphs(folder: Path, sources: Path) -> list[tuple[Graph, Graph, Graph]]:
    """(curated, enriched, facts) of each contract file, as app/build_contracts.py makes them."""
    s = Settings(base_iri=DEFAULT_BASE_IRI)
    shared = _shared(s.base_iri, REPO / "ontology", REPO / "shapes")
    out = []
    for path in sorted(folder.glob("*.yaml")):
        contrat, errors = load_checked(path, sources)
        assert contrat is not None and not errors, errors
        graph = contrat_graph(contrat, shared.iris)
        curated = Graph()
        curated += graph
        enrich(graph, shared.vocabularies, shared.iris)
        saisie = saisie_from_graph(graph, shared.iris.contrat(contrat.id))
        facts = to_graph(contract_facts(saisie, shared.ancestors, shared.iris.base))
        out.append((curated, graph, facts))
    return out


def compare_as_the_build(graphs: list[Graph], common: Common) -> None:
    """The build's call (several graphs, the vocabularies shared) against pySHACL on their union."""
    union = Graph()
    for g in [*graphs, common.vocab]:
        union += g
    expected = reference(union, common.shapes, common.ont)
    actual = shacl.validate(graphs, common.shapes, common.ont, shared=[common.vocab])
    assert_same(expected, results(actual[1]))


@pytest.fixture(scope="module")
def seeds() -> list[tuple[Graph, Graph, Graph]]:
    return contract_graphs(REPO / "data" / "contrats", REPO / "data" / "sources")


@pytest.mark.parametrize("index", range(5))
def test_seed_contracts_curated_and_enriched(
    index: int, seeds: list[tuple[Graph, Graph, Graph]], common: Common
) -> None:
    curated, enriched, facts = seeds[index]
    compare_as_the_build([curated], common)
    compare_as_the_build([enriched, facts], common)


def _first(g: Graph, cls: str, n: int = 0) -> URIRef:
    found = sorted(s for s in g.subjects(RDF.type, _cdv(cls)) if isinstance(s, URIRef))
    return found[n % len(found)]


def _replace(g: Graph, s: Node, p: URIRef, o: Node) -> None:
    g.remove((s, p, None))
    g.add((s, p, o))


def inject(g: Graph) -> None:
    """One violation of (nearly) every shape, each on its own node."""
    elements = sorted(
        {s for s in g.subjects(_cdv("contrat"), None) if (s, RDF.type, _cdv("Contrat")) not in g}
    )
    e = [x for x in elements if isinstance(x, URIRef)]
    contrat = next(iter(g.subjects(RDF.type, _cdv("Contrat"))))
    g.remove((e[0], SKOS.prefLabel, None))  # required label dropped
    g.add((e[1], _cdv("rang"), Literal(99)))  # a second rank
    _replace(g, e[2], _cdv("rang"), Literal("3", datatype=XSD.string))  # wrong datatype
    _replace(g, e[3], _cdv("ligneSource"), Literal("abc", datatype=XSD.integer))  # ill-formed
    _replace(g, e[4], SKOS.prefLabel, Literal("Un libellé", lang="en"))  # wrong language
    _replace(g, e[5], SKOS.prefLabel, Literal("deux  espaces", lang="fr"))  # bad pattern
    g.add((e[6], _cdv("partieDe"), Literal("pas une IRI")))  # literal where an IRI is expected
    _replace(g, e[7], _cdv("partieDe"), e[8])  # a cycle
    _replace(g, e[8], _cdv("partieDe"), e[7])
    _replace(g, e[9], _cdv("rang"), Literal(0))  # below sh:minInclusive
    g.add((e[10], SKOS.notation, Literal("")))  # below sh:minLength
    _replace(g, e[11], _cdv("contrat"), URIRef(DEFAULT_BASE_IRI + "contrat/autre"))
    g.add((e[12], _cdv("appliqueA"), e[13]))  # not a ThematiqueTransversale
    g.add((e[14], _cdv("theme"), BNode()))  # a blank node that is no concept
    g.add((e[15], _cdv("mobilise"), URIRef("https://example.org/pas-un-dispositif")))
    g.add((contrat, _cdv("generationInferee"), URIRef(DEFAULT_BASE_IRI + "generation/2015-2020")))
    g.add((contrat, _cdv("territoire"), Literal("Melun")))
    taggings = sorted(g.subjects(RDF.type, _cdv("Etiquetage")))
    if len(taggings) >= 4:
        concept = next(g.objects(taggings[0], _cdv("concept")), None) or URIRef("urn:x:c")
        g.add((taggings[0], _cdv("etiquetageRetire"), concept))  # both concept and removal
        _replace(g, taggings[1], _cdv("methode"), Literal("curateur"))  # curator, no reason
        g.remove((taggings[1], _cdv("raison"), None))
        _replace(g, taggings[2], _cdv("methode"), Literal("autre"))  # not in sh:in
        g.remove((taggings[3], _cdv("element"), None))
    # Nodes of other shapes, each broken.
    x = URIRef(DEFAULT_BASE_IRI + "test/")
    g.add((x + "d", RDF.type, _cdv("Dispositif")))  # two French labels, no definition
    g.add((x + "d", SKOS.prefLabel, Literal("a", lang="fr")))
    g.add((x + "d", SKOS.prefLabel, Literal("b", lang="fr")))
    g.add((x + "t", RDF.type, _cdv("Commune")))  # code and reason both
    g.add((x + "t", _cdv("codeOfficiel"), Literal("77288")))
    g.add((x + "t", _cdv("raisonNonRelie"), Literal("aucune", lang="fr")))
    g.add((x + "o", RDF.type, URIRef("http://purl.org/linked-data/cube#Observation")))
    g.add((x + "o", _cdv("valeurMin"), Literal(36)))  # inverted range, no value
    g.add((x + "o", _cdv("valeurMax"), Literal(29)))
    g.add((x + "o", _cdv("unite"), Literal("%")))
    g.add((x + "ev", RDF.type, _cdv("EvenementElaboration")))
    g.add((x + "ev", _cdv("debut"), Literal("2020-13", datatype=XSD.gYearMonth)))
    g.add((x + "ev", _cdv("natureEvenement"), Literal("fête")))
    g.add((x + "tn", RDF.type, _cdv("ThemeNouveau")))  # sh:disjoint
    g.add((x + "tn", _cdv("generationPrecedente"), x + "g"))
    g.add((x + "tn", _cdv("generationConcernee"), x + "g"))
    g.add((x + "ct", RDF.type, _cdv("ComptageDuTheme")))  # sh:hasValue
    g.add((x + "ct", URIRef("http://www.w3.org/2000/01/rdf-schema#range"), XSD.decimal))


def mutated(graphs: list[Graph], change: Callable[[Graph], None]) -> Graph:
    g = Graph()
    for x in graphs:
        g += x
    change(g)
    return g


@pytest.mark.parametrize("index", [0, 4])
def test_seed_contracts_with_injected_violations(
    index: int, seeds: list[tuple[Graph, Graph, Graph]], common: Common
) -> None:
    curated, enriched, facts = seeds[index]
    compare_as_the_build([mutated([curated], inject)], common)
    broken = mutated([enriched, facts], inject)
    compare_as_the_build([broken], common)
    if index:
        return
    # One graph alone, as admin writes are validated (pySHACL's copy of it, its prefixes).
    expected = reference(broken, common.shapes, common.ont)
    assert_same(expected, results(shacl.validate(broken, common.shapes, common.ont)[1]))


def test_synthetic_contracts(tmp_path: Path, common: Common) -> None:
    import sys

    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate_yaml import generate_files

    generate_files(1, tmp_path)
    for _curated, enriched, facts in contract_graphs(tmp_path / "contrats", tmp_path / "sources"):
        compare_as_the_build([enriched, facts], common)
        compare_as_the_build([mutated([enriched, facts], inject)], common)


DCAT_TTL = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .

ex:catalogue a dcat:Catalog ; dcterms:title "Catalogue"@fr ; dcterms:description 3 ;
    dcterms:publisher ex:editeur , ex:autre ; dcat:dataset ex:jeu ; dcat:service ex:jeu .
ex:editeur a foaf:Agent ; foaf:name "Éditeur" .
ex:autre foaf:name "Sans type" .
ex:jeu a dcat:Dataset , void:Dataset ; dcterms:title "Jeu" ; dcterms:publisher [ foaf:name "x" ] ;
    dcterms:license <https://example.org/autre-licence> ; dcterms:modified "hier" ;
    dcat:distribution ex:dist ; dcat:keyword "a" ; dcterms:language "fr" ;
    void:triples 0 ; void:entities "beaucoup" .
ex:dist a dcat:Distribution ; dcat:accessURL "pas une IRI" ; dcat:byteSize "-3"^^xsd:nonNegativeInteger ;
    dcat:mediaType ex:a , ex:b ; dcterms:title "Dump"@fr .
"""


def test_dcat_shapes_with_their_node_and_or_constraints(common: Common) -> None:
    """The dataset description's shapes (sh:node with its nested details, sh:or of
    datatypes, sh:hasValue, qualified counts …) on a description broken everywhere."""
    data = Graph().parse(data=DCAT_TTL, format="turtle")
    expected = reference(data, common.shapes, common.ont)
    assert sum(expected[1].values()) >= 10
    assert_same(expected, results(shacl.validate(data, common.shapes, common.ont)[1]))
    _c, report, _t = pyshacl_validate(data, shacl_graph=common.shapes, advanced=True)
    assert_same(results(report), results(shacl.validate(data, common.shapes)[1]))  # type: ignore[arg-type]


FALLBACK_TTL = """
@prefix cdv: <https://w3id.org/contrats-de-ville/onto#> .
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .

[] a cdv:Contrat ; cdv:generation ex:g ; cdv:generationInferee ex:h .
ex:o a qb:Observation ; cdv:valeurMin "036.50"^^xsd:decimal ; cdv:valeurMax "29"^^xsd:integer .
ex:c a cdv:Contrat .
ex:a cdv:contrat ex:c ; cdv:rang "+1"^^xsd:integer .
ex:b cdv:contrat ex:c ; cdv:rang "1"^^xsd:integer .
"""


def test_sparql_constraints_where_one_query_would_not_do(common: Common) -> None:
    """A blank-node focus (not allowed in VALUES) and literals Oxigraph would rewrite
    ("036.50"^^xsd:decimal, "+1"^^xsd:integer): the constraints run pySHACL's way."""
    data = Graph().parse(data=FALLBACK_TTL, format="turtle")
    expected = reference(data, common.shapes, common.ont)
    assert any("SPARQL" in k[3] for k in expected[1])
    assert_same(expected, results(shacl.validate(data, common.shapes, common.ont)[1]))


SEVERITY_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ex:Avertie a sh:NodeShape ; sh:targetClass ex:Chose ; sh:severity sh:Warning ;
    sh:message "Message du nœud"@fr , "Node message"@en ;
    sh:not [ sh:path ex:interdit ; sh:minCount 1 ] ;
    sh:property [ sh:path ex:nom ; sh:minCount 1 ; sh:severity sh:Info ] ,
      [ sh:path ex:age ; sh:datatype xsd:integer ; sh:message "Âge entier"@fr ] ,
      [ sh:path ex:age ; sh:maxCount 0 ; sh:deactivated true ] .
ex:Eteinte a sh:NodeShape ; sh:targetClass ex:Chose ; sh:deactivated true ;
    sh:property [ sh:path ex:nom ; sh:minCount 5 ] .
"""
SEVERITY_DATA = """
@prefix ex: <https://example.org/> .
ex:a a ex:Chose ; ex:interdit 1 ; ex:age "vieux" .
ex:b a ex:Chose ; ex:nom "b" ; ex:age 3 .
"""


def same_as_pyshacl(shapes_ttl: str, data_ttl: str) -> int:
    """Both engines on these shapes and data (Turtle, no ontology): the same results.
    Returns how many."""
    shapes = Graph().parse(data=shapes_ttl, format="turtle")
    data = Graph().parse(data=data_ttl, format="turtle")
    _c, report, _t = pyshacl_validate(data, shacl_graph=shapes, advanced=True)
    expected = results(report)  # type: ignore[arg-type]
    assert_same(expected, results(shacl.validate(data, shapes)[1]))
    return sum(expected[1].values())


def test_severities_deactivated_shapes_and_messages() -> None:
    """Severities (the shape's own), deactivated shapes and property shapes, and
    messages on a node shape (its own constraints) vs a property shape."""
    assert same_as_pyshacl(SEVERITY_SHAPES, SEVERITY_DATA) == 3
