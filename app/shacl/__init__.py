"""A SHACL validator compiled from the project's shapes, with pySHACL's results, much faster.

pySHACL (0.40, ``inference="none"``, ``advanced=True``, ontology mixed in)
is the reference: :func:`validate` returns a report with the same results —
focus node, path, value, source shape, constraint component, severity and
messages — for every shape the compiler accepts, and the compiler refuses
(:class:`UnsupportedShapes`) any shape using a feature it does not implement.
``tests/shacl`` compares both engines on every shapes case, on the seeds and on
synthetic contracts with injected violations. Where its time goes, and why it
is exact: docs/build.md § "The validator".
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from rdflib import Graph, URIRef
from rdflib.namespace import SH

from app.shacl.changes import remember, since
from app.shacl.components import Result
from app.shacl.data import DataIndex, ontology_mixin
from app.shacl.engine import Engine
from app.shacl.report import write_report
from app.shacl.shapes import Shapes, UnsupportedShapes, compile_shapes

__all__ = ["UnsupportedShapes", "compiled", "failures", "validate"]

_compiled: dict[int, tuple[Graph, Shapes]] = {}
_bases: dict[tuple[int, ...], tuple[list[Graph], DataIndex]] = {}
_prefixes: dict[tuple[object, int], tuple[Graph | None, Graph]] = {}
_lock = threading.Lock()


def compiled(shapes: Graph) -> Shapes:
    """``shapes`` compiled, once per graph object."""
    with _lock:
        found = _compiled.get(id(shapes))
        if found is None or found[0] is not shapes:
            found = (shapes, compile_shapes(shapes))
            _compiled[id(shapes)] = found
        return found[1]


def _namespaces(data: Graph | Sequence[Graph], ont: Graph | None) -> Graph:
    """A graph bound to the prefixes of the data graph pySHACL validates (its messages show them).

    One graph: pySHACL's clone of it ("core" prefixes, then the graph's own);
    several: the fresh union graph they are added to (rdflib's default prefixes).
    Then the ontology's prefixes not yet bound, as pySHACL's mix-in does.
    Binding them cost ≈ 0.5 ms a call: the graph is kept for the same prefixes
    and ontology when it binds ``sh`` (the one prefix pySHACL's messages bind
    if it is missing; nothing else changes it).
    """
    own = tuple(data.namespace_manager.namespaces()) if isinstance(data, Graph) else None
    key = (own, id(ont))
    with _lock:
        found = _prefixes.get(key)
    if found is not None and found[0] is ont:
        return found[1]
    g = _bound(data, ont)
    if g.namespace_manager.store.namespace("sh") == URIRef(str(SH)):
        with _lock:
            if len(_prefixes) > 16:
                _prefixes.clear()
            _prefixes[key] = (ont, g)
    return g


def _bound(data: Graph | Sequence[Graph], ont: Graph | None) -> Graph:
    if isinstance(data, Graph):
        g = Graph(bind_namespaces="core")
        for p, n in data.namespace_manager.namespaces():
            g.namespace_manager.bind(p, n, override=True, replace=True)
    else:
        g = Graph()
    if ont is not None:
        bound = {p for p, _ in g.namespace_manager.namespaces()}
        for p, n in ont.namespace_manager.namespaces():
            if p not in bound:
                g.namespace_manager.bind(p, n)
    return g


def _base(graphs: list[Graph]) -> DataIndex:
    """The index of the graphs every call shares, read once per set of graph objects."""
    key = tuple(id(g) for g in graphs)
    with _lock:
        found = _bases.get(key)
        if found is None or any(a is not b for a, b in zip(found[0], graphs, strict=True)):
            found = (graphs, DataIndex.merged(graphs))
            if len(_bases) > 8:
                _bases.clear()
            _bases[key] = found
        return found[1]


def validate(
    data: Graph | Sequence[Graph],
    shapes: Graph,
    ont: Graph | None = None,
    shared: Sequence[Graph] = (),
) -> tuple[bool, Graph]:
    """(conforms, report) for ``data`` (one graph, or several read as their union).

    ``shared``: more data graphs (the vocabularies) that every call passes as the
    same, unchanging objects: they are indexed once.
    """
    engine, results = _run(data, shapes, ont, shared)
    return write_report(engine, results)


def failures(
    data: Graph | Sequence[Graph],
    shapes: Graph,
    ont: Graph | None = None,
    shared: Sequence[Graph] = (),
) -> Graph | None:
    """:func:`validate`'s report when ``data`` does not conform, else ``None``: the
    build reads only failing reports, and writing an empty one (a graph bound to
    the shapes' ≈ 40 prefixes) cost ≈ 0.5 ms, twice a contract."""
    engine, results = _run(data, shapes, ont, shared)
    return write_report(engine, results)[1] if results else None


def _run(
    data: Graph | Sequence[Graph], shapes: Graph, ont: Graph | None, shared: Sequence[Graph]
) -> tuple[Engine, list[Result]]:
    graphs = [data] if isinstance(data, Graph) else list(data)
    mixin = ontology_mixin(ont)
    base = _base([*shared, *([mixin] if mixin is not None else [])])
    program = compiled(shapes)
    changes = since(graphs, program, base)  # a graph of ``data`` passed before (changes.py)
    engine = Engine(program, DataIndex(graphs, base), _namespaces(data, ont), changes)
    results = engine.run()
    if len(graphs) == 1 and not results:
        remember(graphs[0], program, base, engine.prefixes())
    return engine, results
