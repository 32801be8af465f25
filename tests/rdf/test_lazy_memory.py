"""A ``LazyMemory`` graph is, to anything reading it, rdflib's own memory store.

The reference is a plain ``Graph()`` (rdflib's ``Memory``) given the same
triples one ``Graph.add`` / ``Graph.remove`` at a time. After any sequence of
the build's fast additions and removals, the lazy store's every structure —
the deferred ones made when first read — must equal the reference's, with the
same iteration order at every level (the files and the validator read those
orders), and go on behaving the same under rdflib's own API.
"""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.plugins.stores.memory import Memory
from rdflib.store import TripleAddedEvent

from app.rdf.lazy_memory import LazyMemory
from app.rdf.memory_graph import (
    Lookup,
    add_triples,
    by_subject,
    lazy_graph,
    own_indexes,
    release,
    remove_triples,
    triples,
)

EX = "https://example.org/"


def _terms(rng: random.Random) -> list[Any]:
    """Subjects, predicates and objects with equal-but-distinct objects among them."""
    iris = [URIRef(f"{EX}n{i}") for i in range(40)]
    literals = [Literal(f"mot {i}", lang="fr") for i in range(30)]
    literals += [Literal(f"mot {i}", lang="FR") for i in range(5)]  # equal to the ones above
    literals += [Literal(i, datatype=XSD.integer) for i in range(20)]
    literals += [Literal(str(i)) for i in range(10)] + [Literal("01", datatype=XSD.integer)]
    return (
        iris
        + literals
        + [BNode(f"b{i}") for i in range(5)]
        + [URIRef(f"{EX}n{i}") for i in range(5)]
    )


def _random_triples(rng: random.Random, n: int) -> list[tuple[Any, Any, Any]]:
    terms = _terms(rng)
    subjects = [URIRef(f"{EX}n{i}") for i in range(40)] + [BNode("b1")]
    predicates = [URIRef(f"{EX}p{i}") for i in range(8)] + [RDF.type]
    return [(rng.choice(subjects), rng.choice(predicates), rng.choice(terms)) for _ in range(n)]


def _state(graph: Graph) -> dict[str, Any]:
    """Every structure of the memory store, with the iteration order of each level."""
    store: Any = graph.store
    names = ("spo", "pos", "osp", "tripleContexts", "defaultContexts")
    state: dict[str, Any] = {n: getattr(store, f"_Memory__{n}") for n in names}
    for name in ("spo", "pos", "osp"):
        state[name + " order"] = [
            (a, list(b), [list(c) for c in b.values()]) for a, b in state[name].items()
        ]
    contexts = store._Memory__contextTriples
    state["contexts"] = {k.split(":")[0] if k else k: list(v) for k, v in contexts.items()}
    state["all contexts"] = len(store._Memory__all_contexts)
    state["iteration"] = list(graph)
    state["length"] = len(graph)
    return state


def _pair() -> tuple[Graph, Graph]:
    """(rdflib's own graph, a lazy one) with the same identifier."""
    name = URIRef(EX + "g")
    return Graph(identifier=name), Graph(store=LazyMemory(), identifier=name)


def _run(rng: random.Random, steps: int) -> tuple[Graph, Graph]:
    """The same random additions and removals on both graphs (rdflib's one at a time)."""
    expected, got = _pair()
    for _ in range(steps):
        if rng.random() < 0.6:
            batch = _random_triples(rng, rng.randint(0, 60))
            for t in batch:
                expected.add(t)
            add_triples(got, batch)
        else:
            present = list(triples(expected))
            batch = rng.sample(present, min(len(present), rng.randint(0, 25)))
            batch += _random_triples(rng, 5)  # mostly absent ones
            if rng.random() < 0.2:
                batch = present  # empties the graph
            for t in batch:
                expected.remove(t)
            remove_triples(got, batch)
    return expected, got


def _reads(graph: Graph) -> Any:
    """What the build reads through memory_graph's functions, in their order."""
    own = own_indexes(graph)
    look = Lookup(graph)
    return (
        [(a, list(b), [list(c) for c in b.values()]) for a, b in own[0].items()] if own else None,
        [(a, list(b), [list(c) for c in b.values()]) for a, b in own[1].items()] if own else None,
        [(s, [(p, list(objects)) for p, objects in by_p]) for s, by_p in by_subject(graph)],
        list(look.subjects(URIRef(EX + "p1"))),
        list(look.subject_objects(RDF.type)),
        [list(look.objects(URIRef(f"{EX}n{i}"), URIRef(EX + "p2"))) for i in range(40)],
        len(graph),
    )


@pytest.mark.parametrize("seed", range(40))
def test_random_additions_and_removals_leave_rdflib_s_store(seed: int) -> None:
    rng = random.Random(seed)
    expected, got = _run(rng, rng.randint(1, 12))
    assert type(got.store) is LazyMemory and got.store.log is not None  # still deferred
    reads = _reads(got)
    elsewhere = URIRef(EX + "other")  # a graph of the store with no triples
    assert len(Graph(got.store, elsewhere)) == len(Graph(expected.store, elsewhere)) == 0
    assert len(got.store) == len(expected.store)  # the default graph's
    assert got.store.log is not None  # reading spo/pos and the lengths made nothing
    assert _state(got) == _state(expected)  # (made from the log here)
    assert got.store.log is None
    # The reads agree with rdflib's own store's (where it has own indexes).
    assert reads == _reads(expected)
    # And it goes on as rdflib's: its own API, then the fast paths again.
    for g in (expected, got):
        g.remove((URIRef(EX + "n1"), None, None))
        g.add((URIRef(EX + "z"), RDF.type, URIRef(EX + "C")))
        g.remove((None, None, Literal(3, datatype=XSD.integer)))
    more = _random_triples(rng, 30)
    for t in more:
        expected.add(t)
    add_triples(got, more)
    assert _state(got) == _state(expected)


@pytest.mark.parametrize("seed", range(10))
def test_rdflib_s_api_on_a_deferred_store_makes_it_first(seed: int) -> None:
    rng = random.Random(1000 + seed)
    expected, got = _run(rng, 4)
    probe = rng.choice(_terms(rng))
    calls = [
        lambda g: sorted(g.subjects(None, probe)),  # the osp index
        lambda g: list(g),  # the graph's set
        lambda g: g.add((URIRef(EX + "z"), RDF.type, URIRef(EX + "C"))),
        lambda g: g.remove((None, RDF.type, None)),
        lambda g: len(g.store),  # the default graph's
        lambda g: list(g.triples((URIRef(EX + "n2"), None, None))),
        lambda g: sorted(triples(g)),
    ]
    call = calls[seed % len(calls)]
    assert call(got) == call(expected)
    assert _state(got) == _state(expected)


def test_a_graph_emptied_then_filled_again() -> None:
    expected, got = _pair()
    data = _random_triples(random.Random(7), 50)
    for g in (expected,):
        for t in data:
            g.add(t)
        for t in data:
            g.remove(t)
        for t in data[:10]:
            g.add(t)
    add_triples(got, data)
    remove_triples(got, data)
    assert len(got) == 0 and own_indexes(got) is None
    add_triples(got, data[:10])
    assert _state(got) == _state(expected)


def test_another_graph_on_the_store_gets_rdflib_s_way() -> None:
    store = LazyMemory()
    mine, other = Graph(store=store, identifier=URIRef(EX + "m")), Graph(store, URIRef(EX + "o"))
    data = _random_triples(random.Random(3), 40)
    add_triples(mine, data)
    extra = [(URIRef(EX + "x"), RDF.type, URIRef(EX + "C"))]
    add_triples(other, data[:5] + extra)
    assert store.log is None  # settled: two graphs' triples are rdflib's business
    reference = Memory()
    m2, o2 = Graph(reference, URIRef(EX + "m")), Graph(reference, URIRef(EX + "o"))
    for t in data:
        m2.add(t)
    for t in data[:5] + extra:
        o2.add(t)
    assert sorted(mine) == sorted(m2) and sorted(other) == sorted(o2)
    assert own_indexes(mine) is None  # the indexes hold both graphs
    remove_triples(other, data[:2] + extra)
    for t in data[:2] + extra:
        o2.remove(t)
    assert list(mine) == list(m2) and list(other) == list(o2)
    assert _state(mine) == _state(m2)


def test_a_listened_store_gets_its_events() -> None:
    store = LazyMemory()
    heard: list[Any] = []
    store.dispatcher.subscribe(TripleAddedEvent, heard.append)
    g = Graph(store=store)
    data = _random_triples(random.Random(5), 20)
    add_triples(g, data)
    assert len(heard) == len(data) and set(g) == set(data)


def test_released_graph_is_empty_and_usable() -> None:
    g = lazy_graph()
    add_triples(g, _random_triples(random.Random(9), 100))
    release(g)
    assert len(g) == 0 and list(g) == [] and list(triples(g)) == []
    g.add((URIRef(EX + "z"), RDF.type, URIRef(EX + "C")))
    assert list(g) == [(URIRef(EX + "z"), RDF.type, URIRef(EX + "C"))]


def _prefix_state(graph: Graph) -> Any:
    nm: Any = graph.namespace_manager
    store: Any = graph.store
    return copy.deepcopy(
        (
            list(graph.namespaces()),
            list(store._Memory__namespace.items()),
            list(store._Memory__prefix.items()),
            nm._NamespaceManager__trie,
            nm._NamespaceManager__strie,
            nm._NamespaceManager__cache,
            nm._NamespaceManager__cache_strict,
        )
    )


def test_a_contract_graph_s_prefixes_are_those_binding_gives() -> None:
    """``new_graph(lazy=True)`` copies the bindings of a graph bound the slow way: the same
    state, and the same behaviour afterwards (qnames, more bindings, Turtle)."""
    from app.rdf.contrat_graph import _BOUND, _bound, new_graph

    copied, bound = new_graph(lazy=True), _bound(lazy_graph())
    assert _prefix_state(copied) == _prefix_state(bound)
    template = _prefix_state(_BOUND[0])
    data = _random_triples(random.Random(11), 80)
    data += [
        (URIRef("https://w3id.org/contrats-de-ville/onto#x"), RDF.type, URIRef(EX + "C")),
        (URIRef("http://www.w3.org/2004/02/skos/core#y"), RDF.type, URIRef(EX + "C")),
    ]
    for g in (copied, bound):
        add_triples(g, data)
        g.bind("ex", EX)
        g.bind("skos", "https://example.org/autre-skos#")  # taken: becomes skos1
        g.bind("ex2", EX + "n1/")  # a namespace under another
    iris = [URIRef(f"{EX}n{i}") for i in range(5)] + [URIRef(EX + "n1/z")]
    for strict in (False, True):
        assert [copied.namespace_manager.compute_qname(str(i), strict) for i in iris] == [
            bound.namespace_manager.compute_qname(str(i), strict) for i in iris
        ]
    assert _prefix_state(copied) == _prefix_state(bound)
    assert copied.serialize(format="turtle") == bound.serialize(format="turtle")
    assert _prefix_state(_BOUND[0]) == template  # the template is left as it was


@pytest.mark.parametrize("fichier", ["a.txt", "contrat de ville.txt", "été#2.txt", "x%20y?.txt"])
def test_a_contract_s_source_lines_are_iris_source_lines(fichier: str) -> None:
    """The RDF stage names its source lines once per contract: the same IRIs as ``Iris``."""
    from types import SimpleNamespace

    from app.rdf.contrat_graph import _Nodes
    from app.rdf.namespaces import Iris

    iris = Iris()
    contrat: Any = SimpleNamespace(id="c", source=SimpleNamespace(fichier=fichier))
    nodes = _Nodes(iris, contrat, iris.contrat("c"))
    for ligne in (1, 7, 1, 1234):
        assert nodes.line(ligne) == iris.source_line(fichier, ligne)
        assert type(nodes.line(ligne)) is URIRef
