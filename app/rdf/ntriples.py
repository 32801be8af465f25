"""A graph's N-Triples lines for the dumps: rdflib's text, each term written and checked once.

The dumps hold each graph's triples as sorted, distinct N-Triples lines, as
rdflib's serializer writes them (``Graph.serialize(format="nt")``), blank nodes
labelled by structure (:func:`canonical`); Oxigraph reads them back to write
the TriG dump and the Turtle files (``app/dump_parts.py``). Two ways:

- :func:`sorted_ntriples`, for any graph: the lines, read back by Oxigraph's
  strict parser, which checks every IRI and language tag of every line.
- ``app.rdf.triples_text.written``, for a contract's graphs: the same lines,
  each term checked once as the strict parser would check it, with the
  graph's Turtle statements and VoID sizes, in one pass.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal
from rdflib.compare import to_canonical_graph
from rdflib.plugins.serializers.nt import _quoteLiteral
from rdflib.term import Node

from app.rdf.memory_graph import triples


def canonical(graph: Graph) -> Graph:
    """The graph with its blank nodes relabelled by structure (the same labels in any run)."""
    kinds = {type(t) for triple in triples(graph) for t in triple}  # (a few types to test)
    if not any(issubclass(kind, BNode) for kind in kinds):
        return graph
    out = Graph()
    out += to_canonical_graph(graph)
    return out


def lines(graph: Graph) -> list[str]:
    """The graph's N-Triples lines as rdflib writes them (``Graph.serialize(format="nt")``,
    decoded, split into lines), distinct and sorted.

    rdflib's serializer (``_nt_row``) writes each triple's terms with ``n3()``, an
    object literal with ``_quoteLiteral``. A contract's ≈ 4 000 triples name ≈ 1 500
    distinct IRIs, and ``URIRef.n3`` checks its IRI's characters at every call: an
    IRI or blank node is written once (keyed by the term: equal terms are of one type
    with one text, so they write alike); a literal, almost always distinct, each time.
    """
    written: dict[Node, str] = {}
    rows: list[str] = []
    for s, p, o in triples(graph):
        subject = written.get(s)
        if subject is None:
            subject = s.n3()
            if not isinstance(s, Literal):
                written[s] = subject
        predicate = written.get(p)
        if predicate is None:
            predicate = p.n3()
            if not isinstance(p, Literal):
                written[p] = predicate
        if isinstance(o, Literal):
            rows.append(f"{subject} {predicate} {_quoteLiteral(o)} .\n")
            continue
        obj = written.get(o)
        if obj is None:
            obj = written[o] = o.n3()
        rows.append(f"{subject} {predicate} {obj} .\n")
    text = "".join(rows)
    text.encode("utf-8")  # raises on what rdflib's serializer refuses (a lone surrogate)
    return sorted({line for line in text.splitlines() if line.strip()})


def sorted_ntriples(graph: Graph) -> list[str]:
    """Canonical, sorted N-Triples lines of a graph (blank nodes relabelled by structure)."""
    return lines(canonical(graph))
