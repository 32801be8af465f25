"""The validation report as pySHACL writes it (``sh:ValidationReport``, one ``sh:result`` each).

Same triples as pySHACL's ``make_v_result`` and ``create_validation_report``:
messages are the shape's ``sh:message`` (else pySHACL's own generic text), a
SPARQL constraint's messages with ``{?var}`` replaced by the row's values, and
blank nodes (a property shape as ``sh:sourceShape``) are copied into the report
with their description and identifier, so callers can find the shape again.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pyshacl.rdfutil.clone import clone_blank_node
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from app.shacl.components import Result

if TYPE_CHECKING:
    from app.shacl.engine import Engine


def _format(msg: str, bound_vars: tuple[Any, ...]) -> str:
    t, p, v, rest = bound_vars
    fdict: dict[str, Any] = dict(rest)
    for name, val in (("this", t), ("path", p), ("value", v)):
        if val is not None:
            fdict[name] = val
    for var, val in fdict.items():
        msg = re.sub(f"{{[?$]{var}}}", str(val), msg)
    return msg


def messages(result: Result) -> list[Node]:
    """``make_v_result``'s messages."""
    out: list[Node] = []
    own = list(result.shape.messages)
    bound = result.bound_vars

    def formatted(m: Node) -> Node:
        if isinstance(m, Literal) and bound is not None:
            return Literal(_format(str(m.value), bound))
        return m

    if result.extra_messages:
        out += [formatted(m) for m in result.extra_messages if m not in own]
    elif not own and result.generic is not None:
        own = list(result.generic())
    out += [formatted(m) for m in own]
    return out


class ReportWriter:
    def __init__(self, e: Engine) -> None:
        self.e = e
        self.graph = Graph(bind_namespaces="core")
        for p, n in e.shapes.graph.namespace_manager.namespaces():
            self.graph.namespace_manager.bind(p, n)
        self._cloned: dict[tuple[int, str], Node] = {}

    def _copy(self, source: Graph, node: Node) -> Node:
        if isinstance(node, Literal):
            return node
        key = (id(source), str(node))
        found = self._cloned.get(key)
        if found is None:
            if isinstance(node, BNode):
                found = clone_blank_node(source, node, self.graph, keepid=True)
            else:
                found = URIRef(str(node))
            self._cloned[key] = found
        return found

    def result(self, r: Result) -> BNode:
        g, sg = self.graph, self.e.shapes.graph
        data = self.e.union_graph() if _has_blank(r) else self.e.nm_graph
        node = BNode()
        g.add((node, RDF.type, SH.ValidationResult))
        g.add((node, SH.sourceConstraintComponent, self._copy(sg, r.component)))
        g.add((node, SH.sourceShape, self._copy(sg, r.shape.node)))
        g.add((node, SH.resultSeverity, r.shape.severity))
        g.add((node, SH.focusNode, self._copy(data, r.focus)))
        if r.value is not None:
            g.add((node, SH.value, self._copy(data, r.value)))
        path = r.path if r.path is not None else r.shape.path
        if path is not None:
            g.add((node, SH.resultPath, self._copy(sg, path)))
        if r.source_constraint is not None:
            g.add((node, SH.sourceConstraint, self._copy(sg, r.source_constraint)))
        for m in messages(r):
            g.add((node, SH.resultMessage, m))
        for d in r.details:
            g.add((node, SH.detail, self.result(d)))
        return node


def _has_blank(r: Result) -> bool:
    return isinstance(r.focus, BNode) or isinstance(r.value, BNode)


def write_report(e: Engine, results: list[Result]) -> tuple[bool, Graph]:
    writer = ReportWriter(e)
    g = writer.graph
    report = BNode()
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, Literal(not results)))
    for r in results:
        g.add((report, SH.result, writer.result(r)))
    return not results, g
