"""One validation: targets, value nodes and each shape's constraints, over a DataIndex.

pySHACL validates a nested shape (sh:or, sh:xone, sh:not, sh:and,
sh:qualifiedValueShape) once per value node, building its constraint objects
again each time. Here a nested shape's answer for a node is computed once per
validation (conformance only: results of shapes nested in logical constraints
are never reported, as in pySHACL) and sh:property validates all the value
nodes of a property shape in one pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from pyshacl.rdfutil.stringify import stringify_node
from rdflib import BNode, Graph, Literal
from rdflib.namespace import SH
from rdflib.term import Node

from app.shacl import components as c
from app.shacl import nested as n
from app.shacl import strings as t
from app.shacl.changes import Changes, reads
from app.shacl.components import FocusValues, Result
from app.shacl.data import DataIndex
from app.shacl.sparql import prefixes, sparql_results

if TYPE_CHECKING:
    import re

    from app.shacl.shapes import Shape, Shapes

Check = Callable[["Engine", "Shape", FocusValues], list[Result]]


class Engine:
    def __init__(
        self, shapes: Shapes, index: DataIndex, nm_graph: Graph, changes: Changes | None = None
    ) -> None:
        self.shapes = shapes
        self.index = index
        self.nm_graph = nm_graph  # its namespace manager is pySHACL's data graph's
        self.changes = changes  # since a validation of the same graph that found nothing
        self._prefixes: str | None = None
        self._union: Graph | None = None
        self._conforms: dict[Node, dict[Node, bool]] = {}  # shape node → value node → answer
        self.sparql_state: dict[str, object] = {}

    # --- messages --------------------------------------------------------------------
    def s_shapes(self, node: Node) -> str:
        return stringify_node(self.shapes.graph, node)

    def s_data(self, node: Node) -> str:
        graph = self.union_graph() if isinstance(node, BNode) else self.nm_graph
        try:
            return stringify_node(graph, node, ns_manager=self.nm_graph.namespace_manager)
        except (LookupError, ValueError):
            return str(node)

    def union_graph(self) -> Graph:
        if self._union is None:
            self._union = self.index.union_graph()
            self._union.namespace_manager = self.nm_graph.namespace_manager
        return self._union

    def prefixes(self) -> str:
        if self._prefixes is None:
            self._prefixes = prefixes(self.nm_graph)
        return self._prefixes

    def patterns(self, shape: Shape) -> list[tuple[Literal, re.Pattern[str]]]:
        known = self.shapes.patterns
        if shape.node not in known:
            known[shape.node] = t.compiled_patterns(self, shape)
        return known[shape.node]  # type: ignore[no-any-return]

    # --- validation --------------------------------------------------------------------
    def focus_nodes(self, shape: Shape) -> list[Node]:
        found: set[Node] = set(shape.target_nodes)
        for cls in shape.target_classes:
            found |= self.index.class_instances(cls)
        for p in shape.target_subjects_of:
            found |= self.index.subjects_of(p)
        return list(found)

    def run(self) -> list[Result]:
        results: list[Result] = []
        apart = self.index.apart()
        for shape in self.shapes.targeted:
            if not shape.deactivated:
                focus = self.focus_nodes(shape)
                if apart:
                    settled = self.settled(shape)
                    if settled:
                        focus = [f for f in focus if f not in settled]
                if not focus:
                    continue
                if self.changes is not None and self.changes.targets_same(shape, self.index):
                    results += self._validate_changed(shape, focus)
                else:
                    results += self.validate(shape, focus)
        return results

    def settled(self, shape: Shape) -> frozenset[Node]:
        """The focus nodes the shared graphs (the base) give ``shape``, when they all
        conform to it over the base alone; else none. Computed once per base.

        A call whose graphs describe (have as subject) no node the base mentions
        (``DataIndex.apart``) adds no triple to such a node, nor to any node
        reached from it: every triple of the union read from a node the base
        mentions is the base's, and its object is mentioned by the base. The
        engine reads the data only forward from focus and value nodes (predicate
        paths, ``sh:disjoint``, ``rdf:type`` and ``rdfs:subClassOf`` from the
        types), except in SPARQL constraints: so a shape reaching none reads, from
        these focus nodes, exactly the triples it reads over the base alone, and a
        focus node's results do not depend on the other focus nodes. Those that
        found nothing there find nothing here: only the call's own focus nodes
        are validated (the vocabularies' 69 dispositifs were validated again in
        every call, twice a contract).
        """
        base = self.index.base
        if base is None or reads(self.shapes, shape).sparql:
            return frozenset()
        known = base.settled.get(shape.node)
        if known is not None and known[0] is self.shapes:
            return known[1]
        alone = Engine(self.shapes, base, Graph())
        mentioned = base.mentioned()
        focus = [f for f in alone.focus_nodes(shape) if f in mentioned]
        found = frozenset() if alone.validate(shape, focus) else frozenset(focus)
        base.settled[shape.node] = (self.shapes, found)
        return found

    def _validate_changed(self, shape: Shape, focus: list[Node]) -> list[Result]:
        """``validate`` without what reads only unchanged triples (app/shacl/changes.py)."""
        assert self.changes is not None
        changes, index, prefixes = self.changes, self.index, self.prefixes()

        def changed(s: Shape, own: bool = False) -> bool:
            return not changes.reads_same(reads(self.shapes, s, own), focus, index, prefixes)

        if not changed(shape):
            return []
        if shape.is_property or SH.property not in shape.params:
            return self.validate(shape, focus)
        return self.validate(shape, focus, own=changed(shape, own=True), props=changed)

    def validate(
        self,
        shape: Shape,
        focus: Iterable[Node],
        first: bool = False,
        own: bool = True,
        props: Callable[[Shape], bool] | None = None,
    ) -> list[Result]:
        """Results of ``shape`` on ``focus`` (``first``: stop at the first failing constraint;
        ``own``: False to leave out all but sh:property; ``props``: only those property shapes).
        """
        if shape.deactivated:
            return []
        focus = list(focus)
        if not focus:
            return []
        if shape.path is None:
            fv: FocusValues = {f: {f} for f in focus}
        else:
            fv = self.index.values(focus, shape.path)
        results: list[Result] = []
        for check in checks(shape):
            if check is n.check_property:
                results += n.check_property(self, shape, fv, props)
            elif own:
                results += check(self, shape, fv)
            if first and results:
                break
        return results

    def conforming(self, shape: Shape, nodes: Iterable[Node]) -> dict[Node, bool]:
        """Whether each of ``nodes`` conforms to ``shape`` (and every node asked before).

        A shape whose every result has as focus the node it was validated on
        (``Shape.separable``) is validated once on all the nodes not yet asked,
        the failing ones being the results' focus nodes: a node's results do not
        depend on the other focus nodes validated with it (each check reads one
        focus node's values at a time). Any other shape, one node at a time.
        """
        known = self._conforms.get(shape.node)
        if known is None:
            known = self._conforms[shape.node] = {}
        todo = [v for v in dict.fromkeys(nodes) if v not in known]
        if not todo:
            return known
        if shape.values_only and shape.path is not None and not shape.deactivated:
            known.update(self._counted(shape, todo))
        elif shape.separable:
            failing = {r.focus for r in self.validate(shape, todo)}
            for v in todo:
                known[v] = v not in failing
        else:
            for v in todo:
                known[v] = not self.validate(shape, [v], first=True)
        return known

    def _counted(self, shape: Shape, nodes: list[Node]) -> dict[Node, bool]:
        """``conforming`` for a property shape with only sh:minCount / sh:maxCount /
        sh:hasValue (the members of the tagging shapes' sh:or, sh:xone and sh:not):
        the counts' own test (``components._count``) and sh:hasValue's
        (``components.check_has_value``: some value equal to each wanted one),
        without a result for each failing node."""
        low = high = None
        if c.MIN_COUNT in shape.params:
            low = int(c.only(shape, c.MIN_COUNT).value)
        if c.MAX_COUNT in shape.params:
            high = int(c.only(shape, c.MAX_COUNT).value)
        wanted = set(shape.params.get(c.HAS_VALUE, ()))
        fv = self.index.values(nodes, shape.path)  # type: ignore[arg-type]
        return {
            v: not ((low and len(fv[v]) < low) or (high is not None and len(fv[v]) > high))
            and all(hv in fv[v] for hv in wanted)  # sets: rdflib terms hash as they compare
            for v in nodes
        }

    def conforms(self, shape: Shape, node: Node) -> bool:
        return self.conforming(shape, (node,))[node]

    def shape(self, node: Node) -> Shape:
        return self.shapes.by_node[node]


_CHECKS: dict[Node, Check] = {
    SH["class"]: c.check_class,
    SH.datatype: c.check_datatype,
    SH.nodeKind: c.check_node_kind,
    SH.minCount: c.check_min_count,
    SH.maxCount: c.check_max_count,
    SH.minInclusive: c.check_min_inclusive,
    SH.minLength: t.check_min_length,
    SH.pattern: t.check_pattern,
    SH.languageIn: t.check_language_in,
    SH["in"]: c.check_in,
    SH.hasValue: c.check_has_value,
    SH.disjoint: c.check_disjoint,
    SH.qualifiedValueShape: n.check_qualified,
    SH.qualifiedMinCount: n.check_qualified,
    SH.qualifiedMaxCount: n.check_qualified,
    SH.qualifiedValueShapesDisjoint: n.check_qualified,
    SH.node: n.check_node,
    SH.property: n.check_property,
    SH["and"]: n.check_and,
    SH["or"]: n.check_or,
    SH.xone: n.check_xone,
    SH["not"]: n.check_not,
}


def checks(shape: Shape) -> list[Check]:
    """The constraint components of ``shape``, each once (pySHACL's done_constraints)."""
    if shape.checks is not None:
        return shape.checks  # type: ignore[no-any-return]
    found: list[Check] = []
    for p in shape.params:
        check = _CHECKS[p]
        if check not in found:
            found.append(check)
    if shape.sparql:
        found.append(sparql_results)
    shape.checks = found
    return found
