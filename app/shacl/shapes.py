"""The shapes graph read once into plain objects the engine walks without asking rdflib.

pySHACL reads a shape's parameters from the shapes graph again every time it
validates the shape, and its logical constraints validate a nested shape once
per value node: most of its time on the tagging shapes. Here each shape is read
once; anything the engine does not implement exactly as pySHACL raises
:class:`UnsupportedShapes` at load time, never a silently skipped constraint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pyshacl.errors import ValidationFailure
from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper as Helper
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

# Parameters each constraint component reads (pySHACL's CONSTRAINT_PARAMETERS_MAP).
SUPPORTED = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.minCount,
    SH.maxCount,
    SH.minInclusive,
    SH.minLength,
    SH.pattern,
    SH.languageIn,
    SH["in"],
    SH.hasValue,
    SH.disjoint,
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
    SH.node,
    SH.property,
    SH["and"],
    SH["or"],
    SH.xone,
    SH["not"],
    SH.sparql,
}
UNSUPPORTED = {
    SH.minExclusive,
    SH.maxExclusive,
    SH.maxInclusive,
    SH.maxLength,
    SH.uniqueLang,
    SH.equals,
    SH.lessThan,
    SH.lessThanOrEquals,
    SH.closed,
    SH.ignoredProperties,
    SH.expression,
    SH.target,
    SH.targetObjectsOf,
    SH.rule,
}
SHAPE_VALUED = (SH.property, SH.node, SH["not"], SH.qualifiedValueShape)
SHAPE_LISTS = (SH["and"], SH["or"], SH.xone)
LIST_PARAMS = (*SHAPE_LISTS, SH.languageIn, SH["in"])


class UnsupportedShapes(ValueError):
    """The shapes use something the compiled engine does not implement exactly."""


@dataclass(frozen=True)
class SparqlConstraint:
    node: Node
    select: str
    messages: tuple[Literal, ...]


@dataclass(eq=False)
class Shape:
    node: Node
    path: URIRef | None  # property shapes: a predicate (other paths are refused)
    deactivated: bool
    severity: Node
    messages: tuple[Node, ...]
    # parameter → its values in the shapes graph's order (RDF lists as Python lists).
    params: dict[Node, list[Any]] = field(default_factory=dict)
    raw: dict[Node, list[Node]] = field(default_factory=dict)  # the same, lists unexpanded
    target_classes: list[Node] = field(default_factory=list)
    target_nodes: list[Node] = field(default_factory=list)
    target_subjects_of: list[Node] = field(default_factory=list)
    sparql: list[SparqlConstraint] = field(default_factory=list)
    checks: list[Any] | None = None  # the engine's checks, found on first use
    # Every result has as focus the node validated: not a property shape's sh:property
    # (results on its value nodes) nor SPARQL (rows bind their own $this).
    separable: bool = False
    # Its only constraints read its value nodes' number or membership: sh:minCount,
    # sh:maxCount, sh:hasValue (a nested shape then answers without results).
    values_only: bool = False

    @property
    def is_property(self) -> bool:
        return self.path is not None

    @property
    def has_targets(self) -> bool:
        return bool(self.target_classes or self.target_nodes or self.target_subjects_of)


@dataclass
class Shapes:
    graph: Graph
    by_node: dict[Node, Shape]
    targeted: list[Shape]
    reads: dict[tuple[Node, bool], Any] = field(default_factory=dict)  # changes.reads, once
    # sh:pattern's regexes of a shape (strings.compiled_patterns): read from the shapes
    # graph alone, so once per compiled shapes rather than once a validation.
    patterns: dict[Node, Any] = field(default_factory=dict)


def _shape_nodes(sg: Graph) -> set[Node]:
    nodes: set[Node] = set(sg.subjects(RDF.type, SH.NodeShape))
    nodes |= set(sg.subjects(RDF.type, SH.PropertyShape))
    for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
        nodes |= set(sg.subjects(p, None))
    for p in SHAPE_VALUED:
        nodes |= set(sg.objects(None, p))
    for p in SHAPE_LISTS:
        for lst in sg.objects(None, p):
            nodes |= set(sg.items(lst))
    nodes |= set(sg.subjects(SH.path, None))
    return nodes


def _one(sg: Graph, node: Node, p: URIRef) -> Node | None:
    values = list(sg.objects(node, p))
    if len(values) > 1:
        raise UnsupportedShapes(f"{node}: more than one {p}")
    return values[0] if values else None


def _sparql(sg: Graph, shape: Node) -> list[SparqlConstraint]:
    found = []
    for c in sg.objects(shape, SH.sparql):
        if (c, SH.prefixes, None) in sg or (c, SH.deactivated, None) in sg:
            raise UnsupportedShapes(f"{shape}: sh:prefixes / deactivated sh:sparql not supported")
        selects = list(sg.objects(c, SH.select))
        if len(selects) != 1 or (c, SH.ask, None) in sg:
            raise UnsupportedShapes(f"{shape}: a sh:sparql constraint needs exactly one sh:select")
        messages = tuple(m for m in sg.objects(c, SH.message) if isinstance(m, Literal))
        select = str(selects[0])
        try:  # what pySHACL refuses when it runs the query (MINUS, VALUES, SERVICE, …)
            Helper.check_invalid_sparql(Helper, select)  # type: ignore[arg-type]
        except ValidationFailure as e:
            raise UnsupportedShapes(f"{shape}: {e}") from e
        for regex in (Helper.bind_path_regex, Helper.bind_sg_regex, Helper.bind_cs_regex):
            if regex.search(select):
                raise UnsupportedShapes(f"{shape}: $PATH, $shapesGraph, $currentShape unsupported")
        if not Helper.bind_this_regex.search(select):
            raise UnsupportedShapes(f"{shape}: a SPARQL constraint without $this")
        found.append(SparqlConstraint(c, select, messages))
    return found


def _read(sg: Graph, node: Node, terms: dict[Node, Node]) -> Shape:
    """One shape; each term it names is ``terms``' object for it (one object per term
    across the shapes: the engine's memos and indexes are keyed by them, and a key
    found as the same object is found without rdflib's ``__eq__``, which runs in Python)."""

    def one(x: Node) -> Node:
        return terms.setdefault(x, x)

    path = _one(sg, node, SH.path)
    path = None if path is None else one(path)
    if path is not None and not isinstance(path, URIRef):
        raise UnsupportedShapes(f"{node}: only predicate paths are supported, not {path!r}")
    deact = _one(sg, node, SH.deactivated)
    if deact is not None and not isinstance(deact, Literal):
        raise UnsupportedShapes(f"{node}: sh:deactivated must be a literal")
    severities = list(sg.objects(node, SH.severity))
    shape = Shape(
        node,
        path,
        bool(deact.value) if isinstance(deact, Literal) else False,
        severities[0] if severities else SH.Violation,
        tuple(set(sg.objects(node, SH.message))),
    )
    for p, o in sg.predicate_objects(node):
        if p in UNSUPPORTED or (p == RDF.type and o in (RDFS.Class, OWL.Class)):
            raise UnsupportedShapes(f"{node}: {p} {o} is not supported by the compiled engine")
        if p in SUPPORTED and p != SH.sparql:
            value = [one(x) for x in sg.items(o)] if p in LIST_PARAMS else one(o)
            shape.params.setdefault(p, []).append(value)
            shape.raw.setdefault(p, []).append(o)
    shape.target_classes = [one(x) for x in sg.objects(node, SH.targetClass)]
    shape.target_nodes = [one(x) for x in sg.objects(node, SH.targetNode)]
    shape.target_subjects_of = [one(x) for x in sg.objects(node, SH.targetSubjectsOf)]
    shape.sparql = _sparql(sg, node)
    return shape


def _keeps_focus(shape: Shape) -> bool:
    """Whether ``shape``'s own results all have as focus the node it validates."""
    return not shape.sparql and SH.property not in shape.params


def _separable(shape: Shape, by_node: dict[Node, Shape]) -> bool:
    """Whether every result of ``shape`` has as focus the node it was validated on.

    A shape's own checks report on their focus node (sh:node, the logical
    constraints and qualified counts too: their nested results are details or
    nothing). sh:property reports its property shapes' results: on the same
    node when ``shape`` is a node shape (its value node is its focus), on the
    value nodes when it is a property shape. SPARQL rows bind their own $this.
    """
    if shape.is_property:
        return _keeps_focus(shape)
    return not shape.sparql and all(
        _keeps_focus(by_node[p]) for p in shape.params.get(SH.property, [])
    )


def compile_shapes(sg: Graph) -> Shapes:
    """Every shape of ``sg``; :class:`UnsupportedShapes` when one needs what is not implemented."""
    if (None, RDF.type, SH.ConstraintComponent) in sg or (None, SH.rule, None) in sg:
        raise UnsupportedShapes("custom constraint components and rules are not supported")
    terms: dict[Node, Node] = {}
    by_node = {n: _read(sg, n, terms) for n in _shape_nodes(sg)}
    for shape in by_node.values():
        refs = [v for p in SHAPE_VALUED for v in shape.params.get(p, [])]
        refs += [x for p in SHAPE_LISTS for lst in shape.params.get(p, []) for x in lst]
        for ref in refs:
            if ref not in by_node:
                raise UnsupportedShapes(f"{shape.node}: refers to {ref}, which is not a shape")
        if SH.qualifiedValueShape in shape.params and not shape.is_property:
            raise UnsupportedShapes(f"{shape.node}: sh:qualifiedValueShape on a node shape")
        if SH.qualifiedValueShape in shape.params and (
            SH.qualifiedMinCount not in shape.params and SH.qualifiedMaxCount not in shape.params
        ):
            raise UnsupportedShapes(f"{shape.node}: sh:qualifiedValueShape without a count")
    _refuse_recursion(by_node)
    for shape in by_node.values():
        shape.separable = _separable(shape, by_node)
        shape.values_only = (
            bool(shape.params)
            and not shape.sparql
            and set(shape.params) <= {SH.minCount, SH.maxCount, SH.hasValue}
        )
    targeted = [s for s in by_node.values() if s.has_targets]
    return Shapes(sg, by_node, targeted)


def _refuse_recursion(by_node: dict[Node, Shape]) -> None:
    """pySHACL cuts recursive shapes with a warning; the engine refuses them instead."""

    def refs(shape: Shape) -> list[Node]:
        out = [v for p in SHAPE_VALUED for v in shape.params.get(p, [])]
        return out + [x for p in SHAPE_LISTS for lst in shape.params.get(p, []) for x in lst]

    done: set[Node] = set()

    def visit(node: Node, stack: tuple[Node, ...]) -> None:
        if node in stack:
            raise UnsupportedShapes(f"recursive shapes through {node}")
        if node in done:
            return
        for ref in refs(by_node[node]):
            visit(ref, (*stack, node))
        done.add(node)

    for node in by_node:
        visit(node, ())
