"""Shape-based SHACL constraints: sh:and, sh:or, sh:xone, sh:not, sh:node, sh:property,
qualified value shapes, with pySHACL's semantics.

A nested shape in a logical constraint only gives its conformance for a
value node (pySHACL reports none of its results), asked once per node and
remembered for the validation (``Engine.conforms``); sh:node keeps the nested
results as sh:detail; sh:and and sh:or read their list as a set, sh:xone as a list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from app.shacl.components import FocusValues, Result

if TYPE_CHECKING:
    from app.shacl.engine import Engine
    from app.shacl.shapes import Shape


def _logical(e: Engine, shape: Shape, fv: FocusValues, param: Node) -> list[Result]:
    out = []
    mode = _AND if param == _AND else _OR if param == _OR else _XONE
    for members in shape.params[param]:
        if mode is _XONE:
            listed = [e.shape(m) for m in members]
        else:
            listed = [e.shape(m) for m in set(members)]
        if not listed:
            continue
        every = {v for values in fv.values() for v in values}
        answers = [e.conforming(s, every) for s in listed]
        for f, values in fv.items():
            for v in values:
                passed = [known[v] for known in answers]
                if mode is _AND:
                    ok = all(passed)
                elif mode is _OR:
                    ok = any(passed)
                else:
                    ok = sum(passed) == 1
                if not ok:
                    out.append(
                        Result(shape, _COMPONENT[param], f, v, _logic_message(e, shape, param, v))
                    )
    return out


_AND, _OR, _XONE = SH["and"], SH["or"], SH.xone
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
    every = {v for values in fv.values() for v in values}
    for n in nots:
        known = e.conforming(e.shape(n), every)
        for f, values in fv.items():
            for v in values:
                if known[v]:
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


def check_property(
    e: Engine, shape: Shape, fv: FocusValues, only: Callable[[Shape], bool] | None = None
) -> list[Result]:
    """Each property shape (``only`` those it accepts) on every value node, once per
    (focus, value) pair, as pySHACL."""
    times = Counter(v for values in fv.values() for v in values)
    out = []
    for p in shape.params[SH.property]:
        prop = e.shape(p)
        if only is not None and not only(prop):
            continue
        results = e.validate(prop, list(times))
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
        every = {v for values in fv.values() for v in values}
        known = e.conforming(e.shape(vs), every)
        conforming = [v for v in every if known[v]]  # siblings asked only about these, as before
        others = [e.conforming(e.shape(s), conforming) for s in siblings]
        for f, values in fv.items():
            n = sum(1 for v in values if known[v] and not any(o[v] for o in others))
            if max_count is not None and n > max_count:
                out.append(Result(shape, SH.QualifiedMaxCountConstraintComponent, f, None, message))
            if min_count is not None and n < min_count:
                out.append(Result(shape, SH.QualifiedMinCountConstraintComponent, f, None, message))
    return out
