"""The dataset a query names in its own text (``FROM`` / ``FROM NAMED``), as IRIs.

Needed to give an external engine the dataset the query asks for in the
protocol's own terms (``default-graph-uri`` / ``named-graph-uri``, SPARQL 1.1
Protocol §2.1.4). Oxigraph's server started with ``--union-default-graph`` (as
this mode asks, so that queries naming no dataset read every graph, as the
local store does) keeps that union even when the query says ``FROM <g>``:
measured on 0.5.13, ``SELECT (COUNT(*) AS ?n) FROM <g> { ?s ?p ?o }`` counted
every graph's triples, where the local store counts ``g``'s. A dataset given
by the protocol takes precedence in every engine, and the same IRIs make the
same dataset, so sending them changes nothing where the engine honours
``FROM`` already (Virtuoso).

Read with the server's own lexer (:mod:`app.server.analysis`): the prologue's
``BASE`` and ``PREFIX`` declarations resolve relative IRIs and prefixed names.
A dataset clause can only follow the query form (a sub-select has none), so
every ``FROM`` keyword of the code opens one.

>>> declared('PREFIX g: <http://ex.org/graph/> SELECT * FROM g:a FROM NAMED <b> '
...          '{ ?s ?p ?o }', "http://ex.org/base/")
(['http://ex.org/graph/a'], ['http://ex.org/base/b'])
>>> declared('SELECT * { ?s <http://ex.org/from> "FROM <x>" }', None) is None
True
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from app.server.analysis import Token, mentions, tokens

_SKIPPED = frozenset({"ws", "comment"})
_IRI_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LOCAL_ESCAPE = re.compile(r"\\(.)")  # PN_LOCAL_ESC: the character itself
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def declared(text: str, base: str | None) -> tuple[list[str], list[str]] | None:
    """The default and named graphs of the query's dataset clauses, in order;
    ``None`` when it has none, or one this reading cannot resolve (an
    undeclared prefix: the engine's parser reports it).

    >>> declared('BASE <http://ex.org/> SELECT * FROM <g\\\\u0031> FROM <g2> {}', None)
    (['http://ex.org/g1', 'http://ex.org/g2'], [])
    >>> declared('PREFIX : <http://ex.org/> ASK FROM NAMED :a\\\\/b {}', None)
    ([], ['http://ex.org/a/b'])
    >>> declared('SELECT * FROM x:g {}', None) is None
    True
    """
    if not mentions(text, "from"):
        return None
    code = [t for t in tokens(text) if t.kind not in _SKIPPED]
    prefixes: dict[str, str] = {}
    defaults: list[str] = []
    named: list[str] = []
    for i, tok in enumerate(code):
        word = tok.text.lower() if tok.kind == "word" else ""
        if word == "base" and _kind(code, i + 1) == "iri":
            base = _iri(code[i + 1], base)
        elif word == "prefix" and _kind(code, i + 1) == "pname" and _kind(code, i + 2) == "iri":
            prefixes[code[i + 1].text[:-1]] = _iri(code[i + 2], base)
        elif word == "from":
            is_named = _kind(code, i + 1) == "word" and code[i + 1].text.lower() == "named"
            graph = _term(code, i + 2 if is_named else i + 1, prefixes, base)
            if graph is None:
                return None
            (named if is_named else defaults).append(graph)
    return (defaults, named) if defaults or named else None


def _kind(code: list[Token], i: int) -> str | None:
    return code[i].kind if i < len(code) else None


def _term(code: list[Token], i: int, prefixes: dict[str, str], base: str | None) -> str | None:
    """The IRI written at ``code[i]``: an IRI reference or a prefixed name."""
    kind = _kind(code, i)
    if kind == "iri":
        return _iri(code[i], base)
    if kind == "pname":
        prefix, local = code[i].text.split(":", 1)
        if prefix not in prefixes:
            return None
        return prefixes[prefix] + _LOCAL_ESCAPE.sub(r"\1", local)
    return None


def _iri(tok: Token, base: str | None) -> str:
    """An IRI reference's text, its ``\\u`` escapes decoded, resolved against ``base``."""
    iri = _IRI_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), tok.text[1:-1])
    return urljoin(base, iri) if base and not _ABSOLUTE.match(iri) else iri
