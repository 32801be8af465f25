"""The data graph as the engine reads it: dictionaries over the union of the given graphs.

pySHACL validates the data graph with the ontology "inoculated" into it
(``ont_graph``, inference none): the ontology's class and property axioms, not
the whole ontology. :func:`ontology_mixin` computes those triples once per
ontology graph with pySHACL's own function, so the union here holds exactly
the triples pySHACL's data graph holds.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import Any

from pyshacl.rdfutil.inoculate import inoculate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from app.rdf.memory_graph import Nested, own_indexes, triples

EMPTY: frozenset[Node] = frozenset()
_TYPE, _SUBCLASS = RDF.type, RDFS.subClassOf

_mixins: dict[int, tuple[Graph, Graph]] = {}
_lock = threading.Lock()


def ontology_mixin(ont: Graph | None) -> Graph | None:
    """What pySHACL adds to a data graph from ``ont`` (computed once per graph object)."""
    if ont is None:
        return None
    with _lock:
        cached = _mixins.get(id(ont))
        if cached is None or cached[0] is not ont:
            cached = (ont, inoculate(Graph(bind_namespaces="core"), ont))  # type: ignore[arg-type]
            _mixins[id(ont)] = cached
        return cached[1]


def build_indexes(graphs: Sequence[Graph]) -> tuple[Nested, Nested]:
    """spo and pos dictionaries of ``graphs``, each distinct term kept as one object.

    (A dictionary lookup whose key is equal but not the same object calls the
    term's ``__eq__``, in Python; one object per term makes the lookups of the
    terms read from these dictionaries identity hits.)
    """
    spo: Nested = {}
    pos: Nested = {}
    one: dict[Node, Node] = {}
    for graph in graphs:
        for s, p, o in triples(graph):
            s, p, o = one.setdefault(s, s), one.setdefault(p, p), one.setdefault(o, o)
            spo.setdefault(s, {}).setdefault(p, {})[o] = 1
            pos.setdefault(p, {}).setdefault(o, {})[s] = 1
    return spo, pos


class DataIndex:
    """The union of graphs, read through each one's (subject → predicate → objects) and
    (predicate → object → subjects) dictionaries: rdflib's own for a plain memory graph
    (nothing to build), else built once here. ``base``: graphs every call shares.
    """

    graphs: list[Graph]
    layers: list[tuple[Nested, Nested]]
    _canon: list[dict[Node, Node]]  # each layer's predicates, as its own objects

    def __init__(self, graphs: Sequence[Graph], base: DataIndex | None = None) -> None:
        self.base = base
        self.graphs = list(graphs) + (base.graphs if base is not None else [])
        layers: list[tuple[Nested, Nested]] = []
        rest = []
        for graph in graphs:
            own = own_indexes(graph)
            if own is None:
                rest.append(graph)
            else:
                layers.append(own)
        if rest:
            layers.append(build_indexes(rest))
        canon = [{k: k for k in pos} for _, pos in layers]
        if base is not None:
            layers += base.layers
            canon += base._canon
        self.own_layers = len(layers) - (len(base.layers) if base is not None else 0)
        self.layers = layers
        self._canon = canon
        self.settled: dict[Node, tuple[Any, frozenset[Node]]] = {}  # Engine.settled, for a base
        self._supers: dict[Node, set[Node]] = {}
        self._subs: dict[Node, list[Node]] = {}
        self._instances: dict[Node, dict[Node, bool]] = {}  # class → node → answer
        self._with: dict[Node, list[tuple[Nested, Node]]] = {}
        self._mentioned: set[Node] | None = None

    @classmethod
    def merged(cls, graphs: Sequence[Graph]) -> DataIndex:
        """One index built over ``graphs`` (one lookup instead of one per graph)."""
        index = cls([])
        index.graphs = list(graphs)
        index.layers = [build_indexes(graphs)]
        index.own_layers = 1
        index._canon = [{k: k for k in index.layers[0][1]}]
        return index

    def mentioned(self) -> set[Node]:
        """Every node of a triple of this index, as subject or object (once computed, kept)."""
        if self._mentioned is None:
            found: set[Node] = set()
            for spo, pos in self.layers:
                found.update(spo)
                for by_o in pos.values():
                    found.update(by_o)
            self._mentioned = found
        return self._mentioned

    def apart(self) -> bool:
        """Whether no graph of this index but the base's describes a node the base mentions."""
        if self.base is None:
            return False
        mentioned = self.base.mentioned()
        return all(mentioned.isdisjoint(spo) for spo, _ in self.layers[: self.own_layers])

    def _layers_with(self, p: Node) -> list[tuple[Nested, Node]]:
        """(spo, the layer's own object for ``p``) of each layer holding a triple with ``p``.

        A layer without ``p`` is not asked at all; the layer's own object for ``p``
        makes the lookups in its dictionaries identity hits where it can (the
        result is the same with any object equal to ``p``, only slower).
        """
        found = self._with.get(p)
        if found is None:
            found = []
            for (spo, _), canon in zip(self.layers, self._canon, strict=True):
                own = canon.get(p)
                if own is not None:
                    found.append((spo, own))
            self._with[p] = found
        return found

    def objects(self, s: Node, p: Node) -> Iterable[Node]:
        found: Any = None
        for spo, own in self._layers_with(p):
            by_p = spo.get(s)
            if by_p:
                os = by_p.get(own)
                if os:
                    found = os if found is None else {*found, *os}
        return EMPTY if found is None else found

    def subjects(self, p: Node, o: Node) -> set[Node]:
        """The subjects of ``p`` with the object ``o``, in every layer."""
        return self._reverse(p, o)

    def _reverse(self, p: Node, o: Node) -> set[Node]:
        out: set[Node] = set()
        for _, pos in self.layers:
            by_o = pos.get(p)
            if by_o:
                out.update(by_o.get(o, ()))
        return out

    def subjects_of(self, p: Node) -> set[Node]:
        out: set[Node] = set()
        for _, pos in self.layers:
            for subjects in pos.get(p, {}).values():
                out.update(subjects)
        return out

    def _closure(self, start: Node, up: bool) -> list[Node]:
        """``start`` and every node reached by rdfs:subClassOf steps (rdflib's transitive walk)."""
        seen = [start]
        known = {start}
        todo = [start]
        while todo:
            node = todo.pop()
            nxt = self.objects(node, _SUBCLASS) if up else self._reverse(_SUBCLASS, node)
            for n in nxt:
                if n not in known:
                    known.add(n)
                    seen.append(n)
                    todo.append(n)
        return seen

    def subclasses(self, cls: Node) -> list[Node]:
        """``cls`` and its subclasses (the classes a target class reaches)."""
        found = self._subs.get(cls)
        if found is None:
            found = self._subs[cls] = self._closure(cls, up=False)
        return found

    def by_object(self, p: Node) -> list[dict[Node, dict[Node, int]]]:
        """The (object → subjects) dictionary of ``p`` in each layer holding it."""
        found = []
        for (_, pos), canon in zip(self.layers, self._canon, strict=True):
            own = canon.get(p)
            if own is not None:
                found.append(pos[own])
        return found

    def superclasses(self, cls: Node) -> set[Node]:
        found = self._supers.get(cls)
        if found is None:
            found = self._supers[cls] = set(self._closure(cls, up=True))
        return found

    def class_instances(self, cls: Node) -> set[Node]:
        """SHACL instances of ``cls``: typed with it or with one of its subclasses."""
        out: set[Node] = set()
        for c in self.subclasses(cls):
            out |= self._reverse(_TYPE, c)
        return out

    def is_instance(self, node: Node, cls: Node) -> bool:
        known = self._instances.get(cls)
        if known is None:
            known = self._instances[cls] = {}
        found = known.get(node)
        if found is None:
            found = known[node] = any(
                t == cls or cls in self.superclasses(t) for t in self.objects(node, _TYPE)
            )
        return found

    def values(self, focus: Iterable[Node], p: Node) -> dict[Node, set[Node]]:
        """Each focus node's objects for ``p`` (``objects``, for many nodes at once)."""
        layers = self._layers_with(p)
        if len(layers) != 1:
            return {f: set(self.objects(f, p)) for f in focus}
        spo, own = layers[0]
        out: dict[Node, set[Node]] = {}
        for f in focus:
            by_p = spo.get(f)
            out[f] = set(by_p.get(own, ())) if by_p else set()
        return out

    def union_graph(self) -> Graph:
        """An rdflib graph of the union (only for describing a blank node in a message)."""
        g = Graph()
        for graph in self.graphs:
            g += graph
        return g


def is_iri(node: Node) -> bool:
    return isinstance(node, URIRef)
