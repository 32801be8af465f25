"""What a validation can skip when the same graph passed before and only some triples changed.

The build validates each contract's curated graph, then the same graph object
once enriched, with its synthèse facts. A contract reaches the second
validation only if the first found nothing, and enrichment only adds
taggings, theme and dispositif links; yet every shape was checked again
(the elements, the source lines, the SPARQL constraints and the Oxigraph
store they need): half of the second pass.

After a validation of one graph that found nothing, :func:`remember` copies
that graph's (predicate → object → subjects) index. When a later validation's
data holds the same graph object, :func:`since` compares its index with the
copy, predicate by predicate (every other data graph counts as wholly new),
and gives the :class:`Changes`: the predicates whose triples differ, and for
``rdf:type`` the nodes and classes concerned.

**Why a shape's results cannot differ.** The engine reads the data only
through these lookups: a target class's instances (``rdf:type`` triples of
the class and its subclasses, ``rdfs:subClassOf`` triples), a
``sh:targetSubjectsOf`` predicate's subjects, a node's values for a path or a
``sh:disjoint`` predicate, a node's ``rdf:type`` and its classes'
``rdfs:subClassOf`` (``sh:class``), and the triples of the predicates a
SPARQL constraint names. Every other check reads value nodes only as terms.
So a shape whose reads (:class:`Reads`, over every shape it reaches) meet
none of the changes reads the same triples as in the validation that found
nothing, and finds nothing again:

- its targets: no ``rdfs:subClassOf`` triple changed (else nothing is
  skipped), no changed ``rdf:type`` triple names one of its target classes
  or their subclasses, no ``sh:targetSubjectsOf`` predicate changed: the same
  focus nodes;
- its paths and ``sh:disjoint`` predicates unchanged: from the same focus
  nodes, the same value nodes, at every depth;
- when it checks a class, no node whose ``rdf:type`` changed is one of its
  focus nodes or a value of one of its paths: every node it asks a class of
  is one of those, and has the same types;
- it has no ``sh:qualifiedValueShapesDisjoint`` (which asks the sibling
  property shapes' qualified value shapes too: never skipped);
- its SPARQL constraints name only unchanged predicates (a query with a
  variable predicate reads everything: never skipped), and are read with the
  same prefixes (those of the data graph pySHACL would validate: the same
  text with another ``cdv:`` is another query).

A node shape whose targets are unchanged is also taken apart: each of its
property shapes, and its other constraints together, run only if their own
reads changed (their results are the node shape's, in the same order, less
the ones that found nothing). ``tests/shacl/test_changes.py`` checks, on
graphs changed in each of these ways, that the results are those of a
validation from scratch.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import Graph
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from app.rdf.memory_graph import Nested, own_indexes, triples
from app.shacl.shapes import SHAPE_LISTS, SHAPE_VALUED, Shape, Shapes, SparqlConstraint

if TYPE_CHECKING:
    from app.shacl.data import DataIndex

_TYPE, _SUBCLASS = RDF.type, RDFS.subClassOf
_PROPERTY, _CLASS, _DISJOINT = SH.property, SH["class"], SH.disjoint
_QUALIFIED_DISJOINT = SH.qualifiedValueShapesDisjoint


@dataclass(frozen=True)
class Reads:
    """What validating a shape (and every shape it reaches) reads of the data, but its targets."""

    paths: frozenset[Node]  # predicates whose values are read: sh:path, sh:disjoint
    classes: bool  # some sh:class: the rdf:type of focus and value nodes
    sparql: tuple[SparqlConstraint, ...]
    # sh:qualifiedValueShapesDisjoint: the sibling property shapes' qualified value
    # shapes are asked too (found in the shapes graph): counted as reading everything.
    opaque: bool = False


def reads(shapes: Shapes, shape: Shape, own: bool = False) -> Reads:
    """``shape``'s reads (``own``: without its sh:property shapes), computed once."""
    key = (shape.node, own)
    found = shapes.reads.get(key)
    if found is None:
        paths: set[Node] = set()
        classes = opaque = False
        sparql: list[SparqlConstraint] = []
        todo, seen = [shape], set()
        while todo:
            s = todo.pop()
            if s.node in seen:
                continue
            seen.add(s.node)
            if s.path is not None:
                paths.add(s.path)
            paths.update(s.params.get(_DISJOINT, ()))
            classes = classes or _CLASS in s.params
            opaque = opaque or _QUALIFIED_DISJOINT in s.params
            sparql += s.sparql
            for p in SHAPE_VALUED:
                if not (own and s is shape and p == _PROPERTY):
                    todo += [shapes.by_node[n] for n in s.params.get(p, ())]
            for p in SHAPE_LISTS:
                todo += [shapes.by_node[n] for lst in s.params.get(p, ()) for n in lst]
        found = shapes.reads[key] = Reads(frozenset(paths), classes, tuple(sparql), opaque)
    return found  # type: ignore[no-any-return]


class Changes:
    """The triples that differ from a validation that found nothing: predicates, and types."""

    def __init__(self, prefixes: str = "") -> None:
        self.prefixes = prefixes  # the SPARQL prefixes of the validation that found nothing
        self.predicates: set[Node] = set()
        self.typed: set[Node] = set()  # subjects of the rdf:type triples that differ
        self.classes: set[Node] = set()  # their classes
        self._pointed: dict[Node, bool] = {}

    def add_index(self, pos: Nested, before: Nested) -> None:
        for p in {*pos, *before}:
            now, then = pos.get(p, {}), before.get(p, {})
            if now != then:
                self.predicates.add(p)
                if p == _TYPE:
                    for c in {*now, *then}:
                        a, b = now.get(c, {}), then.get(c, {})
                        if a != b:
                            self.classes.add(c)
                            self.typed.update(a.keys() ^ b.keys())

    def add_triples(self, found: Iterable[tuple[Node, Node, Node]]) -> None:
        for s, p, o in found:
            self.predicates.add(p)
            if p == _TYPE:
                self.typed.add(s)
                self.classes.add(o)

    def targets_same(self, shape: Shape, index: DataIndex) -> bool:
        """Whether ``shape`` has the same focus nodes as before (see the module's docstring)."""
        if _SUBCLASS in self.predicates:
            return False
        if any(p in self.predicates for p in shape.target_subjects_of):
            return False
        if self.classes:
            for cls in shape.target_classes:
                if any(c in self.classes for c in index.subclasses(cls)):
                    return False
        return True

    def reads_same(self, r: Reads, focus: list[Node], index: DataIndex, prefixes: str) -> bool:
        """Whether ``r`` reads, from the same ``focus`` nodes, only triples that did not change."""
        if r.opaque or not self.predicates.isdisjoint(r.paths):
            return False
        if r.classes and self.typed:
            if not self.typed.isdisjoint(focus) or any(self._pointed_by(p, index) for p in r.paths):
                return False
        if r.sparql and prefixes != self.prefixes:  # the same text, another query
            return False
        for c in r.sparql:
            used = _used(prefixes + c.select)
            if used is None or not self.predicates.isdisjoint(used):
                return False
        return True

    def _pointed_by(self, p: Node, index: DataIndex) -> bool:
        """Whether a node whose type changed is a value of ``p``."""
        found = self._pointed.get(p)
        if found is None:
            found = self._pointed[p] = any(
                not by_o.keys().isdisjoint(self.typed) for by_o in index.by_object(p)
            )
        return found


def _used(text: str) -> frozenset[Node] | None:
    from app.shacl.sparql import used_predicates

    try:
        return used_predicates(text)
    except Exception:  # a query rdflib cannot read: count it as reading everything
        return None


@dataclass
class _Seen:
    graph: weakref.ref[Graph]
    shapes: Shapes
    base: object
    prefixes: str
    pos: Nested


_seen: dict[int, _Seen] = {}
_lock = threading.Lock()
_KEEP = 256  # graphs remembered at most (a batch's contracts, between its two passes)


def remember(graph: Graph, shapes: Shapes, base: object, prefixes: str) -> None:
    """Keep a copy of the index of ``graph``, which was just validated alone and found valid
    (``prefixes``: those its SPARQL constraints were read with)."""
    own = own_indexes(graph)
    if own is None:
        return
    pos = {p: {o: dict(ss) for o, ss in by_o.items()} for p, by_o in own[1].items()}
    key = id(graph)
    with _lock:
        if key not in _seen:
            weakref.finalize(graph, _forget, key)
        _seen.pop(key, None)
        _seen[key] = _Seen(weakref.ref(graph), shapes, base, prefixes, pos)
        while len(_seen) > _KEEP:
            del _seen[next(iter(_seen))]


def _forget(key: int) -> None:
    with _lock:
        _seen.pop(key, None)


def since(graphs: Sequence[Graph], shapes: Shapes, base: object) -> Changes | None:
    """What changed in ``graphs`` since one of them was remembered (with the same shapes
    and shared graphs); ``None`` when none was, or when it cannot be told."""
    with _lock:
        found = [(g, _seen.get(id(g))) for g in graphs]
    known = [
        (g, s)
        for g, s in found
        if s is not None and s.graph() is g and s.shapes is shapes and s.base is base
    ]
    if not known:
        return None
    graph, seen = known[0]
    own = own_indexes(graph)
    if own is None:
        return None
    changes = Changes(seen.prefixes)
    changes.add_index(own[1], seen.pos)
    for other in graphs:
        if other is not graph:  # wholly new
            other_own = own_indexes(other)
            if other_own is not None:
                changes.add_index(other_own[1], {})
            else:
                changes.add_triples(triples(other))
    return changes
