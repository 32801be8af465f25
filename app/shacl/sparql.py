"""SHACL-SPARQL constraints (sh:sparql/sh:select) run by Oxigraph, once for all focus nodes.

pySHACL runs the SELECT once per focus node with ``$this`` pre-bound (rdflib
``initBindings``). Here ``VALUES ?this { … }`` opens the query's WHERE group,
so one query answers for every focus node, each row carrying its ``?this``.
That is the same as one query per focus node when the query projects
``$this``, groups by it if it aggregates, and has no sub-query: otherwise, or
when a focus node is a blank node (not allowed in VALUES), or when Oxigraph
would not keep a literal exactly as rdflib reads it (it canonicalises numbers:
"01"^^xsd:integer becomes "1"), the constraint runs pySHACL's way, one rdflib
query per focus node. Prefixes are those of pySHACL's data graph (the
constraints declare none; rdflib resolves them from the graph).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH, XSD
from rdflib.paths import NegatedPath, Path
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Node

from app.rdf.memory_graph import triples
from app.shacl.components import FocusValues, Result
from app.shacl.no_rows import no_rows

if TYPE_CHECKING:
    from app.shacl.engine import Engine
    from app.shacl.shapes import Shape, SparqlConstraint

_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_AGGREGATE = re.compile(r"\b(COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\(", re.IGNORECASE)
_GROUP_BY = re.compile(
    r"\bGROUP\s+BY\b([^{}]*?)(\bHAVING\b|\bORDER\b|\bLIMIT\b|\bOFFSET\b|$)", re.I | re.S
)
_PROJECTS_THIS = re.compile(
    r"^\s*SELECT\s+(DISTINCT\s+|REDUCED\s+)?(\*|[^{]*?[$?]this\b)", re.I | re.S
)
_PLAIN = (None, XSD.string)


def batchable(select: str) -> bool:
    if len(re.findall(r"\bSELECT\b", select, re.I)) != 1 or not _PROJECTS_THIS.search(select):
        return False
    if _AGGREGATE.search(select):
        group = _GROUP_BY.search(select)
        return bool(group and re.search(r"[$?]this\b", group.group(1)))
    return True


class OxData:
    """The triples the constraints can read, as an Oxigraph store, and each term's rdflib original.

    A query whose predicates are all IRIs (no variable, no negated path) only
    matches triples with those predicates: only they are loaded.
    """

    def __init__(self, e: Engine) -> None:
        self.prefixes = e.prefixes()
        wanted: set[Node] | None = set()
        for shape in e.shapes.by_node.values():
            for c in shape.sparql:
                used = used_predicates(self.prefixes + c.select)
                wanted = None if used is None or wanted is None else wanted | used
        self.back: dict[Any, Node] = {}
        forward: dict[Node, Any] = {}
        get = forward.get
        quads = []
        for s, p, o in _triples(e, wanted):
            xs, xp, xo = get(s), get(p), get(o)
            if xs is None:
                xs = self._convert(forward, s)
            if xp is None:
                xp = self._convert(forward, p)
            if xo is None:
                xo = self._convert(forward, o)
            quads.append(ox.Quad(xs, xp, xo))
        self.store = ox.Store()
        self.store.extend(quads)  # for a few hundred quads, twice as fast as bulk_extend
        self.exact = _literals_kept([x for t, x in forward.items() if _typed(t)])

    def _convert(self, forward: dict[Node, Any], t: Node) -> Any:
        x = forward[t] = _to_ox(t)
        self.back[x] = t
        return x


def prefixes(nm_graph: Graph) -> str:
    """The PREFIX lines of the prefixes pySHACL's data graph binds (the queries use them)."""
    return "".join(
        f"PREFIX {p}: <{n}>\n"
        for p, n in nm_graph.namespace_manager.namespaces()
        if re.fullmatch(r"([A-Za-z][\w.-]*)?", p)
    )


def _triples(e: Engine, wanted: set[Node] | None) -> Iterable[tuple[Node, Node, Node]]:
    """The triples of the predicates ``wanted`` (all when ``None``), read from each
    layer's (predicate → object → subjects) index; a triple two layers hold comes
    twice (a store holds it once)."""
    if wanted is None:
        for graph in e.index.graphs:
            yield from triples(graph)
        return
    for p in wanted:
        for _, pos in e.index.layers:
            by_object = pos.get(p)
            if by_object:
                for o, subjects in by_object.items():
                    for s in subjects:
                        yield s, p, o


_READS: dict[str, frozenset[Node] | None] = {}
_READS_KEPT = 256


def known_reads() -> dict[str, frozenset[Node] | None]:
    """What ``used_predicates`` found in this process, by query text (a copy)."""
    return dict(_READS)


def remember_reads(found: dict[str, frozenset[Node] | None]) -> None:
    """Answers of ``used_predicates`` found by an earlier process, by query text.

    Why: the first SPARQL text rdflib parses in a process makes pyparsing
    streamline rdflib's whole grammar, ≈ 0.5-0.7 s — a seventh of a rebuild
    after one contract changed, for five constraints whose texts only change
    with the shapes. The answer is a function of the text alone (and of
    rdflib's parser: the build keeps these under the shapes' key and rdflib's
    version, app/build_snapshot.py), so one found before is the same answer.
    """
    for text, predicates in list(found.items())[:_READS_KEPT]:
        if isinstance(text, str) and (predicates is None or isinstance(predicates, frozenset)):
            _READS[text] = predicates


def used_predicates(text: str) -> frozenset[Node] | None:
    """Every IRI of the query's algebra when no triple pattern has a variable or negated
    predicate (a superset of the predicates it reads); ``None`` otherwise."""
    if text in _READS:
        return _READS[text]
    found = _used_predicates(text)
    if len(_READS) >= _READS_KEPT:
        _READS.clear()
    _READS[text] = found
    return found


def _used_predicates(text: str) -> frozenset[Node] | None:
    found: set[Node] = set()
    ok = True

    def walk(x: Any) -> None:
        nonlocal ok
        if isinstance(x, NegatedPath):
            ok = False
        elif isinstance(x, Path):
            for value in vars(x).values():
                walk(value)
        elif isinstance(x, URIRef):
            found.add(x)
        elif isinstance(x, (list, tuple)):
            for item in x:
                walk(item)
        elif isinstance(x, dict):
            for key, value in x.items():
                if key == "triples" and any(not isinstance(t[1], (URIRef, Path)) for t in value):
                    ok = False
                walk(value)

    walk(prepareQuery(text).algebra)
    return frozenset(found) if ok else None


def _typed(t: Node) -> bool:
    return isinstance(t, Literal) and not t.language and t.datatype not in _PLAIN


def _literals_kept(literals: list[Any]) -> bool:
    """Whether the store keeps each of these literals as given (it canonicalises numbers)."""
    if not literals:
        return True
    scratch = ox.Store()
    p = ox.NamedNode("urn:x-shacl:p")
    scratch.extend(ox.Quad(ox.NamedNode(f"urn:x-shacl:{i}"), p, o) for i, o in enumerate(literals))
    kept = {q.object for q in scratch}
    return all(o in kept for o in literals)


def _to_ox(t: Node) -> Any:
    if isinstance(t, URIRef):
        return ox.NamedNode(str(t))
    if isinstance(t, BNode):
        return ox.BlankNode(str(t)) if re.fullmatch(r"[A-Za-z0-9_]+", str(t)) else ox.BlankNode()
    assert isinstance(t, Literal)
    if t.language:
        return ox.Literal(str(t), language=t.language)
    if t.datatype is not None:
        return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)))
    return ox.Literal(str(t))


def _from_ox(back: dict[Any, Node], o: Any) -> Node:
    known = back.get(o)
    if known is not None:
        return known
    if isinstance(o, ox.NamedNode):
        return URIRef(o.value)
    if isinstance(o, ox.BlankNode):
        return BNode(o.value)
    if o.language:
        return Literal(o.value, lang=o.language)
    return Literal(o.value, datatype=URIRef(o.datatype.value))


def _ox_data(e: Engine) -> OxData:
    data = e.sparql_state.get("ox")
    if data is None:
        data = e.sparql_state["ox"] = OxData(e)
    assert isinstance(data, OxData)
    return data


def _rows_batched(
    e: Engine, c: SparqlConstraint, focus: list[Node]
) -> dict[Node, list[dict[str, Node]]]:
    data = _ox_data(e)
    values = " ".join(f"<{f}>" for f in focus)
    m = _WHERE.search(c.select)
    assert m is not None
    text = f"{data.prefixes}{c.select[: m.end()]} VALUES ?this {{ {values} }} {c.select[m.end() :]}"
    rows: dict[Node, list[dict[str, Node]]] = {}
    solutions = data.store.query(text)
    names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
    for solution in solutions:  # type: ignore[union-attr]
        row = {n: _from_ox(data.back, solution[n]) for n in names if solution[n] is not None}
        rows.setdefault(row["this"], []).append(row)
    return rows


def _rows_one(e: Engine, c: SparqlConstraint, f: Node) -> list[dict[str, Node]]:
    """pySHACL's way: rdflib, ``$this`` pre-bound."""
    found = e.union_graph().query(c.select, initBindings={"this": f})  # type: ignore[dict-item]
    return [{str(k): v for k, v in r.asdict().items()} for r in found]  # type: ignore[union-attr]


def _can_batch(e: Engine, c: SparqlConstraint, focus: list[Node]) -> bool:
    if not batchable(c.select) or _WHERE.search(c.select) is None:
        return False
    if any(not isinstance(f, URIRef) or ">" in str(f) for f in focus):
        return False
    return _ox_data(e).exact


def sparql_results(e: Engine, shape: Shape, fv: FocusValues) -> list[Result]:
    out: list[Result] = []
    focus = list(fv)
    for c in shape.sparql:
        if no_rows(e.index, e.prefixes(), c.select, focus):
            continue  # (the same as running it: app/shacl/no_rows.py)
        batched = _rows_batched(e, c, focus) if _can_batch(e, c, focus) else None
        for f in focus:
            rows = batched.get(f, []) if batched is not None else _rows_one(e, c, f)
            found: list[tuple[Any, ...]] = []
            for row in rows:
                if "failure" in row:
                    raise ValueError(f"{c.node}: ?failure rows are not supported")
                rest = dict(row)
                p, v, t = rest.pop("path", None), rest.pop("value", None), rest.pop("this", None)
                if (p is not None or v is not None or t is not None) and (
                    t,
                    p,
                    v,
                    rest,
                ) not in found:
                    found.append((t, p, v, rest))
            result_val = None if shape.is_property else f
            for t, p, v, rest in found:
                v = result_val if v is None else v
                out.append(
                    Result(
                        shape,
                        SH.SPARQLConstraintComponent,
                        t or f,
                        v,
                        None,
                        path=p,
                        source_constraint=c.node,
                        extra_messages=c.messages,
                        bound_vars=(t, p, v, rest),
                    )
                )
    return out
