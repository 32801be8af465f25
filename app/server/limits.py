"""Limits checked before anything reaches the engine, each with its own message.

Why before: pyoxigraph parses a query recursively and plans it in time that
grows fast with nesting. Measured on the seed build (pyoxigraph 0.5): 3,000
nested groups overflow the worker's stack (it dies, exit 139); nested
collections ``( ( … ) )`` cost 0.07 s at depth 32, 1.1 s at 100 and 9 s at
200; nested blank nodes ``[ :p [ :p … ] ]`` 0.04 s at 64, 5 s at 400. So the
nesting of ``{ ( [`` is counted on the lexed text (brackets inside strings,
IRIs and comments do not count) and refused past ``CVKG_MAX_QUERY_DEPTH``;
the text's size past ``CVKG_MAX_QUERY_BYTES``. What stays expensive within
those limits costs its client's query time (``fair_share``) and is stopped at
``CVKG_QUERY_TIMEOUT``.

Uploaded RDF/XML may declare XML entities in a DOCTYPE, which the parser
expands: 700 bytes became a 10 MB literal. No RDF needs them to say anything
(they abbreviate namespaces), so an RDF/XML document declaring entities is
refused. Uploaded JSON-LD is parsed recursively too: 5,000 nested objects
overflowed the stack of the thread parsing them and killed the server
(SIGSEGV), so a JSON document nested deeper than Python's own JSON reader
goes (≈ 1,000 levels; JSON-LD documents use a handful) is refused.

>>> nesting_depth('SELECT * { ?s ?p "{{{{" . { ?s ?p ( 1 2 ) } } # {{{')
3
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from app.server import analysis, errors

_OPEN = frozenset("{(["), frozenset("})]")


def nesting_depth(text: str, stop_at: int | None = None) -> int:
    """The deepest nesting of ``{``, ``(`` and ``[`` in the query's code."""
    opening, closing = _OPEN
    depth = deepest = 0
    for token in analysis.tokens(text):
        if token.kind != "other":
            continue
        if token.text in opening:
            depth += 1
            if depth > deepest:
                deepest = depth
                if stop_at is not None and deepest > stop_at:
                    return deepest
        elif token.text in closing:
            depth -= 1
    return deepest


def check_query(text: str, *, max_bytes: int, max_depth: int) -> None:
    """400 for a query (or update) text over the size or nesting limits."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise errors.bad_request(
            f"Requête trop longue : {size} octets, au plus {max_bytes} (CVKG_MAX_QUERY_BYTES)."
        )
    # No text nests deeper than it has opening brackets: most need no lexing.
    openings = text.count("{") + text.count("(") + text.count("[")
    if openings > max_depth and nesting_depth(text, stop_at=max_depth) > max_depth:
        raise errors.bad_request(
            f"Requête trop imbriquée : plus de {max_depth} niveaux de {{ }}, ( ) ou [ ] "
            "(CVKG_MAX_QUERY_DEPTH). Aplatissez les groupes imbriqués."
        )


def declares_entities(data: bytes) -> bool:
    """Whether an XML document declares entities (``<!ENTITY`` can appear nowhere else
    unescaped, CDATA aside).

    >>> declares_entities(b'<?xml version="1.0"?><!DOCTYPE r [<!entity a "b">]><r>&a;</r>')
    True
    >>> declares_entities(b'<rdf:RDF><rdf:Description rdf:about="x"/></rdf:RDF>')
    False
    """
    return b"<!entity" in data.lower()


def check_rdf_xml(data: bytes) -> None:
    """400 for an RDF/XML document that declares XML entities (no expansion bombs)."""
    if declares_entities(data):
        raise errors.bad_request(
            "RDF/XML refusé : il déclare des entités XML (<!DOCTYPE … [<!ENTITY …>]>), que ce "
            "serveur ne développe pas. Écrivez les IRI en entier ou utilisez Turtle."
        )


def check_json_ld(data: bytes) -> None:
    """400 for a JSON document nested deeper than Python's JSON reader reads (stack-safe
    for pyoxigraph's parser); a syntax error is left for the RDF parser to report."""
    try:
        json.loads(data)
    except RecursionError:
        raise errors.bad_request(
            "JSON-LD refusé : objets ou listes imbriqués trop profondément (plus de "
            "≈ 1 000 niveaux), au-delà de ce que son analyse peut lire sans danger."
        ) from None
    except ValueError:
        pass


def query_string(raw: bytes) -> list[tuple[str, str]]:
    """The URL's parameters, decoded as UTF-8 strictly (400 otherwise), like a POST form.

    >>> query_string(b"query=ASK%20%7B%7D&x=%C3%A9")
    [('query', 'ASK {}'), ('x', 'é')]
    """
    try:
        text = raw.decode("ascii")
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise errors.bad_request(
            "Paramètres d'URL invalides : UTF-8 encodé en pour-cent attendu (%FF n'en est pas)."
        ) from None
