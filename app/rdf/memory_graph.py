"""Many triples added to an rdflib graph at once, without ``Graph.add``'s cost per triple.

(With :mod:`app.rdf.lazy_memory`, the one module that knows rdflib's memory-store
layout: :func:`add_triples`, :func:`remove_triples`, :func:`triples`,
:func:`own_indexes`, :class:`Lookup` and :func:`release` each check it and fall
back to rdflib's own API when it is not the layout they know. A contract's
graphs live in a :class:`~app.rdf.lazy_memory.LazyMemory` store, made by
:func:`lazy_graph`: the functions here read and write its spo and pos indexes
and leave the rest of rdflib's layout to be made if anything else asks for it.)

The build adds ≈ 5 000 triples to each contract's graph (the RDF stage, the
enrichment, the synthèse facts) only so that the validator can read them
through rdflib's memory-store indexes. ``Graph.add`` goes through the store's
event dispatch and its bookkeeping of each triple's contexts (a string made
from the graph's identifier, two dictionaries compared, one deleted) for
every triple: ≈ 20 µs each. For a plain graph alone in its memory store,
that bookkeeping always ends in the same state: the triple in the store's
three indexes and in the set of the graph's triples and of the default
graph's. :func:`add_triples` writes exactly that state, in the same order as
one ``Graph.add`` after another would (the same dictionaries and sets, built
in the same sequence); any other graph gets ``Graph.add``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rdflib import Graph
from rdflib.plugins.stores.memory import Memory
from rdflib.term import Node

from app.rdf.lazy_memory import LazyMemory, fill
from app.rdf.lazy_memory import Nested as Nested  # (the readers' types, from here)
from app.rdf.lazy_memory import Triple as Triple


def lazy_graph() -> Graph:
    """An empty graph in its own :class:`~app.rdf.lazy_memory.LazyMemory` store."""
    return Graph(store=LazyMemory())


def _settled(store: Any) -> bool:
    """Whether ``store`` has rdflib's ``Memory`` layout, as it is: a ``Memory``, or a
    ``LazyMemory`` made to settle (the caller then reads or writes the layout)."""
    if type(store) is LazyMemory:
        store.settle()
        return True
    return type(store) is Memory


class Triples(list[Triple]):
    """Triples made in order, added to a graph at once (:func:`add_triples`); ``add``
    as a graph's, so that the code making them reads as if it wrote to the graph
    (``list.append`` itself: ≈ 1 000 calls a contract, without a Python frame each)."""

    add = list.append


def _indexes(graph: Graph) -> tuple[Any, ...] | None:
    """The memory store's structures, when ``graph`` is a plain graph alone in its
    store, nobody listens to its events, and its triples all carry the default
    context information (the only state ``Graph.add`` can leave them in)."""
    store = graph.store
    if type(graph) is not Graph or not _settled(store):
        return None
    try:
        if getattr(store.dispatcher, "_dispatch_map", None):
            return None  # someone subscribed to TripleAddedEvent
        ctx = store._Memory__ctx_to_str(graph)  # type: ignore[attr-defined]  # maps it too
        by_context = store._Memory__contextTriples  # type: ignore[attr-defined]
        defaults = store._Memory__defaultContexts  # type: ignore[attr-defined]
        if set(by_context) - {None, ctx} or store._Memory__tripleContexts:  # type: ignore[attr-defined]
            return None
        if defaults is not None and defaults != {ctx: False, None: False}:
            return None
        return (
            store,
            ctx,
            store._Memory__spo,  # type: ignore[attr-defined]
            store._Memory__pos,  # type: ignore[attr-defined]
            store._Memory__osp,  # type: ignore[attr-defined]
            by_context,
        )
    except AttributeError:  # another rdflib: its own way
        return None


def add_triples(graph: Graph, triples: Iterable[Triple]) -> None:
    """Add ``triples`` (rdflib terms) to ``graph``, as ``graph.add`` of each in turn would."""
    store = graph.store
    if type(store) is LazyMemory and type(graph) is Graph and store.add_triples(graph, triples):
        return
    found = _indexes(graph)
    if found is None:
        for triple in triples:
            graph.add(triple)
        return
    store, ctx, spo, pos, osp, by_context = found
    everything = by_context[None]
    mine = by_context.get(ctx)
    new: list[Triple] = []
    fill(spo, pos, triples, new)
    # (Each structure gets the same operations in the same order as one triple after
    # another would give it: its layout depends on nothing else.)
    for triple in new:
        s, p, o = triple
        osp.setdefault(o, {}).setdefault(s, {})[p] = 1
        everything.add(triple)
        if mine is None:
            mine = by_context[ctx] = set()
            store._Memory__all_contexts.add(graph)  # type: ignore[attr-defined]
            if store._Memory__defaultContexts is None:  # type: ignore[attr-defined]
                store._Memory__defaultContexts = {ctx: False, None: False}  # type: ignore[attr-defined]
        mine.add(triple)


def remove_triples(graph: Graph, triples: Iterable[Triple]) -> None:
    """Remove each of ``triples`` (no wildcard) from ``graph``, as ``graph.remove`` would."""
    store = graph.store
    if type(store) is LazyMemory and type(graph) is Graph and store.remove_triples(graph, triples):
        return
    for triple in triples:
        graph.remove(triple)


def own_indexes(graph: Graph) -> tuple[Nested, Nested] | None:
    """rdflib's memory store's spo and pos indexes, when they hold exactly ``graph``'s
    triples (the validator then reads them as they are, with nothing to build)."""
    store = graph.store
    if type(graph) is not Graph:
        return None
    if type(store) is LazyMemory and store.log is not None:
        return store.own_indexes(graph)
    if type(store) is not Memory and type(store) is not LazyMemory:
        return None
    try:
        by_context = store._Memory__contextTriples  # type: ignore[attr-defined]
        mine = by_context.get(store._Memory__ctx_to_str(graph))  # type: ignore[attr-defined]
        if mine is None or len(mine) != len(by_context.get(None, ())):
            return None
        return store._Memory__spo, store._Memory__pos  # type: ignore[attr-defined]
    except AttributeError:
        return None


class Lookup:
    """``Graph.subjects`` and ``Graph.objects`` of one graph, read from the memory
    store's own indexes when they hold just that graph (rdflib's versions check
    each triple's contexts); the same terms, repeats included."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._own = own_indexes(graph)

    def subjects(self, predicate: Node, obj: Node | None = None) -> Iterable[Node]:
        if self._own is None:
            return self.graph.subjects(predicate, obj)
        by_object = self._own[1].get(predicate, {})
        if obj is not None:
            return by_object.get(obj, ())
        return (s for subjects in by_object.values() for s in subjects)

    def objects(self, subject: Node, predicate: Node) -> Iterable[Node]:
        if self._own is None:
            return self.graph.objects(subject, predicate)
        return self._own[0].get(subject, {}).get(predicate, ())

    def subject_objects(self, predicate: Node) -> Iterable[tuple[Node, Node]]:
        if self._own is None:
            return self.graph.subject_objects(predicate)  # type: ignore[return-value]
        by_object = self._own[1].get(predicate, {})
        return ((s, o) for o, subjects in by_object.items() for s in subjects)


Grouped = Iterable[tuple[Node, Iterable[tuple[Node, Iterable[Node]]]]]


def by_subject(graph: Graph) -> Grouped:
    """The triples of ``graph`` as ``(subject, ((predicate, objects), …))``: the memory
    store's spo index when it holds just that graph (a writer then looks each subject
    and each subject's predicate up once, not once a triple). A removal can leave a
    predicate with no objects there: an empty group is no triple."""
    own = own_indexes(graph)
    if own is not None:
        return ((s, by_p.items()) for s, by_p in own[0].items())
    grouped: dict[Node, dict[Node, list[Node]]] = {}
    for s, p, o in triples(graph):
        grouped.setdefault(s, {}).setdefault(p, []).append(o)
    return ((s, by_p.items()) for s, by_p in grouped.items())


def triples(graph: Graph) -> Iterable[Triple]:
    """The triples of ``graph``, straight from rdflib's memory store when it can.

    (``iter(graph)`` asks the store for each triple's contexts: most of the
    cost of reading a graph. The store's own set for the graph is the same triples.)
    """
    store = graph.store
    if type(store) is LazyMemory and store.log is not None and not store.count:
        return ()  # an empty graph (its deferred parts left unmade)
    if type(graph) is Graph and _settled(store):
        try:
            found = store._Memory__contextTriples.get(store._Memory__ctx_to_str(graph))  # type: ignore[attr-defined]
        except AttributeError:
            found = None
        if found is not None and len(found) == len(graph):
            return found  # type: ignore[no-any-return]
    return iter(graph)


def release(graph: Graph) -> None:
    """Empty ``graph`` at once, when nothing will read it again.

    An rdflib graph is in a reference cycle with its memory store (the store
    keeps the graph among its contexts), so its triples — ≈ 50 000 objects for
    a contract's graph — outlive it until the cyclic collector has walked them
    all. Emptying the store's dictionaries frees them at once, without the walk.
    """
    store = graph.store
    if type(graph) is not Graph:
        return
    if type(store) is LazyMemory and store.log is not None:
        if store.owner is None or store.owner == store._Memory__ctx_to_str(graph):  # type: ignore[attr-defined]
            store.clear()
        return
    if type(store) is not Memory and type(store) is not LazyMemory:
        return
    try:
        ctx = store._Memory__ctx_to_str(graph)  # type: ignore[attr-defined]
        if set(store._Memory__contextTriples) - {None, ctx}:  # type: ignore[attr-defined]
            return  # the store holds other graphs too
        for name in ("spo", "pos", "osp", "tripleContexts"):
            getattr(store, f"_Memory__{name}").clear()
        for triples_of in store._Memory__contextTriples.values():  # type: ignore[attr-defined]
            triples_of.clear()
    except AttributeError:  # another rdflib: left to the collector
        return
