"""SHACL core constraints that read value nodes, with pySHACL's semantics (0.40).

Each check mirrors pySHACL's component of the same name (pyshacl/constraints/core/),
including where it departs from a plain SPARQL reading: sh:datatype also requires
rdflib's well-formed value (``ill_typed``) and the Python type of it;
sh:minInclusive compares with pySHACL's own ``compare_literal``. A check returns
:class:`Result` objects whose messages are only made when reported. (String
constraints: ``strings.py``; shape-based ones: ``nested.py``; the literal tests
sh:datatype and sh:minInclusive make: ``literals.py``.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pyshacl.errors import ReportableRuntimeError
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Identifier, Node

from app.shacl.literals import at_least, datatype_matches

if TYPE_CHECKING:
    from app.shacl.engine import Engine
    from app.shacl.shapes import Shape

FocusValues = dict[Node, set[Node]]


@dataclass
class Result:
    shape: Shape
    component: URIRef
    focus: Node
    value: Node | None
    generic: Callable[[], list[Literal]] | None = None
    path: Node | None = None  # an explicit result path (SPARQL constraints)
    source_constraint: Node | None = None
    extra_messages: tuple[Literal, ...] = ()
    bound_vars: tuple[Any, ...] | None = None
    details: list[Result] = field(default_factory=list)


def only(shape: Shape, p: Node) -> Any:
    values = shape.params[p]
    if len(values) != 1:
        raise ReportableRuntimeError(f"{shape.node}: exactly one {p} expected")
    return values[0]


def check_class(e: Engine, shape: Shape, fv: FocusValues) -> list[Result]:
    rules = shape.params[SH["class"]]

    def message() -> list[Literal]:
        if len(rules) < 2:
            return [Literal(f"Value does not have class {e.s_shapes(rules[0])}")]
        return [
            Literal(f"Value class is not in classes ({', '.join(e.s_shapes(c) for c in rules)})")
        ]

    out = []
    is_instance = e.index.is_instance
    for rule in rules:
        for f, values in fv.items():
            for v in values:
                kind = type(v)  # (an IRI is no literal: rdflib's isinstance runs in Python)
                literal = kind is Literal or (kind is not URIRef and isinstance(v, Literal))
                if literal or not is_instance(v, rule):
                    out.append(Result(shape, SH.ClassConstraintComponent, f, v, message))
    return out


_BLANK_KINDS = (SH.BlankNode, SH.BlankNodeOrLiteral, SH.BlankNodeOrIRI)
_LITERAL_KINDS = (SH.Literal, SH.BlankNodeOrLiteral, SH.IRIOrLiteral)
_IRI_KINDS = (SH.IRI, SH.IRIOrLiteral, SH.BlankNodeOrIRI)


def _each_value(
    e: Engine,
    shape: Shape,
    fv: FocusValues,
    param: URIRef,
    component: URIRef,
    text: str,
    matches: Callable[[Node, Node], bool],
) -> list[Result]:
    """A one-rule check of each value node; ``text`` is the generic message ({} the rule)."""
    rule = only(shape, param)

    def message() -> list[Literal]:
        return [Literal(text.format(e.s_shapes(rule)))]

    return [
        Result(shape, component, f, v, message)
        for f, values in fv.items()
        for v in values
        if not matches(v, rule)
    ]


def check_datatype(e: Engine, shape: Shape, fv: FocusValues) -> list[Result]:
    text = "Value is not Literal with datatype {}"
    return _each_value(
        e, shape, fv, SH.datatype, SH.DatatypeConstraintComponent, text, datatype_matches
    )


def node_kind_matches(v: Node, rule: Node) -> bool:
    if isinstance(v, BNode):
        return rule in _BLANK_KINDS
    if isinstance(v, Literal):
        return rule in _LITERAL_KINDS
    if isinstance(v, Identifier):
        return rule in _IRI_KINDS
    return False


def check_node_kind(e: Engine, shape: Shape, fv: FocusValues) -> list[Result]:
    text = "Value is not of Node Kind {}"
    return _each_value(
        e, shape, fv, SH.nodeKind, SH.NodeKindConstraintComponent, text, node_kind_matches
    )


MIN_COUNT, MAX_COUNT = SH.minCount, SH.maxCount
_MIN_COUNT, _MAX_COUNT = MIN_COUNT, MAX_COUNT
_MIN_COMPONENT, _MAX_COMPONENT = SH.MinCountConstraintComponent, SH.MaxCountConstraintComponent


def _count(e: Engine, shape: Shape, fv: FocusValues, minimum: bool) -> list[Result]:
    rule = only(shape, _MIN_COUNT if minimum else _MAX_COUNT)
    n = int(rule.value)
    if minimum and n == 0:
        return []
    words = "Less than" if minimum else "More than"
    component = _MIN_COMPONENT if minimum else _MAX_COMPONENT
    out = []
    if minimum:
        failing = [f for f, values in fv.items() if len(values) < n]
    else:
        failing = [f for f, values in fv.items() if len(values) > n]
    for f in failing:

        def message(f: Node = f) -> list[Literal]:
            on = e.s_data(f)
            if shape.path is not None:
                on += f"->{e.s_shapes(shape.path)}"
            return [Literal(f"{words} {rule.value} values on {on}")]

        out.append(Result(shape, component, f, None, message))
    return out


def check_min_count(e: Engine, shape: Shape, fv: FocusValues) -> list[Result]:
    return _count(e, shape, fv, minimum=True)


def check_max_count(e: Engine, shape: Shape, fv: FocusValues) -> list[Result]:
    return _count(e, shape, fv, minimum=False)


def check_min_inclusive(e: Engine, shape: Shape, fv: FocusValues) -> list[Result]:
    rules = shape.params[SH.minInclusive]

    def message() -> list[Literal]:
        if len(rules) < 2:
            return [Literal(f"Value is not >= {e.s_shapes(rules[0])}")]
        return [Literal(f"Value is not >= in ({', '.join(e.s_shapes(c) for c in rules)})")]

    out = []
    for m_val in rules:
        min_is_string = isinstance(m_val.value, str)
        for f, values in fv.items():
            for v in values:
                ok = False
                if isinstance(v, Literal):
                    v_is_string = isinstance(v.value, str)
                    if min_is_string == v_is_string:
                        ok = at_least(v, m_val)
                elif not isinstance(v, (BNode, URIRef)):
                    raise ReportableRuntimeError("Not sure how to compare anything else.")
                if not ok:
                    out.append(Result(shape, SH.MinInclusiveConstraintComponent, f, v, message))
    return out


def check_in(e: Engine, shape: Shape, fv: FocusValues) -> list[Result]:
    allowed: set[Node] = set()
    for item in only(shape, SH["in"]):
        allowed.add(item)

    def message(v: Node) -> Callable[[], list[Literal]]:
        def text() -> list[Literal]:
            listed = [e.s_shapes(x) for x in allowed]
            return [Literal(f"Value {e.s_data(v)} not in list {listed}")]

        return text

    return [
        Result(shape, SH.InConstraintComponent, f, v, message(v))
        for f, values in fv.items()
        for v in values
        if v not in allowed
    ]


HAS_VALUE = SH.hasValue


def check_has_value(e: Engine, shape: Shape, fv: FocusValues) -> list[Result]:
    wanted = set(shape.params[HAS_VALUE])
    out = []
    for hv in wanted:
        for f, values in fv.items():
            if any(v == hv for v in values):
                continue

            def message(f: Node = f) -> list[Literal]:
                the_set = [e.s_shapes(s) for s in wanted]
                if shape.path is not None:
                    where = f"{e.s_data(f)}->{e.s_shapes(shape.path)}"
                    return [Literal(f"Node {where} does not contain a value in the set: {the_set}")]
                return [
                    Literal(f"Node {e.s_data(f)} value is not a in the set of values: {the_set}")
                ]

            out.append(Result(shape, SH.HasValueConstraintComponent, f, None, message))
    return out


def check_disjoint(e: Engine, shape: Shape, fv: FocusValues) -> list[Result]:
    others = set(shape.params[SH.disjoint])
    out = []
    for dj in others:
        for f, values in fv.items():
            for common in set(values) & set(e.index.objects(f, dj)):

                def message(f: Node = f, v: Node = common) -> list[Literal]:
                    rules = (
                        e.s_shapes(next(iter(others)))
                        if len(others) < 2
                        else ", ".join(e.s_shapes(p) for p in others)
                    )
                    return [Literal(f"Value of {e.s_data(f)}->{rules} == {e.s_data(v)}")]

                out.append(Result(shape, SH.DisjointConstraintComponent, f, common, message))
    return out
