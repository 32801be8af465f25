"""The ontology: it parses, its fixed core is all there and documented, and it reasons.

The core terms below are copied from the design document ontology-core.md (the
specification, not the code under test); when that document is at hand, the test
also checks that the list here has not drifted from it.

The reasoning tests load the ontology and the built data into owlready2 and run
HermiT (Java): the real data must be consistent, and a fixture that types one
element with two disjoint levels must not be.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS, Namespace

CDV = Namespace("https://w3id.org/contrats-de-ville/onto#")
ONTOLOGY_IRI = URIRef("https://w3id.org/contrats-de-ville/onto")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
# Not rdflib.namespace.XSD: pytest probing module attributes makes that closed namespace warn.
XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")

CORE_CLASSES = [
    "Contrat",
    "ElementStrategique",
    "Pilier",
    "Axe",
    "ThematiqueTransversale",
    "ObjectifStrategique",
    "ObjectifOperationnel",
    "ModaliteAction",
    "Dispositif",
    "Territoire",
    "DocumentSource",
]
LEVELS = [
    "Pilier",
    "Axe",
    "ThematiqueTransversale",
    "ObjectifStrategique",
    "ObjectifOperationnel",
    "ModaliteAction",
    "Constat",  # extension (issue 10): a diagnosed challenge, disjoint from the core's six levels
]
# property: (OWL kinds accepted, domain or None, range or None) — from the "Properties" table.
CORE_PROPERTIES: dict[str, tuple[set[URIRef], URIRef | None, URIRef | None]] = {
    "contrat": ({OWL.ObjectProperty}, CDV.ElementStrategique, CDV.Contrat),
    "partieDe": ({OWL.ObjectProperty}, CDV.ElementStrategique, CDV.ElementStrategique),
    "rang": ({OWL.DatatypeProperty}, CDV.ElementStrategique, XSD_INTEGER),
    "niveauLocal": ({OWL.DatatypeProperty, OWL.AnnotationProperty}, None, None),
    "theme": ({OWL.ObjectProperty}, CDV.ElementStrategique, SKOS.Concept),
    "mobilise": ({OWL.ObjectProperty}, CDV.ElementStrategique, CDV.Dispositif),
    "territoire": ({OWL.ObjectProperty}, CDV.Contrat, CDV.Territoire),
    "generation": ({OWL.ObjectProperty}, CDV.Contrat, SKOS.Concept),
    # ligneSource: the table says ElementStrategique → integer, but key figures carry it
    # too, so only the range is required.
    "ligneSource": ({OWL.DatatypeProperty}, None, XSD_INTEGER),
}
# Terms of other vocabularies the core uses: they must be declared for OWL 2 DL tools.
EXTERNAL_TERMS = [SKOS.prefLabel, SKOS.notation, PROV.wasDerivedFrom, DCTERMS.identifier]
OWL_PROPERTY_KINDS = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}


@pytest.fixture(scope="module")
def ontology_file(repo_root: Path) -> Path:
    return repo_root / "ontology" / "cdv.ttl"


@pytest.fixture(scope="module")
def onto(ontology_file: Path) -> Graph:
    return Graph().parse(ontology_file, format="turtle")


# --- the ontology document ------------------------------------------------------------------


def test_ontology_parses_and_is_versioned(onto: Graph) -> None:
    assert len(onto) > 100
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    version_iri = onto.value(ONTOLOGY_IRI, OWL.versionIRI)
    assert isinstance(version_iri, URIRef)
    assert str(version_iri).startswith(str(ONTOLOGY_IRI) + "/")
    info = onto.value(ONTOLOGY_IRI, OWL.versionInfo)
    assert isinstance(info, Literal) and re.fullmatch(r"\d+\.\d+\.\d+", str(info)), info
    assert str(version_iri).endswith(str(info)), (
        "versionIRI and versionInfo name different versions"
    )


def test_core_list_matches_the_design_document(repo_root: Path) -> None:
    doc = repo_root.parent / "shared" / "design" / "ontology-core.md"
    if not doc.is_file():
        pytest.skip(f"design document not found at {doc}")
    text = doc.read_text(encoding="utf-8")
    classes = set(re.findall(r"^\| `cdv:([A-Z]\w+)` \|", text, flags=re.M))
    properties = set(re.findall(r"^\| `cdv:([a-z]\w+)` \|", text, flags=re.M))
    assert classes == set(CORE_CLASSES)
    assert properties == set(CORE_PROPERTIES)


@pytest.mark.parametrize("name", CORE_CLASSES)
def test_core_class(onto: Graph, name: str) -> None:
    iri = CDV[name]
    assert (iri, RDF.type, OWL.Class) in onto, f"{iri} is not declared an owl:Class"
    _assert_documented(onto, iri)


@pytest.mark.parametrize("name", sorted(CORE_PROPERTIES))
def test_core_property(onto: Graph, name: str) -> None:
    iri = CDV[name]
    kinds, domain, range_ = CORE_PROPERTIES[name]
    declared = set(onto.objects(iri, RDF.type)) & OWL_PROPERTY_KINDS
    assert declared, f"{iri} is not declared as a property"
    assert declared <= kinds, f"{iri} is {declared}, expected one of {kinds}"
    if domain is not None:
        assert set(onto.objects(iri, RDFS.domain)) == {domain}
    if range_ is not None:
        assert set(onto.objects(iri, RDFS.range)) == {range_}
    _assert_documented(onto, iri)


def _assert_documented(onto: Graph, iri: URIRef) -> None:
    for prop in (RDFS.label, SKOS.definition):
        langs = [
            o.language for o in onto.objects(iri, prop) if isinstance(o, Literal) and str(o).strip()
        ]
        for lang in ("fr", "en"):
            assert langs.count(lang) == 1, (
                f"{iri}: {langs.count(lang)} {prop.n3()} @{lang}, expected 1"
            )


@pytest.mark.parametrize("term", EXTERNAL_TERMS, ids=lambda t: t.n3())
def test_external_core_terms_are_declared(onto: Graph, term: URIRef) -> None:
    assert set(onto.objects(term, RDF.type)) & OWL_PROPERTY_KINDS, f"{term} is not declared"


def test_levels_are_disjoint_subclasses_of_element(onto: Graph) -> None:
    for name in LEVELS:
        assert (CDV[name], RDFS.subClassOf, CDV.ElementStrategique) in onto, name
    member_sets = [
        set(Collection(onto, members))
        for node in onto.subjects(RDF.type, OWL.AllDisjointClasses)
        if isinstance(node, BNode) and (members := onto.value(node, OWL.members)) is not None
    ]
    assert {CDV[n] for n in LEVELS} in member_sets, "the levels are not declared pairwise disjoint"


# --- reasoning (owlready2 + HermiT) ------------------------------------------------------------


@pytest.fixture(scope="module")
def java() -> str:
    exe = shutil.which("java")
    if exe is None:
        pytest.skip("Java not found on PATH: owlready2's HermiT reasoner needs it")
    return exe


def _to_ntriples(triples: Iterable[ox.Triple], path: Path) -> Path:
    """owlready2 reads N-Triples or RDF/XML, not Turtle or N-Quads.

    No literal had to be removed: the built data only uses rdf:langString, xsd:string,
    xsd:integer, xsd:decimal, xsd:boolean and xsd:date (the last only on annotation
    properties, which HermiT does not interpret).
    """
    path.write_bytes(
        ox.serialize(sorted(set(triples), key=str), format=ox.RdfFormat.N_TRIPLES) or b""
    )
    return path


def _triples(path: Path, fmt: ox.RdfFormat) -> list[ox.Triple]:
    """The triples of a file; for a dataset, the union of its graphs."""
    return [
        ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=fmt)
    ]


def _reason(nt_file: Path, java: str) -> None:
    """Load one N-Triples file into a fresh owlready2 world and run HermiT on it.

    owlready2 writes the world to a temporary file for HermiT and deletes it
    only when the data is consistent: an inconsistent world left a copy in the
    machine's temporary folder at each run. It is written beside ``nt_file``
    (the test's own folder, removed by pytest) instead.
    """
    import tempfile

    import owlready2

    owlready2.JAVA_EXE = java
    world = owlready2.World()
    onto = world.get_ontology(nt_file.as_uri()).load()
    previous, tempfile.tempdir = tempfile.tempdir, str(nt_file.parent)
    try:
        with onto:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    finally:
        tempfile.tempdir = previous
        world.close()


@pytest.mark.reasoner
def test_built_data_is_consistent(
    built_dump: Path, ontology_file: Path, tmp_path: Path, java: str
) -> None:
    """Ontology + every named graph of the build (contracts, vocabularies), as one OWL ontology."""
    import owlready2

    triples = _triples(ontology_file, ox.RdfFormat.TURTLE) + _triples(
        built_dump, ox.RdfFormat.N_QUADS
    )
    elements = {t.subject for t in triples if t.predicate == ox.NamedNode(str(CDV.contrat))}
    assert len(elements) > 500, "the build looks empty"
    nt = _to_ntriples(triples, tmp_path / "cvkg-with-ontology.nt")
    try:
        _reason(nt, java)
    except owlready2.OwlReadyInconsistentOntologyError as exc:  # pragma: no cover - failure path
        pytest.fail(f"HermiT finds the ontology + built data inconsistent: {exc}")


@pytest.mark.reasoner
def test_disjoint_levels_make_the_fixture_inconsistent(
    repo_root: Path, ontology_file: Path, tmp_path: Path, java: str
) -> None:
    import owlready2

    ontology = _triples(ontology_file, ox.RdfFormat.TURTLE)
    fixture = _triples(repo_root / "tests" / "fixtures" / "inconsistent.ttl", ox.RdfFormat.TURTLE)
    clash = ox.Triple(
        ox.NamedNode("http://example.org/inconsistent/element-1"),
        ox.NamedNode(str(RDF.type)),
        ox.NamedNode(str(CDV.ObjectifOperationnel)),
    )
    assert clash in fixture
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        _reason(_to_ntriples(ontology + fixture, tmp_path / "inconsistent.nt"), java)

    # Without that one triple the same data is consistent: the disjointness is what fails.
    without = [t for t in fixture if t != clash]
    _reason(_to_ntriples(ontology + without, tmp_path / "consistent.nt"), java)
