"""``add_triples`` leaves a graph exactly as ``Graph.add`` of each triple would.

The validator reads rdflib's memory-store indexes directly, and the files are
written from the store's set of triples: the fast fill must leave every
structure of the store as rdflib's own ``add`` does (same dictionaries, same
insertion order, same context bookkeeping), so that later ``add``/``remove``
calls, iteration and reads behave the same. Graphs it cannot fill that way
(shared stores, listened-to stores, datasets) get ``Graph.add`` itself.
"""

from __future__ import annotations

from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.events import Event
from rdflib.namespace import RDF, XSD
from rdflib.plugins.stores.memory import Memory
from rdflib.store import TripleAddedEvent

from app.rdf.memory_graph import Triples, add_triples, release, triples

EX = "https://example.org/"


def _triples() -> list[tuple[Any, Any, Any]]:
    s, t = URIRef(EX + "s"), URIRef(EX + "t")
    out = [
        (s, RDF.type, URIRef(EX + "C")),
        (s, URIRef(EX + "label"), Literal("Santé", lang="fr")),
        (s, URIRef(EX + "label"), Literal("Santé", lang="FR")),  # equal to the one above
        (s, URIRef(EX + "rang"), Literal(3, datatype=XSD.integer)),
        (s, URIRef(EX + "rang"), Literal("03", datatype=XSD.integer)),
        (t, URIRef(EX + "p"), s),
        (BNode("b1"), URIRef(EX + "p"), Literal("x")),
        (s, RDF.type, URIRef(EX + "C")),  # twice in the input
    ]
    out += [(URIRef(f"{EX}e{i}"), URIRef(EX + "contrat"), s) for i in range(50)]
    return out


def _state(graph: Graph) -> dict[str, Any]:
    store = graph.store
    names = ("spo", "pos", "osp", "tripleContexts", "defaultContexts")
    state: dict[str, Any] = {n: getattr(store, f"_Memory__{n}") for n in names}
    for name in ("spo", "pos", "osp"):  # the insertion order of every level, too
        index = state[name]
        state[name + " order"] = [
            (a, list(b), [list(c) for c in b.values()]) for a, b in index.items()
        ]
    contexts = store._Memory__contextTriples
    state["contexts"] = {k: set(v) for k, v in contexts.items()}
    state["context order"] = list(contexts)
    state["all contexts"] = len(store._Memory__all_contexts)
    state["iteration"] = list(graph)
    return state


def _rdflib(before: list, added: list) -> Graph:
    g = Graph(identifier=URIRef(EX + "g"))
    for t in before + added:
        g.add(t)
    return g


def _filled(before: list, added: list) -> Graph:
    g = Graph(identifier=URIRef(EX + "g"))
    for t in before:
        g.add(t)
    add_triples(g, added)
    return g


def test_the_store_is_left_as_graph_add_leaves_it() -> None:
    data = _triples()
    for before, added in (([], data), (data[:3], data[2:]), (data, data), (data[:1], [])):
        expected, got = _rdflib(before, added), _filled(before, added)
        assert _state(got) == _state(expected)
        # and it goes on behaving the same: removals, additions, reads
        for g in (expected, got):
            g.remove((URIRef(EX + "s"), None, None))
            g.add((URIRef(EX + "z"), RDF.type, URIRef(EX + "C")))
        assert _state(got) == _state(expected)
        assert set(got.subjects(RDF.type, URIRef(EX + "C"))) == {URIRef(EX + "z")}


def test_an_empty_fill_changes_nothing() -> None:
    got = Graph()
    add_triples(got, [])
    assert _state(got) == _state(Graph())


def test_graphs_it_cannot_fill_get_graph_add() -> None:
    data = _triples()
    # a graph of a dataset (its store shared with the default graph and others)
    ds = Dataset()
    other = ds.graph(URIRef(EX + "other"))
    other.add((URIRef(EX + "o"), RDF.type, URIRef(EX + "C")))
    mine = ds.graph(URIRef(EX + "mine"))
    add_triples(mine, data)
    assert set(mine) == set(_rdflib([], data))
    assert len(other) == 1
    # a store someone listens to gets its events
    heard: list[Event] = []
    store = Memory()
    store.dispatcher.subscribe(TripleAddedEvent, heard.append)
    g = Graph(store=store)
    add_triples(g, data)
    assert len(heard) == len(data) and set(g) == set(data)


def test_the_triples_read_are_the_graph_s() -> None:
    data = _triples()
    g = _filled([], data)
    assert set(triples(g)) == set(g) and len(list(triples(g))) == len(g)
    ds = Dataset()
    named = ds.graph(URIRef(EX + "n"))
    add_triples(named, data)
    assert sorted(triples(named)) == sorted(named)


def test_triples_made_in_order_fill_the_same_graph() -> None:
    made = Triples()
    for t in _triples():
        made.add(t)
    assert list(made) == _triples()
    assert _state(_filled([], made)) == _state(_rdflib([], _triples()))


def test_a_released_graph_is_empty_and_usable() -> None:
    g = _filled([], _triples())
    facts = Graph()
    add_triples(facts, _triples()[:3])
    release(g)
    assert len(g) == 0 and list(g) == [] and list(triples(g)) == []
    assert set(facts) == set(_rdflib([], _triples()[:3]))  # another graph: untouched
    g.add((URIRef(EX + "z"), RDF.type, URIRef(EX + "C")))
    assert list(g) == [(URIRef(EX + "z"), RDF.type, URIRef(EX + "C"))]
    ds = Dataset()  # a store holding other graphs too: left as it is
    named, other = ds.graph(URIRef(EX + "n")), ds.graph(URIRef(EX + "o"))
    named.add((URIRef(EX + "z"), RDF.type, URIRef(EX + "C")))
    other.add((URIRef(EX + "y"), RDF.type, URIRef(EX + "C")))
    release(named)
    assert len(named) == 1 and len(other) == 1
