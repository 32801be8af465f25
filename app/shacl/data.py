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

from pyshacl.rdfutil.inoculate import inoculate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

EMPTY: frozenset[Node] = frozenset()

_mixins: dict[int, tuple[Graph, Graph]] = {}
_lock = threading.Lock()


def ontology_mixin(ont: Graph | None) -> Graph | None:
    """What pySHACL adds to a data graph from ``ont`` (computed once per graph object)."""
    if ont is None:
        return None
    with _lock:
        cached = _mixins.get(id(ont))
        if cached is None or cached[0] is not ont:
            cached = (ont, inoculate(Graph(bind_namespaces="core"), ont))
            _mixins[id(ont)] = cached
        return cached[1]


class DataIndex:
    """Objects by (subject, predicate), subjects by predicate and by class."""

    def __init__(self, graphs: Sequence[Graph]) -> None:
        self.graphs = list(graphs)
        objects: dict[tuple[Node, Node], set[Node]] = {}
        by_predicate: dict[Node, set[Node]] = {}
        for graph in self.graphs:
            for s, p, o in graph:
                key = (s, p)
                found = objects.get(key)
                if found is None:
                    objects[key] = {o}
                    by_predicate.setdefault(p, set()).add(s)
                else:
                    found.add(o)
        self._objects = objects
        self._by_predicate = by_predicate
        instances: dict[Node, set[Node]] = {}
        subclasses: dict[Node, set[Node]] = {}
        for (s, p), os in objects.items():
            if p == RDF.type:
                for o in os:
                    instances.setdefault(o, set()).add(s)
            elif p == RDFS.subClassOf:
                for o in os:
                    subclasses.setdefault(o, set()).add(s)
        self._instances = instances
        self._subclasses = subclasses
        self._supers: dict[Node, set[Node]] = {}

    def objects(self, s: Node, p: Node) -> Iterable[Node]:
        return self._objects.get((s, p), EMPTY)

    def subjects_of(self, p: Node) -> set[Node]:
        return self._by_predicate.get(p, set())

    def _closure(self, start: Node, step: dict[Node, set[Node]] | None, up: bool) -> list[Node]:
        """``start`` and every node reached by rdfs:subClassOf steps (rdflib's transitive walk)."""
        seen = [start]
        known = {start}
        todo = [start]
        while todo:
            node = todo.pop()
            nxt = self.objects(node, RDFS.subClassOf) if up else (step or {}).get(node, set())
            for n in nxt:
                if n not in known:
                    known.add(n)
                    seen.append(n)
                    todo.append(n)
        return seen

    def superclasses(self, cls: Node) -> set[Node]:
        found = self._supers.get(cls)
        if found is None:
            found = self._supers[cls] = set(self._closure(cls, None, up=True))
        return found

    def class_instances(self, cls: Node) -> set[Node]:
        """SHACL instances of ``cls``: typed with it or with one of its subclasses."""
        out = set(self._instances.get(cls, set()))
        for sub in self._closure(cls, self._subclasses, up=False):
            if sub != cls:
                out |= self._instances.get(sub, set())
        return out

    def is_instance(self, node: Node, cls: Node) -> bool:
        for t in self.objects(node, RDF.type):
            if t == cls or cls in self.superclasses(t):
                return True
        return False

    def union_graph(self) -> Graph:
        """An rdflib graph of the union (only for describing a blank node in a message)."""
        g = Graph()
        for graph in self.graphs:
            g += graph
        return g


def is_iri(node: Node) -> bool:
    return isinstance(node, URIRef)
