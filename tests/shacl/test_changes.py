"""What the compiled validator skips, against what it would find validating from scratch.

Two shortcuts (app/shacl/changes.py, ``Engine.settled``): a graph validated
again after a validation that found nothing only re-checks the shapes whose
reads changed; the shared graphs' own focus nodes are validated once, when the
call's graphs describe none of their nodes. Here a seed contract's graph is
validated (and remembered), then changed in place in each way a shape's reads
can change — a path's values, a target class's instances, a subclass, a
``sh:targetSubjectsOf`` predicate, the type of a value node checked by
``sh:class``, a SPARQL constraint's predicate, a removal — and validated again:
the results must be those of the same graph validated afresh (a copy, nothing
remembered), and include the violation the change makes. The build's own path
(enrichment and facts) and a contract describing a vocabulary node are
compared with pySHACL.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pyshacl import validate as pyshacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD
from test_differential import Common, assert_same, results, same_as_pyshacl

from app import shacl
from app.build_contracts import _shared
from app.config import DEFAULT_BASE_IRI, Settings
from app.curation.collection import load_checked
from app.enrichment.pipeline import enrich
from app.rdf.contrat_graph import contrat_graph
from app.shacl.changes import since
from app.shacl.data import ontology_mixin
from app.synthese import contract_facts, saisie_from_graph, to_graph

REPO = Path(__file__).resolve().parents[2]
CDV = "https://w3id.org/contrats-de-ville/onto#"
X = URIRef(DEFAULT_BASE_IRI + "test/")


def _cdv(name: str) -> URIRef:
    return URIRef(CDV + name)


@pytest.fixture(scope="module")
def common() -> Common:
    s = Settings(base_iri=DEFAULT_BASE_IRI)
    shared = _shared(s.base_iri, REPO / "ontology", REPO / "shapes")
    return Common(shared.shapes, shared.ontology, shared.vocab)


@pytest.fixture(scope="module")
def seed() -> Graph:
    s = Settings(base_iri=DEFAULT_BASE_IRI)
    shared = _shared(s.base_iri, REPO / "ontology", REPO / "shapes")
    path = sorted((REPO / "data" / "contrats").glob("*.yaml"))[4]
    contrat, errors = load_checked(path, REPO / "data" / "sources")
    assert contrat is not None and not errors
    return contrat_graph(contrat, shared.iris)


def _copy(graph: Graph) -> Graph:
    g = Graph()
    g += graph
    return g


def _validate(graphs: list[Graph], common: Common) -> Graph:
    return shacl.validate(graphs, common.shapes, common.ont, shared=[common.vocab])[1]


def _contrat(g: Graph) -> URIRef:
    found = next(g.subjects(RDF.type, _cdv("Contrat")))
    assert isinstance(found, URIRef)
    return found


def _elements(g: Graph) -> list[URIRef]:
    return sorted(
        s for s in g.subjects(_cdv("contrat"), None) if isinstance(s, URIRef) and s != _contrat(g)
    )


def again(
    seed: Graph,
    common: Common,
    before: Callable[[Graph], None],
    after: Callable[[Graph], list[Graph]],
    expected: str,
) -> None:
    """Validate ``seed`` (changed by ``before``), change it in place (``after``, which
    returns more data graphs), validate again: the same results as afresh, with ``expected``."""
    g = _copy(seed)
    before(g)
    conforms, _ = shacl.validate([g], common.shapes, common.ont, shared=[common.vocab])
    assert conforms
    more = after(g)
    program = shacl.compiled(common.shapes)
    base = shacl._base([common.vocab, ontology_mixin(common.ont)])  # type: ignore[list-item]
    assert since([g, *more], program, base) is not None  # the shortcut is taken
    got = results(_validate([g, *more], common))
    fresh = results(_validate([_copy(g), *(_copy(m) for m in more)], common))
    assert since([_copy(g)], program, base) is None
    assert_same(fresh, got)
    assert not got[0] and any(expected in repr(k) for k in got[1]), got[1]


def _nothing(g: Graph) -> None:
    return None


def test_a_path_value_changed(seed: Graph, common: Common) -> None:
    def after(g: Graph) -> list[Graph]:
        e = _elements(g)[2]
        g.remove((e, _cdv("rang"), None))
        g.add((e, _cdv("rang"), Literal("3", datatype=XSD.string)))
        return []

    again(seed, common, _nothing, after, "DatatypeConstraintComponent")


def test_a_triple_removed(seed: Graph, common: Common) -> None:
    def after(g: Graph) -> list[Graph]:
        g.remove((_elements(g)[0], SKOS.prefLabel, None))
        return []

    again(seed, common, _nothing, after, "MinCountConstraintComponent")


def test_a_new_instance_of_a_target_class(seed: Graph, common: Common) -> None:
    # cdvsh:ObjectifOperationnelParentShape reads cdv:partieDe only: its focus nodes changed.
    def after(g: Graph) -> list[Graph]:
        g.add((X + "oo", RDF.type, _cdv("ObjectifOperationnel")))
        return []

    again(seed, common, _nothing, after, "rattaché à un niveau supérieur")


def test_a_new_subclass_of_a_target_class(seed: Graph, common: Common) -> None:
    def before(g: Graph) -> None:
        g.add((X + "oo", RDF.type, X + "Truc"))

    def after(g: Graph) -> list[Graph]:
        g.add((X + "Truc", RDFS.subClassOf, _cdv("ObjectifOperationnel")))
        return []

    again(seed, common, before, after, "rattaché à un niveau supérieur")


def test_a_new_subject_of_a_target_predicate(seed: Graph, common: Common) -> None:
    # cdvsh:InferenceJustifieeShape targets the subjects of cdv:generationInferee.
    def after(g: Graph) -> list[Graph]:
        facts = Graph()
        facts.add((X + "c", _cdv("generationInferee"), X + "g"))
        return [facts]

    again(seed, common, _nothing, after, "doit dire pourquoi")


def test_the_type_of_a_value_checked_by_class(seed: Graph, common: Common) -> None:
    # cdvsh:ContratShape: cdv:territoire sh:class cdv:Territoire; neither its targets
    # nor its paths change, only the type of the territory.
    def before(g: Graph) -> None:
        g.add((_contrat(g), _cdv("territoire"), X + "t"))
        g.add((X + "t", RDF.type, _cdv("Commune")))
        g.add((X + "t", RDFS.label, Literal("Melun", lang="fr")))

    def after(g: Graph) -> list[Graph]:
        g.remove((X + "t", RDF.type, _cdv("Commune")))
        g.add((X + "t", RDF.type, X + "Autre"))
        return []

    again(seed, common, before, after, "ClassConstraintComponent")


def test_a_sparql_constraint_predicate(seed: Graph, common: Common) -> None:
    def after(g: Graph) -> list[Graph]:
        g.add((_contrat(g), _cdv("generation"), X + "g1"))
        facts = Graph()
        facts.add((_contrat(g), _cdv("generationInferee"), X + "g2"))
        facts.add((_contrat(g), _cdv("raisonInference"), Literal("r", lang="fr")))
        return [facts]

    again(seed, common, _nothing, after, "à la fois une génération")


def test_the_same_data_with_other_prefixes(seed: Graph, common: Common) -> None:
    """The SPARQL constraints read ``cdv:`` with the data graph's prefixes: bound
    elsewhere, a contract with both generations passed; bound back, nothing changed in
    the data, but the query is another one and must run again."""
    g = _copy(seed)
    generation = URIRef(DEFAULT_BASE_IRI + "generation/2015-2020")
    g.remove((_contrat(g), _cdv("generation"), None))
    g.add((_contrat(g), _cdv("generation"), generation))
    g.add((_contrat(g), _cdv("generationInferee"), generation))
    g.add((_contrat(g), _cdv("raisonInference"), Literal("Une raison", lang="fr")))
    g.bind("cdv", "https://example.org/autre#", replace=True)
    assert shacl.validate(g, common.shapes, common.ont, shared=[common.vocab])[0]
    g.bind("cdv", CDV, replace=True)
    got = results(shacl.validate(g, common.shapes, common.ont, shared=[common.vocab])[1])
    fresh = results(shacl.validate(_copy(g), common.shapes, common.ont, shared=[common.vocab])[1])
    assert_same(fresh, got)
    assert any("à la fois une génération" in repr(k) for k in got[1]), got[1]


def _pyshacl(graphs: list[Graph], common: Common) -> Graph:
    union = Graph()
    for g in [*graphs, common.vocab]:
        union += g
    return pyshacl_validate(  # type: ignore[no-any-return]
        union, shacl_graph=common.shapes, ont_graph=common.ont, inference="none", advanced=True
    )[1]


def test_the_builds_two_passes_with_a_broken_tagging(seed: Graph, common: Common) -> None:
    """Enriched and given its facts, as the build does, then a tagging broken: pySHACL's results."""
    s = Settings(base_iri=DEFAULT_BASE_IRI)
    shared = _shared(s.base_iri, REPO / "ontology", REPO / "shapes")
    g = _copy(seed)
    assert results(_validate([g], common))[0]
    enrich(g, shared.vocabularies, shared.iris)
    saisie = saisie_from_graph(g, _contrat(g))
    facts = to_graph(contract_facts(saisie, shared.ancestors, shared.iris.base))
    tagging = sorted(g.subjects(RDF.type, _cdv("Etiquetage")))[0]
    g.add((tagging, _cdv("etiquetageRetire"), next(g.objects(tagging, _cdv("concept")))))
    got = results(_validate([g, facts], common))
    assert any("XoneConstraintComponent" in repr(k) for k in got[1])
    assert_same(results(_pyshacl([g, facts], common)), got)


def test_a_contract_describing_a_vocabulary_node(common: Common) -> None:
    """A second French label on a vocabulary's dispositif: the shared graphs' focus nodes
    are validated again in that call (and only in that one)."""
    dispositif = sorted(common.vocab.subjects(RDF.type, _cdv("Dispositif")))[0]
    data = Graph()
    data.add((dispositif, SKOS.prefLabel, Literal("Un autre nom", lang="fr")))
    got = results(_validate([data], common))
    assert any("QualifiedMaxCount" in repr(k) for k in got[1])
    assert_same(results(_pyshacl([data], common)), got)
    assert results(_validate([Graph()], common))[0]


def test_shared_graphs_that_do_not_conform(common: Common) -> None:
    """A broken node of the shared graphs is reported by every call, as pySHACL does."""
    broken = _copy(common.vocab)
    broken.add((X + "d", RDF.type, _cdv("Dispositif")))
    for _ in range(2):
        report = shacl.validate([Graph()], common.shapes, common.ont, shared=[broken])[1]
        got = results(report)
        assert any(str(X + "d") in repr(k) for k in got[1])
    union = _copy(broken)
    expected = pyshacl_validate(
        union, shacl_graph=common.shapes, ont_graph=common.ont, inference="none", advanced=True
    )[1]
    assert_same(results(expected), got)  # type: ignore[arg-type]


def test_a_node_shapes_own_constraint(seed: Graph, common: Common) -> None:
    # cdvsh:EtiquetageShape's sh:xone (a node-level constraint) reads what changed; its
    # targets do not change: it runs, with the one property shape whose path changed.
    concept = sorted(common.vocab.subjects(RDF.type, SKOS.Concept))[0]

    def before(g: Graph) -> None:
        et = X + "et"
        g.add((et, RDF.type, _cdv("Etiquetage")))
        g.add((et, _cdv("element"), _elements(g)[0]))
        g.add((et, _cdv("concept"), concept))
        g.add((et, _cdv("methode"), Literal("curateur")))
        g.add((et, _cdv("raison"), Literal("Une raison", lang="fr")))

    def after(g: Graph) -> list[Graph]:
        g.add((X + "et", _cdv("etiquetageRetire"), concept))
        return []

    again(seed, common, before, after, "XoneConstraintComponent")


NESTED_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .

ex:S a sh:NodeShape ; sh:targetClass ex:C ;
    sh:not [ sh:path ex:p ; sh:property [ sh:path ex:q ; sh:minCount 1 ] ] ;
    sh:or ( [ sh:path ex:p ; sh:property [ sh:path ex:q ; sh:minCount 1 ] ]
            [ sh:path ex:r ; sh:minCount 1 ] ) .
"""
NESTED_DATA = """
@prefix ex: <https://example.org/> .
ex:f1 a ex:C ; ex:p ex:a .
ex:f2 a ex:C ; ex:p ex:b .
ex:f3 a ex:C ; ex:p ex:a , ex:b .
ex:b ex:q 1 .
"""


def test_nested_shapes_whose_results_are_on_other_nodes() -> None:
    """A property shape with its own sh:property, nested in sh:not and sh:or: its results
    are on its value nodes, not on the node it is asked about, so its answers are not
    read off one validation of all the nodes (``Shape.separable``)."""
    assert same_as_pyshacl(NESTED_SHAPES, NESTED_DATA) == 3


LITERAL_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

ex:S a sh:NodeShape ; sh:targetNode ex:n , ex:m ;
    sh:property [ sh:path ex:v ; sh:datatype xsd:string ] , [ sh:path ex:v ; sh:datatype rdf:langString ] ,
      [ sh:path ex:v ; sh:datatype rdfs:Literal ] , [ sh:path ex:v ; sh:datatype rdfs:Datatype ] ,
      [ sh:path ex:v ; sh:datatype xsd:integer ] , [ sh:path ex:v ; sh:datatype xsd:decimal ] ,
      [ sh:path ex:v ; sh:datatype xsd:boolean ] , [ sh:path ex:v ; sh:datatype xsd:date ] ,
      [ sh:path ex:v ; sh:datatype xsd:gYear ] , [ sh:path ex:v ; sh:datatype ex:perso ] ,
      [ sh:path ex:v ; sh:datatype xsd:nonNegativeInteger ] ,
      [ sh:path ex:v ; sh:minInclusive 3 ] , [ sh:path ex:w ; sh:minInclusive 3 ] ,
      [ sh:path ex:v ; sh:minInclusive "b" ] .
"""
LITERAL_DATA = """
@prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:n ex:v "a" , "b"@fr , "5"^^xsd:integer , "5"^^ex:perso , "5"^^xsd:decimal , "2"^^xsd:integer ,
    "03"^^xsd:integer , "abc"^^xsd:integer , "1.5"^^xsd:decimal , "true"^^xsd:boolean ,
    "2020-01-01"^^xsd:date , "2020-13-01"^^xsd:date , "2020"^^xsd:gYear , "x"^^ex:perso ,
    ""^^xsd:string , "c"^^xsd:string , "n"^^xsd:normalizedString ,
    "-3"^^xsd:nonNegativeInteger , "4"^^xsd:nonNegativeInteger , ex:iri , [] .
ex:m ex:w "2"^^ex:perso , "2"^^xsd:integer , "2"^^xsd:decimal , "5"^^xsd:integer .
"""


def test_datatype_and_min_inclusive_answers_kept_per_rule_and_literal() -> None:
    """sh:datatype's questions about a rule asked once, sh:minInclusive's comparisons
    remembered per literal (its lexical form, datatype and language): the same
    results as pySHACL on literals alike but for one of these (twice: remembered)."""
    for _ in range(2):
        assert same_as_pyshacl(LITERAL_SHAPES, LITERAL_DATA) >= 40


COUNT_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .

ex:S a sh:NodeShape ; sh:targetClass ex:C ;
    sh:or ( [ sh:path ex:p ; sh:maxCount 1 ] [ sh:path ex:q ; sh:minCount 2 ] ) ;
    sh:xone ( [ sh:path ex:p ; sh:minCount 0 ] [ sh:path ex:r ; sh:minCount 1 ; sh:maxCount 2 ] ) ;
    sh:not [ sh:path ex:s ; sh:maxCount 0 ] .
"""
COUNT_DATA = """
@prefix ex: <https://example.org/> .
ex:a a ex:C ; ex:p 1 , 2 ; ex:q 1 .
ex:b a ex:C ; ex:p 1 ; ex:r 1 ; ex:s 1 .
ex:c a ex:C ; ex:r 1 , 2 , 3 .
"""


def test_nested_shapes_of_counts_only() -> None:
    """Nested property shapes with only sh:minCount / sh:maxCount answer from their
    counts (no result made for each failing node): pySHACL's results."""
    assert same_as_pyshacl(COUNT_SHAPES, COUNT_DATA) == 4


QUALIFIED_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .

ex:N a sh:NodeShape ; sh:targetClass ex:C ;
    sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:A ] ;
        sh:qualifiedValueShapesDisjoint true ; sh:qualifiedMaxCount 1 ] ,
      [ sh:path ex:q ; sh:qualifiedValueShape [ sh:path ex:r ; sh:minCount 1 ] ;
        sh:qualifiedValueShapesDisjoint true ; sh:qualifiedMinCount 0 ] .
"""


def test_qualified_shapes_disjoint_from_their_siblings() -> None:
    """sh:qualifiedValueShapesDisjoint asks the other property shapes' qualified value
    shapes about a value node: ``ex:r`` is read from ``ex:p``'s values, and its change
    is seen (pySHACL's results)."""
    shapes = Graph().parse(data=QUALIFIED_SHAPES, format="turtle")
    ex = "https://example.org/"
    data = Graph()
    for v in ("v1", "v2"):
        data.add((URIRef(ex + "c"), URIRef(ex + "p"), URIRef(ex + v)))
        data.add((URIRef(ex + v), RDF.type, URIRef(ex + "A")))
        data.add((URIRef(ex + v), URIRef(ex + "r"), Literal(1)))
    data.add((URIRef(ex + "c"), RDF.type, URIRef(ex + "C")))
    assert shacl.validate(data, shapes)[0]
    data.remove((None, URIRef(ex + "r"), None))
    got = results(shacl.validate(data, shapes)[1])
    expected = results(pyshacl_validate(data, shacl_graph=shapes, advanced=True)[1])  # type: ignore[arg-type]
    assert not expected[0]
    assert_same(expected, got)
