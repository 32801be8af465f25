"""A contract's graph written once: its N-Triples lines, its Turtle statements, its sizes.

The build wrote each contract's lines with rdflib's terms (``app.rdf.ntriples``),
then Oxigraph parsed them back strictly (≈ 16 ms a contract, most of it
checking again the same IRIs at each of their ≈ 19 000 occurrences) to write
the TriG blocks and the Turtle file, and the VoID sizes were counted on the
parsed quads (each accessor a new Python object). Here each distinct term is
written once — its N-Triples text (rdflib's: ``n3``, ``_quoteLiteral``) and its
Turtle text (Oxigraph's: ``app.rdf.turtle_text``) — and checked once as the
strict parser checks it (an IRI by ``NamedNode``, a blank node label by
``BlankNode``, a language tag by ``Literal``: the same functions); the lines,
the statements and the sizes come from the same pass.

Anything it cannot vouch for (a term of another kind, one Oxigraph refuses, a
character ``str.splitlines`` breaks a line at, a literal class, a datatype
Oxigraph reads its own way) raises :class:`Unchecked`: the graph then goes the
strict way, which fails or succeeds as it always did.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.serializers.nt import _quoteLiteral
from rdflib.term import Node

from app.rdf.memory_graph import by_subject
from app.rdf.ntriples import canonical
from app.rdf.turtle_text import Rows, Terms

_RDF_TYPE = f"<{RDF.type}>"
# Read by Oxigraph as something else than the literal rdflib holds.
_OWN_WAY = frozenset(
    f"http://www.w3.org/1999/02/22-rdf-syntax-ns#{name}" for name in ("langString", "dirLangString")
)


class Unchecked(Exception):
    """A graph :func:`written` leaves to the strict way (see the module's docstring)."""


class _Blank(Exception):
    """A blank node in a graph not yet relabelled by structure."""


@dataclass
class Written:
    """A graph's triples, sorted and distinct, each as its N-Triples line without its
    final `` .`` (the lines sort alike: after a whole term, the line that goes on has
    a character above the space there, its ``@``, ``^^`` or the rest of a label); its
    Turtle statements in that order; what VoID counts of it: its IRI subjects and
    predicates (the IRIs), its classes (the objects of ``rdf:type``, written as
    Oxigraph writes them: ``<iri>`` or ``_:label``)."""

    triples: list[str]
    rows: Rows
    entities: set[str]
    properties: set[str]
    classes: set[str]

    @property
    def lines(self) -> list[str]:
        """The N-Triples lines (``app.rdf.ntriples.sorted_ntriples``'s)."""
        return [f"{t} ." for t in self.triples]


class _Terms:
    """Each term's texts, made and checked once. Keyed by the term object's id (the
    graph holds every term while this lives; rdflib terms compare, and literals hash,
    in Python), then by its text: terms written alike are checked once."""

    def __init__(self, blank: bool, turtle: Terms) -> None:
        self.blank = blank  # blank nodes allowed (the graph is canonical)
        self.turtle = turtle
        self.by_id: dict[int, str] = {}  # N-Triples
        self.turtle_by_id: dict[int, str] = {}
        self.checked: set[str] = set()  # IRIs, blank node labels, "@" + languages

    def text(self, term: Node) -> str:
        """The term's N-Triples text (its Turtle text kept beside)."""
        kind = type(term)
        if kind is URIRef:
            value = str(term)
            text, turtle = self.iri(value), self.turtle.iri(value)
        elif kind is Literal:
            text, turtle = self.literal(term)  # type: ignore[arg-type]
        elif kind is BNode:
            if not self.blank:
                raise _Blank
            label = str(term)
            if label not in self.checked:
                self.check(ox.BlankNode, label)
                if label[-1].isspace():  # (the strict way strips it before the graph name)
                    raise Unchecked(label)
            text = turtle = f"_:{label}"
        else:
            raise Unchecked(kind.__name__)
        if not text.isprintable() and len(text.splitlines()) != 1:
            raise Unchecked(text)  # rdflib's text breaks the line there
        self.by_id[id(term)] = text
        self.turtle_by_id[id(term)] = turtle
        return text

    def iri(self, iri: str) -> str:
        if iri not in self.checked:
            self.check(ox.NamedNode, iri)
        return f"<{iri}>"

    def literal(self, literal: Literal) -> tuple[str, str]:
        text = _quoteLiteral(literal)
        language, datatype = literal.language, literal.datatype
        if language is not None and "@" + language not in self.checked:
            try:
                ox.Literal("", language=language)
            except ValueError as e:
                raise Unchecked(language) from e
            self.checked.add("@" + language)
        if datatype is not None:
            if str(datatype) in _OWN_WAY:
                raise Unchecked(str(datatype))
            self.iri(str(datatype))
        dt = None if datatype is None else str(datatype)
        return text, self.turtle.literal(str(literal), dt, language)

    def check(self, kind: type, value: str) -> None:
        try:
            kind(value)
        except ValueError as e:
            raise Unchecked(value) from e
        self.checked.add(value)


def _written(graph: Graph, blank: bool, turtle: Terms) -> Written:
    """The triples subject after subject: a subject's text, then a space, begins each
    of its lines, and no subject's text and space begin another's (a term holds no
    space), so the lines are those of the subjects sorted, each one's sorted.

    No two lines are alike: a graph's triples are distinct terms (rdflib's
    equality), and distinct terms of the kinds written here are written apart
    (``<iri>``, ``_:label``, a literal's escaped text with its language or
    datatype); terms equal for rdflib (``"a"@FR``, ``"a"@fr``) are one triple."""
    terms = _Terms(blank, turtle)
    get, text, turtle_of = terms.by_id.get, terms.text, terms.turtle_by_id.__getitem__
    subjects: list[tuple[str, str, list[tuple[str, str, str]]]] = []
    entities: set[str] = set()
    properties: set[str] = set()
    classes: set[str] = set()
    for s, by_predicate in by_subject(graph):
        ts = get(id(s)) or text(s)
        if type(s) is Literal:
            raise Unchecked(ts)
        mine: list[tuple[str, str, str]] = []
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
                    add((f"{ts} {tp} {to}", "a", turtle_of(id(o))))
            else:
                verb = turtle_of(id(p))
                for o in objects:
                    to = get(id(o)) or text(o)
                    add((f"{ts} {tp} {to}", verb, turtle_of(id(o))))
            properties.add(tp)
        if mine:
            mine.sort(key=_first)
            subjects.append((ts, turtle_of(id(s)), mine))
            if type(s) is URIRef:
                entities.add(ts)
    subjects.sort(key=_first)
    out = [line for _, _, mine in subjects for line, _, _ in mine]
    rows = [(subject, mine) for _, subject, mine in subjects]
    return Written(out, rows, {t[1:-1] for t in entities}, {t[1:-1] for t in properties}, classes)


_first = itemgetter(0)


def written(graph: Graph, turtle: Terms) -> tuple[Written, Graph]:
    """The graph's lines (those of ``app.rdf.ntriples.sorted_ntriples``), checked as
    Oxigraph's strict parser would check them, its Turtle statements (terms as
    ``turtle`` writes them), and the graph they are of: ``graph``, or its canonical
    copy when it has blank nodes. Raises :class:`Unchecked` (see the module)."""
    try:
        return _written(graph, False, turtle), graph
    except _Blank:
        graph = canonical(graph)
        return _written(graph, True, turtle), graph
