"""A graph's lines written and checked once are rdflib's lines; what they vouch for,
Oxigraph's strict parser accepts; what they cannot vouch for is refused.

``app.rdf.triples_text.written`` writes each distinct term once, sorts subject by
subject, reads the VoID sizes on the way and checks each term as Oxigraph's
strict N-Quads parser would, so that the build can let Oxigraph read the lines
leniently. Compared here with rdflib's own N-Triples serializer (the lines),
Oxigraph's strict parse of rdflib's text (the sizes: ``Counts.add`` of each
quad), on odd terms and on a seed contract's enriched graph; every graph it
refuses is one the strict way refuses or writes apart.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from app.build_statistics import Counts
from app.dump_parts import _PREFIXES
from app.rdf import triples_text
from app.rdf.memory_graph import by_subject, own_indexes, triples
from app.rdf.ntriples import canonical
from app.rdf.term_text import Known, TermTexts
from app.rdf.triples_text import Unchecked
from app.rdf.turtle_text import Terms

EX = "https://example.org/id/"


NAME = EX + "graphe"


class _Seen:
    """What the tests read of a graph written: its N-Triples lines, its sizes."""

    def __init__(self, w: triples_text.Written) -> None:
        self.lines = w.lines(NAME)
        self.triples, self.entities = w.triples, w.entities
        self.properties, self.classes = w.properties, w.classes


def written(graph: Graph) -> tuple[_Seen, Graph]:
    """The one pass, with the prefixes of the build."""
    w = triples_text.written(graph, NAME, Terms(_PREFIXES))
    return _Seen(w), w.graph


_TEXTS = ["Santé", 'dit "oui"', "a\\b", "ligne\nautre\r", " ", "tab\tici", "", "\x7f", "😀"]


def odd_graph() -> Graph:
    """Literals of every kind, with quotes, backslashes, line breaks, tabs; classes."""
    g = Graph()
    s = URIRef(EX + "contrat/c1")
    for i, text in enumerate(_TEXTS):
        g.add((s, URIRef(EX + f"p{i}"), Literal(text, lang="fr")))
        g.add((s, URIRef(EX + f"q{i}"), Literal(text)))
        g.add((s, URIRef(EX + f"r{i}"), Literal(text, datatype=XSD.string)))
        g.add((URIRef(EX + f"e{i}"), RDF.type, URIRef(EX + "Element")))
        g.add((URIRef(EX + f"e{i}"), URIRef(EX + "contrat"), s))
    g.add((s, RDF.type, URIRef(EX + "Contrat")))
    g.add((s, RDF.type, URIRef(EX + "Contrat/sous")))
    g.add((s, URIRef(EX + "rang"), Literal(3)))
    g.add((s, URIRef(EX + "rang"), Literal("03", datatype=XSD.integer)))
    g.add((s, URIRef(EX + "taux"), Literal(1.5)))
    g.add((s, URIRef(EX + "vrai"), Literal(True)))
    g.add((s, URIRef(EX + "date"), Literal("2024-01-01", datatype=XSD.date)))
    g.add((s, URIRef(EX + "p"), Literal("x", lang="en-GB")))
    g.add((s, URIRef("urn:x:1"), URIRef("http://example.org/a b".replace(" ", "%20"))))
    g.add((URIRef(EX + "contrat/c"), URIRef(EX + "p"), s))  # a subject, prefix of another
    g.add((URIRef(EX + "contrat/c1!"), URIRef(EX + "p"), s))  # one below the space
    return g


def rdflib_lines(graph: Graph) -> list[str]:
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    return sorted({line for line in text.splitlines() if line.strip()})


def strict_counts(graph: Graph) -> Counts:
    """The sizes of rdflib's text as Oxigraph reads it strictly, quad after quad."""
    counts = Counts()
    for triple in ox.parse(
        graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES
    ):
        counts.add(ox.Quad(triple.subject, triple.predicate, triple.object))
    return counts


def _same(graph: Graph) -> None:
    w, same = written(graph)
    assert same is graph
    assert w.lines == rdflib_lines(graph)
    counts = strict_counts(graph)
    assert (w.triples, w.entities, w.properties, w.classes) == (
        counts.triples,
        counts.entities,
        counts.properties,
        counts.classes,
    )


def test_odd_terms_written_as_rdflib_writes_them() -> None:
    _same(odd_graph())


def test_a_seed_contract_written_as_rdflib_writes_it(enriched_seed: tuple[Graph, Graph]) -> None:
    """Its graph and its facts, as the build hands them to ``contract_files``."""
    graph, facts = enriched_seed
    _same(graph)
    _same(facts)


def test_blank_nodes_written_from_the_canonical_graph() -> None:
    g = odd_graph()
    g.add((BNode("b"), URIRef(EX + "p"), URIRef(EX + "contrat/c1")))
    g.add((URIRef(EX + "contrat/c1"), URIRef(EX + "p"), BNode("b")))
    w, graph = written(g)
    assert graph is not g
    assert w.lines == rdflib_lines(canonical(g))


def test_a_removed_triple_leaves_no_line_and_no_subject() -> None:
    """rdflib's memory store keeps a predicate with no objects after a removal."""
    g = odd_graph()
    lone = URIRef(EX + "seul")
    g.add((lone, URIRef(EX + "p"), Literal("x")))
    g.remove((lone, URIRef(EX + "p"), Literal("x")))
    assert any(s == lone for s, _ in by_subject(g))  # the empty group is there
    _same(g)
    assert EX + "seul" not in written(g)[0].entities


@pytest.mark.parametrize(
    "triple",
    [
        (URIRef(EX + "s"), URIRef(EX + "p"), URIRef("pas-absolue")),  # a relative IRI
        (URIRef(EX + "s"), URIRef(EX + "p"), URIRef(EX + "é\u0000")),  # a control character
        (URIRef(EX + "s"), URIRef(EX + "p"), Literal("x", lang="fr-FR-x-1234567890")),
        (URIRef(EX + "s"), URIRef(EX + "p"), Literal("x", datatype=URIRef("xsd:pas une"))),
        (URIRef(EX + "s"), URIRef(EX + "p"), Literal("sépare\u2028ici")),  # splitlines breaks
        (URIRef(EX + "s"), URIRef(EX + "p"), Literal("\x0cpage")),
        (URIRef(EX + "s"), RDF.type, Literal("une classe littérale")),
        (Literal("sujet"), URIRef(EX + "p"), URIRef(EX + "o")),
    ],
)
def test_what_the_strict_way_refuses_or_writes_apart_is_not_vouched_for(
    triple: tuple[object, object, object],
) -> None:
    g = Graph()
    g.add(triple)  # type: ignore[arg-type]
    with pytest.raises(Unchecked):
        written(g)
    if triple[1] != RDF.type:  # (a literal class is valid: only its count is written apart)
        lines = "\n".join(rdflib_lines(g)).encode("utf-8") + b"\n"
        with pytest.raises((SyntaxError, UnicodeEncodeError)):
            list(ox.parse(lines, format=ox.RdfFormat.N_TRIPLES))


def test_a_blank_node_label_oxigraph_refuses_is_not_vouched_for() -> None:
    """Canonical labels are always valid; the label is checked all the same."""
    g = Graph()
    g.add((BNode("a b"), URIRef(EX + "p"), URIRef(EX + "o")))
    assert written(g)[0].lines == rdflib_lines(canonical(g))
    with pytest.raises(Unchecked):
        triples_text._written(g, NAME, True, Terms(_PREFIXES), None, Known())  # as if canonical


def test_the_grouped_triples_are_the_graph_s() -> None:
    g = odd_graph()
    assert own_indexes(g) is not None  # read from the store's index
    grouped = {(s, p, o) for s, by_p in by_subject(g) for p, objects in by_p for o in objects}
    assert grouped == set(triples(g)) == set(g)
    dataset = Dataset()
    named = dataset.graph(URIRef(EX + "g"))
    named += g
    dataset.graph(URIRef(EX + "autre")).add((URIRef(EX + "x"), URIRef(EX + "p"), Literal(1)))
    assert own_indexes(named) is None  # another graph in the store: rdflib's own API
    grouped = {(s, p, o) for s, by_p in by_subject(named) for p, objects in by_p for o in objects}
    assert grouped == set(g)
    assert written(named)[0].lines == rdflib_lines(g)


def _iris(seed: int) -> list[str]:
    """Strings shaped like IRIs, many sharing a head up to a "/", with characters of every
    kind Oxigraph's parser treats apart (authority, port, IP literal, percent, query,
    fragment, characters IRIs may not hold)."""
    import random

    rng = random.Random(seed)
    starts = ["http://e.org/", "urn:x/", "h:/", "http://", "http://[::1]/", "http://u@h:8/"]
    starts += ["http://h:x/", "http://e.org?q=/", "http://e.org/#f/", "x", "http://e.org/a%/"]
    pieces = ["a", "Z", "0", "-", ".", "_", "~", "..", "é", "%41", "%4", "%", "?", "#", "@"]
    pieces += [":", "[", "]", " ", "<", "\\", "^", "|", "'", "!", "\u2028", "\x00", "/", "//"]
    heads = [
        rng.choice(starts) + "".join(rng.choices(pieces, k=rng.randrange(3))) for _ in range(40)
    ]
    heads = [h if h.endswith("/") else h + "/" for h in heads]  # ("http://": the host next)
    out = []
    for _ in range(1500):
        tail = "".join(
            rng.choices(pieces[:8] if rng.random() < 0.7 else pieces, k=rng.randrange(4))
        )
        out.append(rng.choice(heads) + tail)
    return out


@pytest.mark.parametrize("seed", range(4))
def test_iris_accepted_as_oxigraph_accepts_them(seed: int) -> None:
    """Each IRI checked once, those after an accepted head by their tail only: the same
    verdicts as ``NamedNode``'s, in any order."""
    terms = TermTexts(False, Terms(_PREFIXES))
    iris = _iris(seed)
    accepted = 0
    for iri in iris:
        try:
            ox.NamedNode(iri)
            expected = True
        except ValueError:
            expected = False
        try:
            terms.iri(iri)
            found = True
        except Unchecked:
            found = False
        assert found is expected, iri
        accepted += expected
    assert 0.2 * len(iris) < accepted < 0.9 * len(iris)
    assert terms.heads
