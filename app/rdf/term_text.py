"""Each term of a graph written once as the dumps write it, and checked once as Oxigraph reads it.

The dumps hold rdflib's N-Triples text of each term (``n3``, ``_quoteLiteral``)
and Oxigraph's Turtle text of it (``app.rdf.turtle_text``), and the build
used to have Oxigraph parse the N-Quads back strictly, checking the same IRIs
at each of their ≈ 19 000 occurrences in a contract. Here each distinct term
is written once, both texts UTF-8 encoded (the files are assembled from these
bytes: encoding a contract's whole text again, mostly Latin-1 with accents,
was ≈ 3 ms), and checked once as the strict parser checks it (an IRI by
``NamedNode``, a blank node label by ``BlankNode``, a language tag by
``Literal``: the same functions).

Anything it cannot vouch for (a term of another kind, one Oxigraph refuses, a
character ``str.splitlines`` breaks a line at, text UTF-8 cannot encode, a
datatype Oxigraph reads its own way) raises :class:`Unchecked`: the graph then
goes the strict way, which fails or succeeds as it always did.
"""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.plugins.serializers.nt import _quoteLiteral
from rdflib.term import Node

from app.rdf.turtle_text import Terms

# Read by Oxigraph as something else than the literal rdflib holds.
_OWN_WAY = frozenset(
    f"http://www.w3.org/1999/02/22-rdf-syntax-ns#{name}" for name in ("langString", "dirLangString")
)

# A run of unreserved characters (RFC 3987). An IRI Oxigraph accepts, cut after a "/",
# is at a point of its grammar where any such run may follow: in its path (a segment),
# its query or fragment, or its authority (the host); Oxigraph's parser reads an IRI
# from left to right. So an IRI that is an accepted IRI's head up to its last "/" and
# such a run is accepted too (a contract's IRIs share a few heads: its elements', its
# tags'), without Oxigraph's parse (≈ 1.7 µs).
_UNRESERVED = re.compile(r"[A-Za-z0-9._~-]+").fullmatch

# A term's N-Triples text, and its N-Triples and Turtle texts as UTF-8.
Texts = tuple[str, bytes, bytes]


class Unchecked(Exception):
    """A graph the one pass leaves to the strict way (see the module's docstring)."""


class Blank(Exception):
    """A blank node in a graph not yet relabelled by structure."""


class Known:
    """Texts made for earlier graphs of this process, by value: a pool worker writes
    ≈ 400 contracts, and ≈ 40 % of a contract's distinct terms (its predicates,
    classes, themes, methods, labels…) and ≈ 55 % of its (predicate, object) pairs
    are in others too. For one set of Turtle prefixes and one JSON-LD context (the
    records hold the pairs' members); emptied when it holds more than :attr:`LIMIT`
    entries (a contract adds ≈ 1 200: its own IRIs, its own labels)."""

    LIMIT = 30_000

    def __init__(self) -> None:
        self.iris: dict[str, Texts] = {}
        self.literals: dict[tuple[str, str | None, URIRef | None], Texts] = {}
        # (predicate's, object's Texts) → the pair's record (``app.rdf.triples_text``),
        # with its JSON-LD member or without (a graph written without JSON-LD).
        self.records: tuple[dict[tuple[Texts, Texts], Any], ...] = ({}, {})

    def bound(self) -> None:
        if len(self.iris) + len(self.literals) + sum(map(len, self.records)) > self.LIMIT:
            self.iris.clear()
            self.literals.clear()
            for records in self.records:
                records.clear()


class TermTexts:
    """Each term's texts, made and checked once: keyed by the term object's id (the
    graph holds every term while this lives; rdflib terms compare, and literals hash,
    in Python), then by its value in ``known`` (what determines both texts and every
    check: an IRI's string; a literal's lexical form, language as written and
    datatype), then by its text: terms written alike are checked once."""

    def __init__(self, blank: bool, turtle: Terms, known: Known | None = None) -> None:
        self.blank = blank  # blank nodes allowed (the graph is canonical)
        self.turtle = turtle
        self.known = Known() if known is None else known
        self.by_id: dict[int, Texts] = {}
        self.checked: set[str] = set()  # IRIs, blank node labels, "@" + languages
        self.heads: set[str] = set()  # IRIs accepted, up to their last "/" (:data:`_UNRESERVED`)

    def texts(self, term: Node, keep: bool = True) -> Texts:
        """The term's texts (:data:`Texts`), kept in ``known`` if ``keep`` (a subject's
        are not: most subjects are the contract's own, never seen again)."""
        kind = type(term)
        key: Any
        if kind is URIRef:
            key, known = str(term), self.known.iris
        elif kind is Literal:
            key = (str(term), term.language, term.datatype)  # type: ignore[attr-defined]
            known = self.known.literals  # type: ignore[assignment]
        else:
            found = self.by_id[id(term)] = self._made(term)
            return found
        made = known.get(key)
        if made is None:
            made = self._made(term)
            if keep:
                known[key] = made
        self.by_id[id(term)] = made
        return made

    def _made(self, term: Node) -> Texts:
        kind = type(term)
        if kind is URIRef:
            value = str(term)
            text, turtle = self.iri(value), self.turtle.iri(value)
        elif kind is Literal:
            text, turtle = self.literal(term)  # type: ignore[arg-type]
        elif kind is BNode:
            if not self.blank:
                raise Blank
            label = str(term)
            if label not in self.checked:
                self.check(ox.BlankNode, label)
                if label[-1].isspace():  # (the strict way strips it before the graph name)
                    raise Unchecked(label)
            text = turtle = f"_:{label}"
        else:
            raise Unchecked(kind.__name__)
        if (kind is not URIRef or not text.isascii()) and not text.isprintable():
            # (an ASCII IRI Oxigraph reads holds no control character)
            if len(text.splitlines()) != 1:
                raise Unchecked(text)  # rdflib's text breaks the line there
        try:
            return text, text.encode(), turtle.encode()
        except UnicodeEncodeError as e:  # (a lone surrogate: the strict way raises)
            raise Unchecked(text) from e

    def iri(self, iri: str) -> str:
        if iri not in self.checked:
            cut = iri.rfind("/") + 1
            if not (cut and _UNRESERVED(iri, cut) and iri[:cut] in self.heads):
                self.check(ox.NamedNode, iri)
                if cut:
                    self.heads.add(iri[:cut])
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
