"""``no_rows`` only says "no row" where the query itself gives none (app/shacl/no_rows.py).

Each of the project's SHACL-SPARQL constraints is run on the seed contracts,
clean and with one change each (cycles of every length, parents in another
contract or outside any, literal and blank parents, ranks repeated in every
way SPARQL groups them or not, both generations, ranges), the reference way:
rdflib's query with ``$this`` bound (pySHACL's) and Oxigraph's batched query.
Wherever ``no_rows`` answers "no row", both give none; on the clean seeds it
answers "no row" for every constraint (else it would save nothing); and whole
validations of the changed graphs give pySHACL's results.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node
from test_differential import (
    CDV,
    REPO,
    Common,
    _cdv,
    assert_same,
    contract_graphs,
    reference,
    results,
)

from app import shacl
from app.build_contracts import _shared
from app.config import DEFAULT_BASE_IRI, Settings
from app.shacl import _base, _namespaces, compiled
from app.shacl.data import DataIndex, ontology_mixin
from app.shacl.engine import Engine
from app.shacl.no_rows import KNOWN, no_rows
from app.shacl.sparql import _can_batch, _rows_batched, _rows_one

OTHER = URIRef(DEFAULT_BASE_IRI + "contrat/autre")


@pytest.fixture(scope="module")
def common() -> Common:
    shared = _shared(DEFAULT_BASE_IRI, REPO / "ontology", REPO / "shapes")
    assert Settings(base_iri=DEFAULT_BASE_IRI).base_iri == DEFAULT_BASE_IRI
    return Common(shared.shapes, shared.ontology, shared.vocab)


@pytest.fixture(scope="module")
def curated() -> list[Graph]:
    return [c for c, _, _ in contract_graphs(REPO / "data" / "contrats", REPO / "data" / "sources")]


def _elements(g: Graph) -> list[URIRef]:
    contrat = next(iter(g.subjects(RDF.type, _cdv("Contrat"))))
    return sorted(s for s in g.subjects(_cdv("contrat"), contrat) if isinstance(s, URIRef))


def _children(g: Graph) -> list[URIRef]:
    """Elements with a parent, in a fixed order."""
    return [e for e in _elements(g) if (e, _cdv("partieDe"), None) in g]


def _set(g: Graph, s: Node, p: str, o: Node) -> None:
    g.remove((s, _cdv(p), None))
    g.add((s, _cdv(p), o))


def _cycle(n: int) -> Callable[[Graph], None]:
    def change(g: Graph) -> None:
        e = _children(g)[-n:]
        for a, b in zip(e, e[1:] + e[:1], strict=True):
            _set(g, a, "partieDe", b)

    return change


def _outside_cycle(g: Graph) -> None:
    e, x = _children(g)[0], URIRef(DEFAULT_BASE_IRI + "ailleurs")
    _set(g, e, "partieDe", x)
    g.add((x, _cdv("partieDe"), e))


def _rank_like(o: Callable[[Literal], Node]) -> Callable[[Graph], None]:
    """A child given its first sibling's rank, rewritten by ``o``."""

    def change(g: Graph) -> None:
        for e in _children(g):
            parent = g.value(e, _cdv("partieDe"))
            siblings = [s for s in g.subjects(_cdv("partieDe"), parent) if s != e]
            if siblings:
                rang = g.value(sorted(siblings)[0], _cdv("rang"))
                assert isinstance(rang, Literal)
                _set(g, e, "rang", o(rang))
                return

    return change


def _parent_in_another(g: Graph) -> None:
    a, b = _children(g)[:2]
    _set(g, b, "partieDe", a)
    _set(g, a, "contrat", OTHER)


def _top_level_same_rank(g: Graph) -> None:
    top = [e for e in _elements(g) if (e, _cdv("partieDe"), None) not in g]
    for e in top[:2]:
        _set(g, e, "rang", Literal(7))


def _both_generations(g: Graph) -> None:
    contrat = next(iter(g.subjects(RDF.type, _cdv("Contrat"))))
    g.add((contrat, _cdv("generation"), URIRef(DEFAULT_BASE_IRI + "generation/2024-2030")))
    g.add((contrat, _cdv("generationInferee"), URIRef(DEFAULT_BASE_IRI + "generation/2015-2020")))


def _range(low: Node, high: Node) -> Callable[[Graph], None]:
    def change(g: Graph) -> None:
        o = URIRef(DEFAULT_BASE_IRI + "test/o")
        g.add((o, RDF.type, URIRef("http://purl.org/linked-data/cube#Observation")))
        g.add((o, _cdv("valeurMin"), low))
        g.add((o, _cdv("valeurMax"), high))

    return change


CHANGES: dict[str, Callable[[Graph], object]] = {
    "clean": lambda g: None,
    "self parent": _cycle(1),
    "cycle of 2": _cycle(2),
    "cycle of 3": _cycle(3),
    "cycle through a node of no contract": _outside_cycle,
    "parent in another contract": _parent_in_another,
    "parent elsewhere": lambda g: _set(g, _children(g)[0], "partieDe", OTHER),
    "literal parent": lambda g: g.add((_children(g)[0], _cdv("partieDe"), Literal("x"))),
    "blank parent": lambda g: g.add((_children(g)[0], _cdv("partieDe"), BNode())),
    "second parent": lambda g: g.add((_children(g)[0], _cdv("partieDe"), _children(g)[-1])),
    "a sibling's rank": _rank_like(lambda r: r),
    "a sibling's rank, as a string": _rank_like(lambda r: Literal(str(r))),
    "a sibling's rank, zero-padded": _rank_like(
        lambda r: Literal("0" + str(r), datatype=XSD.integer)
    ),
    "a sibling's rank, a decimal": _rank_like(lambda r: Literal(str(r), datatype=XSD.decimal)),
    "two ranks": lambda g: g.add((_children(g)[0], _cdv("rang"), Literal(99))),
    "top level, same rank": _top_level_same_rank,
    "both generations": _both_generations,
    "range inverted": _range(Literal(36), Literal(29)),
    "range in order": _range(Literal(29), Literal(36)),
    "range, text": _range(Literal("a"), Literal("b")),
    "range, equal": _range(Literal("2.50", datatype=XSD.decimal), Literal(2.5)),
    "range, decimal above integer": _range(Literal("3.01", datatype=XSD.decimal), Literal(3)),
    "range, negative": _range(
        Literal("-1", datatype=XSD.integer), Literal("-2.5", datatype=XSD.decimal)
    ),
    "range, ill-typed": _range(
        Literal("9", datatype=XSD.integer), Literal("x", datatype=XSD.integer)
    ),
}


def _engine(graphs: list[Graph], common: Common) -> Engine:
    """The engine as a build's validation makes it (app/shacl._run)."""
    mixin = ontology_mixin(common.ont)
    base = _base([common.vocab, *([mixin] if mixin is not None else [])])
    index = DataIndex(graphs, base)
    return Engine(compiled(common.shapes), index, _namespaces(graphs, common.ont))


def _answers(graph: Graph, common: Common, rdflib: bool) -> list[tuple[str, bool, int, int]]:
    """(query, no_rows, rows the rdflib way, rows the batched way) of each constraint;
    the rdflib way (a query a focus node: ≈ 0.5 s a seed) only when ``rdflib``, else
    the batched count twice."""
    e = _engine([graph], common)
    out = []
    for shape in e.shapes.by_node.values():
        if not shape.sparql or shape.deactivated:
            continue
        focus = e.focus_nodes(shape)
        for c in shape.sparql:
            said = no_rows(e.index, e.prefixes(), c.select, focus)
            one = sum(len(_rows_one(e, c, f)) for f in focus) if rdflib else None
            batched = (
                sum(map(len, _rows_batched(e, c, focus).values()))
                if _can_batch(e, c, focus)
                else one
            )
            if batched is None:  # not batched: the rdflib way is the only way
                one = batched = sum(len(_rows_one(e, c, f)) for f in focus)
            out.append((c.select, said, batched if one is None else one, batched))
    return out


@pytest.mark.parametrize("name", CHANGES)
def test_no_rows_only_where_the_queries_give_none(
    name: str, curated: list[Graph], common: Common
) -> None:
    for i, graph in enumerate(curated):  # rdflib's rows (the reference) on the first seed
        g = Graph()
        g += graph
        CHANGES[name](g)
        answers = _answers(g, common, rdflib=i == 0)
        assert {" ".join(q.split()) for q, *_ in answers} == set(KNOWN)  # every one known
        for query, said, one, batched in answers:
            assert one == batched, query
            if said:
                assert one == 0, (name, query)
        if name == "clean":
            assert all(said for _, said, _, _ in answers)


@pytest.mark.parametrize(
    "name", ["cycle of 2", "parent in another contract", "a sibling's rank", "range inverted"]
)
def test_validations_with_the_changes_give_pyshacl_s_results(
    name: str, curated: list[Graph], common: Common
) -> None:
    g = Graph()
    g += curated[0]
    CHANGES[name](g)
    union = Graph()
    union += g
    union += common.vocab
    expected = reference(union, common.shapes, common.ont)
    actual = shacl.validate([g], common.shapes, common.ont, shared=[common.vocab])
    assert_same(expected, results(actual[1]))
    assert not expected[0]  # the change is a violation


def test_unknown_texts_and_prefixes_are_left_to_the_query(
    curated: list[Graph], common: Common
) -> None:
    e = _engine([curated[0]], common)
    contrat = next(iter(curated[0].subjects(RDF.type, _cdv("Contrat"))))
    known = next(iter(KNOWN))
    assert no_rows(e.index, e.prefixes(), known, [contrat])
    assert not no_rows(e.index, e.prefixes(), known + " LIMIT 1", [contrat])
    assert not no_rows(e.index, "", known, [contrat])  # cdv: unbound
    other = e.prefixes().replace(CDV, "https://example.org/autre#")
    assert no_rows(e.index, other, known, [contrat])  # (nothing with those predicates)
