"""Turtle and TriG text of sorted triples, as Oxigraph's serializer writes them.

The build wrote each contract's Turtle file and TriG blocks with Oxigraph's
serializer (``pyoxigraph.serialize``), from quads Oxigraph parsed back from the
N-Quads lines just written: ≈ 15 ms a contract making 4 700 Python objects
twice over. The lines' terms are at hand when they are written
(``app.rdf.triples_text``), so their Turtle text is made there, once a term
(:class:`Terms`), and the statements are laid out as ``oxttl``'s
``LowLevelTriGSerializer`` lays them out (pyoxigraph 0.5; each subject's in
``app.rdf.triples_text``, the file and the blocks here): prefixes tried
longest namespace first, a local name kept when ``escape_local_name`` keeps
it, ``a`` for ``rdf:type``,
booleans and numbers of the Turtle grammar bare, other literals quoted as
``oxrdf``'s ``print_quoted_str`` quotes them, language tags in lower case;
one statement a subject, `` ;`` and a tab before each next predicate, `` , ``
between the objects of one, and in TriG each graph's block indented by a tab.
``tests/build/test_contract_files.py`` compares every rule with Oxigraph's own
serializer, on random terms and on the seeds.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pyoxigraph as ox

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_PLAIN = (f"{_XSD}string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")
_BARE = {
    f"{_XSD}boolean": re.compile(r"true|false"),
    f"{_XSD}integer": re.compile(r"[+-]?[0-9]+"),
    f"{_XSD}decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    f"{_XSD}double": re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)[eE][+-]?[0-9]+"),
}
# print_quoted_str: these escaped by name, other controls as \uXXXX.
_QUOTED = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"'}
_QUOTED |= {0x5C: "\\\\"}
_QUOTED |= {c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F, 0xFFFE, 0xFFFF] if c not in _QUOTED}
_NEEDS_QUOTING = re.compile('[\x00-\x1f"\\\\\x7f\ufffe\uffff]')

# PN_CHARS_BASE, PN_CHARS_U and PN_CHARS of the Turtle grammar ([157s]-[160s]).
_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_CHARS = f"{_BASE}_\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_FIRST_AS_IS = re.compile(f"[{_BASE}_:0-9]")
_NEXT_AS_IS = re.compile(f"[{_CHARS}:]")
_ESCAPABLE = frozenset("_~.-!$&'()*+,;=/?#@%")


def quoted(value: str) -> str:
    """A string between quotes, escaped as ``print_quoted_str`` escapes it."""
    if _NEEDS_QUOTING.search(value) is None:
        return f'"{value}"'
    return f'"{value.translate(_QUOTED)}"'


def _local_name(local: str) -> str | None:
    """``escape_local_name``: the local name as written, or ``None`` if it cannot be."""
    out: list[str] = []
    last = len(local) - 1
    for i, c in enumerate(local):
        if (_FIRST_AS_IS if i == 0 else _NEXT_AS_IS).fullmatch(c) or (c == "." and 0 < i < last):
            out.append(c)
        elif c in _ESCAPABLE:
            out.append("\\" + c)
        else:
            return None
    return "".join(out)


class Terms:
    """Terms as Turtle writes them with ``prefixes`` (name → namespace)."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        # Longest namespace first (two namespaces of one length never both begin an IRI).
        self.prefixes = sorted(prefixes.items(), key=lambda item: -len(item[1]))
        # Whether any namespace begins an IRI, in one call (most of a contract's IRIs
        # are under none: its elements').
        self.under_any = re.compile("|".join(re.escape(ns) for _, ns in self.prefixes)).match
        self.iris: dict[str, str] = {}

    def iri(self, iri: str) -> str:
        found = self.iris.get(iri)
        if found is None:
            found = self.iris[iri] = self._iri(iri)
        return found

    def _iri(self, iri: str) -> str:
        if self.under_any(iri) is None:
            return f"<{iri}>"
        for name, namespace in self.prefixes:
            if iri.startswith(namespace):
                local = iri[len(namespace) :]
                if not local:
                    return f"{name}:"
                written = _local_name(local)
                if written is not None:
                    return f"{name}:{written}"
        return f"<{iri}>"

    def predicate(self, iri: str) -> str:
        return "a" if iri == _RDF_TYPE else self.iri(iri)

    def literal(self, value: str, datatype: str | None, language: str | None) -> str:
        """A literal as Oxigraph parses rdflib's text of it (language in lower case,
        ``xsd:string`` plain) and writes it."""
        if language:
            return f"{quoted(value)}@{language.lower()}"
        if datatype is None or datatype in _PLAIN:
            return quoted(value)
        bare = _BARE.get(datatype)
        if bare is not None and bare.fullmatch(value):
            return value
        return f"{quoted(value)}^^{self.iri(datatype)}"


@lru_cache(maxsize=4)
def prelude(prefixes: tuple[tuple[str, str], ...]) -> str:
    """The ``@prefix`` lines Oxigraph writes first (its order: by decreasing length of
    the namespace, ties as its unstable sort leaves them): read from Oxigraph itself."""
    any_triple = ox.Triple(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.NamedNode("urn:o"))
    text = (
        ox.serialize([any_triple], format=ox.RdfFormat.TURTLE, prefixes=dict(prefixes)) or b""
    ).decode()
    return "".join(line for line in text.splitlines(keepends=True) if line.startswith("@prefix "))


def turtle(statements: list[bytes], prefixes: dict[str, str]) -> bytes:
    """The Turtle file of a graph's statements (``b""`` for none: Oxigraph writes its
    prefixes with the first triple)."""
    if not statements:
        return b""
    return b"".join([prelude(tuple(prefixes.items())).encode(), *statements])


def trig_block(name: str, statements: list[bytes], out: list[bytes | memoryview]) -> None:
    """A named graph's block of TriG (its name written as the terms are): its Turtle
    statements, each line indented by a tab (a statement's line breaks are the only
    ones in its text: a term's Turtle text escapes them or cannot hold them)."""
    if statements:
        indented = b"".join(statements).replace(b"\n", b"\n\t")
        out += (f"{name} {{\n\t".encode(), memoryview(indented)[:-1], b"}\n")
