"""A contract's graph written in one pass: its N-Quads lines, Turtle statements, JSON-LD, sizes.

The build wrote each contract's lines with rdflib's terms, then Oxigraph
parsed them back strictly to write the TriG blocks and the Turtle file;
the sixth pass wrote each distinct term once instead (``app.rdf.term_text``),
but still made every line, statement and JSON-LD member of the ≈ 3 800
triples of a contract one by one, in two passes over the graph (one for the
lines and statements, one for the JSON-LD), and encoded the whole texts
at the end. Those triples are only ≈ 700 distinct (predicate, object) pairs
(a class, a method, a theme, the element tagged…): here each pair's texts —
its N-Triples text after the subject, its Turtle text, its JSON-LD member
(``app.rdf.jsonld_text``), all UTF-8 — are made once (:data:`Record`), and a
subject's lines, statement and node are its records sorted and joined, in
one pass over the graph's index (``memory_graph.by_subject``). The VoID
sizes are read on the way.

Anything it cannot vouch for (``app.rdf.term_text``; a literal subject or
class) raises :class:`Unchecked`: the graph then goes the strict way, which
fails or succeeds as it always did. What the JSON-LD writer leaves to the
long way (``Unsupported``) leaves this graph's :attr:`Written.jsonld` empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from app.rdf.compaction import Compactor, Unsupported
from app.rdf.jsonld_text import Nodes, ordered
from app.rdf.memory_graph import by_subject
from app.rdf.ntriples import canonical
from app.rdf.term_text import Blank, Known, TermTexts, Texts, Unchecked
from app.rdf.turtle_text import Terms

__all__ = ["Unchecked", "Written", "written"]

_RDF_TYPE = f"<{RDF.type}>"


@dataclass
class Written:
    """A graph written: its triples' N-Quads lines (as the graph named when written),
    sorted and distinct; its Turtle statements in that order (no indent); its
    JSON-LD nodes in the order of the ``@graph``'s array when they were asked for and
    written in the same pass (``None`` otherwise); all UTF-8, in pieces (a subject's
    lines, statement, node: each text is copied once, into its file). The graph they
    are of; what VoID counts of it:
    its number of triples, its IRI subjects and predicates (the IRIs), its classes
    (the objects of ``rdf:type``, written as Oxigraph writes them: ``<iri>`` or
    ``_:label``)."""

    nquads: list[bytes]
    statements: list[bytes]
    jsonld: list[bytes] | None
    graph: Graph
    triples: int
    entities: set[str]
    properties: set[str]
    classes: set[str]

    def lines(self, name: str) -> list[str]:
        """The N-Triples lines (``app.rdf.ntriples.sorted_ntriples``'s), the graph
        being ``name``."""
        tail = f" <{name}> ."
        text = b"".join(self.nquads).decode()
        return [line[: -len(tail)] + " ." for line in text.splitlines()]


# A triple after its subject, as each writer writes it: its N-Triples text (``<p> o``,
# the lines' order), its Turtle text (``verb o``), its Turtle object and verb; then,
# for a graph written as JSON-LD too, its member of its subject's node
# (``app.rdf.jsonld_text.Member``).
Record = tuple[Any, ...]
# A predicate's texts, its N-Triples and Turtle texts, and its records by id(object).
Predicate = tuple[Texts, bytes, bytes, dict[int, Record]]


class _Pass:
    """One graph's writing (see :func:`written`): each term's, predicate's and (predicate,
    object)'s texts made once, keyed by the terms' ids, or found in ``known``."""

    def __init__(self, blank: bool, turtle: Terms, nodes: Nodes | None, known: Known) -> None:
        self.terms = TermTexts(blank, turtle, known)
        self.nodes = nodes
        self.width = 4 if nodes is None else 8  # a record's, as ``known`` keeps it
        self.known = None if blank else known.records[nodes is not None]
        self.predicates: dict[int, Predicate] = {}
        self.properties: set[str] = set()
        self.classes: set[str] = set()

    def predicate(self, p: Node) -> Predicate:
        if type(p) is not URIRef:
            raise Unchecked(str(p))
        texts = self.terms.by_id.get(id(p)) or self.terms.texts(p)
        self.properties.add(texts[0][1:-1])
        verb = b"a" if texts[0] == _RDF_TYPE else texts[2]  # (an IRI's Turtle text is never "a")
        found = self.predicates[id(p)] = (texts, texts[1], verb, {})
        return found

    def record(self, p: Node, o: Node, predicate: Predicate) -> Record:
        texts, tp, verb, mine = predicate
        of = self.terms.by_id.get(id(o)) or self.terms.texts(o)
        if verb == b"a":
            if type(o) is Literal:
                raise Unchecked(of[0])  # a literal class: written apart by Oxigraph
            self.classes.add(of[0])
        known = self.known
        found = None if known is None else known.get((texts, of))
        if found is None:
            found = (tp + b" " + of[1], verb + b" " + of[2], of[2], verb)
            if self.nodes is not None:
                try:
                    found += self.nodes.member(p, o)
                except Unsupported:
                    self.nodes = None  # the JSON-LD goes the long way
            if known is not None and len(found) == self.width:
                known[texts, of] = found
        mine[id(o)] = found
        return found


def _written(
    graph: Graph, name: str, blank: bool, turtle: Terms, nodes: Nodes | None, known: Known
) -> Written:
    """The triples subject after subject: a subject's text, then a space, begins each
    of its lines, and no subject's text and space begin another's (a term holds no
    space), so the lines are those of the subjects sorted, each one's sorted (UTF-8
    keeps the order of the code points).

    No two lines are alike: a graph's triples are distinct terms (rdflib's
    equality), and distinct terms of the kinds written here are written apart
    (``<iri>``, ``_:label``, a literal's escaped text with its language or
    datatype); terms equal for rdflib (``"a"@FR``, ``"a"@fr``) are one triple."""
    state = _Pass(blank, turtle, nodes, known)
    by_id, texts, predicates = state.terms.by_id, state.terms.texts, state.predicates
    tail = f" <{name}> .\n".encode()
    subjects: list[tuple[bytes, bytes, bytes]] = []
    entities: set[str] = set()
    json_nodes: list[tuple[bytes, bytes]] = []
    count = 0
    for s, by_predicate in by_subject(graph):
        text, ts, subject = by_id.get(id(s)) or texts(s, False)
        kind = type(s)
        if kind is Literal:
            raise Unchecked(text)
        mine: list[Record] = []
        add = mine.append
        groups = 0
        for p, objects in by_predicate:
            if not objects:
                continue  # (left by a removal)
            groups += 1
            predicate = predicates.get(id(p)) or state.predicate(p)
            records = predicate[3]
            for o in objects:
                add(records.get(id(o)) or state.record(p, o, predicate))
        if not mine:
            continue
        n = len(mine)
        count += n
        head = ts + b" "
        if n == 1:
            lines = head + mine[0][0] + tail
            statement = subject + b" " + mine[0][1] + b" .\n"
        else:
            mine.sort(key=_FIRST)
            lines = head + (tail + head).join(map(_FIRST, mine)) + tail
            if groups == n:  # one object a predicate
                statement = subject + b" " + b" ;\n\t".join(map(_SECOND, mine)) + b" .\n"
            else:
                statement = _statement(subject, mine)
        subjects.append((ts, lines, statement))
        if kind is URIRef:
            entities.add(text[1:-1])
        if state.nodes is not None:
            try:
                json_nodes.append(state.nodes.node(s, mine))
            except Unsupported:
                state.nodes = None
    subjects.sort(key=_FIRST)
    return Written(
        [lines for _, lines, _ in subjects],
        [statement for _, _, statement in subjects],
        None if state.nodes is None else ordered(json_nodes),
        graph,
        count,
        entities,
        state.properties,
        state.classes,
    )


_FIRST, _SECOND = itemgetter(0), itemgetter(1)


def _statement(subject: bytes, records: list[Record]) -> bytes:
    """A subject's Turtle statement when a predicate has several objects (as ``oxttl``
    writes it: `` ;`` and a tab before each next predicate, `` , `` between objects)."""
    out = [subject + b" " + records[0][1]]
    previous = records[0][3]
    for r in records[1:]:
        if r[3] == previous:
            out.append(b" , " + r[2])
        else:
            out.append(b" ;\n\t" + r[1])
            previous = r[3]
    out.append(b" .\n")
    return b"".join(out)


def written(
    graph: Graph,
    name: str,
    turtle: Terms,
    compactor: Compactor | None = None,
    known: Known | None = None,
) -> Written:
    """The graph's N-Quads lines as the graph ``name`` (those of
    ``app.rdf.ntriples.sorted_ntriples``), checked as Oxigraph's strict parser would
    check them, its Turtle statements (terms as ``turtle`` writes them), its JSON-LD
    nodes compacted by ``compactor`` when given (and written that way), and the
    graph they are of: ``graph``, or its canonical copy when it has blank nodes
    (its JSON-LD then goes the long way). Texts made for earlier graphs are taken
    from ``known`` (for these prefixes and this compactor's context) and kept there.
    Raises :class:`Unchecked` (see the module)."""
    known = Known() if known is None else known
    try:
        nodes = None if compactor is None else Nodes(compactor)
    except Unsupported:
        nodes = None
    try:
        return _written(graph, name, False, turtle, nodes, known)
    except Blank:
        return _written(canonical(graph), name, True, turtle, None, known)
