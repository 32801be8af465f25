"""A graph's N-Triples lines for the dumps: rdflib's text, each term written and checked once.

The dumps hold each graph's triples as sorted, distinct N-Triples lines, as
rdflib's serializer writes them (``Graph.serialize(format="nt")``), blank nodes
labelled by structure (:func:`canonical`); Oxigraph reads them back to write
the TriG dump and the Turtle files (``app/dump_parts.py``). Two ways:

- :func:`sorted_ntriples`, for any graph: the lines, read back by Oxigraph's
  strict parser, which checks every IRI and language tag of every line.
- :func:`written`, for a contract's graphs: the same lines, each distinct term
  written once and checked once the way the strict parser checks it (an IRI by
  ``NamedNode``, a blank node label by ``BlankNode``, a language tag by
  ``Literal``), with the VoID sizes of the graph (``app/build_statistics.py``)
  read on the way. Oxigraph can then read the lines without checking each
  occurrence again (``lenient``): for a contract's ≈ 4 700 lines and 19 000
  IRIs, 4.6 ms instead of 16. Anything it cannot vouch for that way (a term of
  another kind, one Oxigraph refuses, a character ``str.splitlines`` breaks a
  line at) raises :class:`Unchecked`: the graph then goes the first way, which
  fails or succeeds as it always did.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import RDF
from rdflib.plugins.serializers.nt import _quoteLiteral
from rdflib.term import Node

from app.rdf.memory_graph import by_subject, triples

_RDF_TYPE = f"<{RDF.type}>"


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


class Unchecked(Exception):
    """A graph :func:`written` leaves to the strict way (see the module's docstring)."""


class _Blank(Exception):
    """A blank node in a graph not yet relabelled by structure."""


@dataclass
class Written:
    """A graph's triples, sorted and distinct, each as its N-Triples line without its
    final `` .`` (the lines sort alike: after a whole term, the line that goes on has
    a character above the space there, its ``@``, ``^^`` or the rest of a label);
    what VoID counts of them: its IRI subjects and predicates (the IRIs), its classes
    (the objects of ``rdf:type``, written as Oxigraph writes them: ``<iri>`` or
    ``_:label``)."""

    triples: list[str]
    entities: set[str]
    properties: set[str]
    classes: set[str]

    @property
    def lines(self) -> list[str]:
        """The N-Triples lines (:func:`sorted_ntriples`'s)."""
        return [f"{t} ." for t in self.triples]


class _Terms:
    """Each term's text, written and checked once. Keyed by the term object's id (the
    graph holds every term while this lives; rdflib terms compare, and literals hash,
    in Python), then by its text: terms written alike are checked once."""

    def __init__(self, blank: bool) -> None:
        self.blank = blank  # blank nodes allowed (the graph is canonical)
        self.by_id: dict[int, str] = {}
        self.checked: set[str] = set()  # IRIs, blank node labels, languages

    def text(self, term: Node) -> str:
        kind = type(term)
        if kind is URIRef:
            text = self.iri(str(term))
        elif kind is Literal:
            text = self.literal(term)  # type: ignore[arg-type]
        elif kind is BNode:
            if not self.blank:
                raise _Blank
            label = str(term)
            if label not in self.checked:
                self.check(ox.BlankNode, label)
                if label[-1].isspace():  # (the strict way strips it before the graph name)
                    raise Unchecked(label)
            text = f"_:{label}"
        else:
            raise Unchecked(kind.__name__)
        if not text.isprintable() and len(text.splitlines()) != 1:
            raise Unchecked(text)  # rdflib's text breaks the line there
        self.by_id[id(term)] = text
        return text

    def iri(self, iri: str) -> str:
        if iri not in self.checked:
            self.check(ox.NamedNode, iri)
        return f"<{iri}>"

    def literal(self, literal: Literal) -> str:
        text = _quoteLiteral(literal)
        language, datatype = literal.language, literal.datatype
        if language is not None and "@" + language not in self.checked:
            try:
                ox.Literal("", language=language)
            except ValueError as e:
                raise Unchecked(language) from e
            self.checked.add("@" + language)
        if datatype is not None:
            self.iri(str(datatype))
        return text

    def check(self, kind: type, value: str) -> None:
        try:
            kind(value)
        except ValueError as e:
            raise Unchecked(value) from e
        self.checked.add(value)


def _written(graph: Graph, blank: bool) -> Written:
    """The triples subject after subject: a subject's text, then a space, begins each
    of its lines, and no subject's text and space begin another's (a term holds no
    space), so the lines are those of the subjects sorted, each one's sorted.

    No two lines are alike: a graph's triples are distinct terms (rdflib's
    equality), and distinct terms of the kinds written here are written apart
    (``<iri>``, ``_:label``, a literal's escaped text with its language or
    datatype); terms equal for rdflib (``"a"@FR``, ``"a"@fr``) are one triple."""
    terms = _Terms(blank)
    get, text = terms.by_id.get, terms.text
    subjects: list[tuple[str, list[str]]] = []
    entities: set[str] = set()
    properties: set[str] = set()
    classes: set[str] = set()
    for s, by_predicate in by_subject(graph):
        ts = get(id(s)) or text(s)
        if type(s) is Literal:
            raise Unchecked(ts)
        mine: list[str] = []
        add = mine.append
        for p, objects in by_predicate:
            if not objects:
                continue
            if type(p) is not URIRef:
                raise Unchecked(str(p))
            tp = get(id(p)) or text(p)
            if tp == _RDF_TYPE:
                for o in objects:
                    if type(o) is Literal:
                        raise Unchecked(str(o))  # a literal class: written apart by Oxigraph
                    to = get(id(o)) or text(o)
                    classes.add(to)
                    add(f"{ts} {tp} {to}")
            else:
                for o in objects:
                    add(f"{ts} {tp} {get(id(o)) or text(o)}")
            properties.add(tp)
        if mine:
            mine.sort()
            subjects.append((ts, mine))
            if type(s) is URIRef:
                entities.add(ts)
    subjects.sort(key=_first)
    out: list[str] = []
    for _, mine in subjects:
        out += mine
    return Written(out, {t[1:-1] for t in entities}, {t[1:-1] for t in properties}, classes)


_first = itemgetter(0)


def written(graph: Graph) -> tuple[Written, Graph]:
    """The graph's lines (those of :func:`sorted_ntriples`), checked as Oxigraph's strict
    parser would check them, and the graph they are of: ``graph``, or its canonical
    copy when it has blank nodes. Raises :class:`Unchecked` (see the module)."""
    try:
        return _written(graph, blank=False), graph
    except _Blank:
        graph = canonical(graph)
        return _written(graph, blank=True), graph
