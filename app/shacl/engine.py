"""One validation: targets, value nodes and the shape-based constraints, over a DataIndex.

pySHACL validates a nested shape (sh:or, sh:xone, sh:not, sh:and,
sh:qualifiedValueShape) once per value node, building its constraint objects
again each time. Here a nested shape's answer for a node is computed once per
validation (conformance only: results of shapes nested in logical constraints
are never reported, as in pySHACL) and sh:property validates all the value
nodes of a property shape in one pass.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from pyshacl.rdfutil.stringify import stringify_node
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from app.shacl import components as c
from app.shacl.components import FocusValues, Result
from app.shacl.data import DataIndex
from app.shacl.sparql import sparql_results

if TYPE_CHECKING:
    import re

    from app.shacl.shapes import Shape, Shapes

Check = Callable[["Engine", "Shape", FocusValues], list[Result]]


class Engine:
    def __init__(self, shapes: Shapes, index: DataIndex, nm_graph: Graph) -> None:
        self.shapes = shapes
        self.index = index
        self.nm_graph = nm_graph  # its namespace manager is pySHACL's data graph's
        self._union: Graph | None = None
        self._conforms: dict[tuple[Node, Node], bool] = {}
        self._patterns: dict[Node, list[tuple[Literal, re.Pattern[str]]]] = {}
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

    def patterns(self, shape: Shape) -> list[tuple[Literal, re.Pattern[str]]]:
        if shape.node not in self._patterns:
            self._patterns[shape.node] = c.compiled_patterns(self, shape)
        return self._patterns[shape.node]

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
        for shape in self.shapes.targeted:
            if not shape.deactivated:
                results += self.validate(shape, self.focus_nodes(shape))
        return results

    def validate(self, shape: Shape, focus: Iterable[Node], first: bool = False) -> list[Result]:
        """Results of ``shape`` on ``focus`` (``first``: stop at the first failing constraint)."""
        if shape.deactivated:
            return []
        focus = list(focus)
        if not focus:
            return []
        if shape.path is None:
            fv: FocusValues = {f: {f} for f in focus}
        else:
            fv = {f: set(self.index.objects(f, shape.path)) for f in focus}
        results: list[Result] = []
        for check in checks(shape):
            results += check(self, shape, fv)
            if first and results:
                break
        return results

    def conforms(self, shape: Shape, node: Node) -> bool:
        key = (shape.node, node)
        found = self._conforms.get(key)
        if found is None:
            found = self._conforms[key] = not self.validate(shape, [node], first=True)
        return found

    def shape(self, node: Node) -> Shape:
        return self.shapes.by_node[node]


def _logical(e: Engine, shape: Shape, fv: FocusValues, param: Node) -> list[Result]:
    out = []
    for members in shape.params[param]:
        if param == SH.xone:
            listed = [e.shape(m) for m in members]
        else:
            listed = [e.shape(m) for m in set(members)]
        if not listed:
            continue
        for f, values in fv.items():
            for v in values:
                passed = [e.conforms(s, v) for s in listed]
                if param == SH["and"]:
                    ok = all(passed)
                elif param == SH["or"]:
                    ok = any(passed)
                else:
                    ok = sum(passed) == 1
                if not ok:
                    out.append(
                        Result(shape, _COMPONENT[param], f, v, _logic_message(e, shape, param, v))
                    )
    return out


_COMPONENT: dict[Node, URIRef] = {
    SH["and"]: SH.AndConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
    SH.xone: SH.XoneConstraintComponent,
}
_WORDS: dict[Node, tuple[str, str]] = {
    SH["and"]: ("must conform to all shapes in", " and "),
    SH["or"]: ("must conform to one or more shapes in", " and "),
    SH.xone: ("must conform to exactly one shape in", " and "),
}


def _logic_message(e: Engine, shape: Shape, param: Node, v: Node) -> Callable[[], list[Literal]]:
    def message() -> list[Literal]:
        lists = shape.raw[param]
        words, joiner = _WORDS[param]
        graph = e.shapes.graph
        if len(lists) < 2:
            text = " , ".join(e.s_shapes(x) for x in graph.items(lists[0]))  # type: ignore[arg-type]
        else:
            parts = [" , ".join(e.s_shapes(x) for x in graph.items(lst)) for lst in lists]  # type: ignore[arg-type]
            text = joiner.join(f"({p})" for p in parts)
        return [Literal(f"Node {e.s_data(v)} {words} {text}")]

    return message


def check_and(e: Engine, shape: Shape, fv: FocusValues) -> list[Result]:
    return _logical(e, shape, fv, SH["and"])


def check_or(e: Engine, shape: Shape, fv: FocusValues) -> list[Result]:
    return _logical(e, shape, fv, SH["or"])


def check_xone(e: Engine, shape: Shape, fv: FocusValues) -> list[Result]:
    return _logical(e, shape, fv, SH.xone)


def check_not(e: Engine, shape: Shape, fv: FocusValues) -> list[Result]:
    nots = shape.params[SH["not"]]

    def message(v: Node) -> Callable[[], list[Literal]]:
        def text() -> list[Literal]:
            if len(nots) == 1:
                return [
                    Literal(f"Node {e.s_data(v)} must not conform to shape {e.s_shapes(nots[0])}")
                ]
            listed = " , ".join(e.s_shapes(n) for n in nots)
            return [Literal(f"Node {e.s_data(v)} must not conform to any shapes in {listed}")]

        return text

    out = []
    for n in nots:
        inner = e.shape(n)
        for f, values in fv.items():
            for v in values:
                if e.conforms(inner, v):
                    out.append(Result(shape, SH.NotConstraintComponent, f, v, message(v)))
    return out


def check_node(e: Engine, shape: Shape, fv: FocusValues) -> list[Result]:
    nodes = shape.params[SH.node]

    def message() -> list[Literal]:
        if len(nodes) < 2:
            return [Literal(f"Value does not conform to Shape {e.s_shapes(nodes[0])}.")]
        rules = "', '".join(e.s_shapes(n) for n in nodes)
        return [Literal(f"Value must conform to every Shape in ('{rules}').")]

    out = []
    for n in nodes:
        inner = e.shape(n)
        for f, values in fv.items():
            for v in values:
                nested = e.validate(inner, [v])
                if nested:
                    out.append(
                        Result(shape, SH.NodeConstraintComponent, f, v, message, details=nested)
                    )
    return out


def check_property(e: Engine, shape: Shape, fv: FocusValues) -> list[Result]:
    """Each property shape on every value node (once per (focus, value) pair, as pySHACL)."""
    times = Counter(v for values in fv.values() for v in values)
    out = []
    for p in shape.params[SH.property]:
        results = e.validate(e.shape(p), list(times))
        for r in results:
            out += [r] * times[r.focus] if r.focus in times else [r]
    return out


def check_qualified(e: Engine, shape: Shape, fv: FocusValues) -> list[Result]:
    value_shapes = set(shape.params[SH.qualifiedValueShape])
    low = [x.value for x in shape.params.get(SH.qualifiedMinCount, [])]
    high = [x.value for x in shape.params.get(SH.qualifiedMaxCount, [])]
    min_count, max_count = (low[0] if low else None), (high[0] if high else None)
    disjoint = any(
        isinstance(d, Literal) and isinstance(d.value, bool) and d.value
        for d in shape.params.get(SH.qualifiedValueShapesDisjoint, [])
    )
    count = sum(len(v) for v in fv.values())
    if not disjoint and count < 1 and (min_count is None or min_count < 1):
        return []

    def message() -> list[Literal]:
        shapes_string = ",".join(e.s_shapes(s) for s in value_shapes)
        counts = (f" MinCount {min_count}" if min_count is not None else "") + (
            f" MaxCount {max_count}" if max_count is not None else ""
        )
        plural = "s" if len(value_shapes) > 1 else ""
        shown = f"({shapes_string})" if plural else shapes_string
        return [Literal(f"Focus node does not conform to shape{plural}{counts}: {shown}")]

    sg = e.shapes.graph
    out = []
    for vs in value_shapes:
        siblings: set[Node] = set()
        if disjoint:
            for parent in sg.subjects(SH.property, shape.node):
                for sibling_prop in sg.objects(parent, SH.property):
                    siblings |= {
                        s for s in sg.objects(sibling_prop, SH.qualifiedValueShape) if s != vs
                    }
        inner = e.shape(vs)
        for f, values in fv.items():
            n = sum(
                1
                for v in values
                if e.conforms(inner, v) and not any(e.conforms(e.shape(s), v) for s in siblings)
            )
            if max_count is not None and n > max_count:
                out.append(Result(shape, SH.QualifiedMaxCountConstraintComponent, f, None, message))
            if min_count is not None and n < min_count:
                out.append(Result(shape, SH.QualifiedMinCountConstraintComponent, f, None, message))
    return out


_CHECKS: dict[Node, Check] = {
    SH["class"]: c.check_class,
    SH.datatype: c.check_datatype,
    SH.nodeKind: c.check_node_kind,
    SH.minCount: c.check_min_count,
    SH.maxCount: c.check_max_count,
    SH.minInclusive: c.check_min_inclusive,
    SH.minLength: c.check_min_length,
    SH.pattern: c.check_pattern,
    SH.languageIn: c.check_language_in,
    SH["in"]: c.check_in,
    SH.hasValue: c.check_has_value,
    SH.disjoint: c.check_disjoint,
    SH.qualifiedValueShape: check_qualified,
    SH.qualifiedMinCount: check_qualified,
    SH.qualifiedMaxCount: check_qualified,
    SH.qualifiedValueShapesDisjoint: check_qualified,
    SH.node: check_node,
    SH.property: check_property,
    SH["and"]: check_and,
    SH["or"]: check_or,
    SH.xone: check_xone,
    SH["not"]: check_not,
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
