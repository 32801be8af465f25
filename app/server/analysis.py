"""A lexical look at SPARQL text, done before anything reaches the store.

pyoxigraph offers no parse-only call from Python, and executing a query just to
inspect it would already follow ``SERVICE`` — a server-side request forgery
hole. So the server lexes the text itself, the way a SPARQL lexer does:
comments, IRIs, strings, variables, blank nodes, language tags and the local
part of prefixed names are set aside; what is left is the *code*, where
keywords live.

Oxigraph's parser (a PEG) matches keywords without a word boundary
(``SERVICEs:x`` is ``SERVICE s:x`` to it), so keyword checks here are
deliberately coarse: any occurrence of ``service`` in the code, or in the
prefix of a prefixed name, refuses the request. The only false positives are
prefixes such as ``myservice:``; no valid query slips through.

>>> uses_service('SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }')
True
>>> uses_service('SELECT * { ?service <http://ex.org/SERVICE> "SERVICE" } # SERVICE')
False
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff"
    "\u200c-\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
    "\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"

# Order matters: the first alternative that matches at a position wins, as in
# the SPARQL grammar's terminals. Hidden kinds are those whose text can never
# be a keyword.
#
# ``plain`` and ``run`` keep lexing linear. Without them, in a run of name
# characters and dots or hyphens that no ``:`` ends (``a.a.a.a…``), the
# prefixed-name pattern scanned the rest of the run from every word of it:
# 40 kB of query text held the server's event loop for 13 s. A whole run is now
# read once; when it cannot start a prefixed name it is split (``_IN_RUN``)
# into the very words and single characters it was lexed into before.
_TOKEN = re.compile(
    rf"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{{4}}|\\U[0-9A-Fa-f]{{8}})*>)
  | (?P<string>\"\"\"(?:(?:\"|\"\")?(?:[^"\\]|\\.))*\"\"\"
              |'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
              |"(?:[^"\\\r\n]|\\.)*"
              |'(?:[^'\\\r\n]|\\.)*')
  | (?P<var>[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)
  | (?P<bnode>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)
  | (?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
  | (?P<plain>[A-Za-z_][A-Za-z0-9_]*+)(?![{_PN_CHARS}.:])
  | (?P<run>[{_PN_CHARS_BASE}][{_PN_CHARS}.]*+(?:(?!:)|(?<=\.)))
  | (?P<pname>(?:[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)?:
              (?:(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>\\.|.)
    """,
    re.VERBOSE | re.DOTALL,
)

_IN_RUN = re.compile(r"(?P<word>[A-Za-z_][A-Za-z0-9_]*)|(?P<other>.)", re.DOTALL)

_HIDDEN = frozenset({"ws", "comment", "iri", "string", "var", "bnode", "langtag"})
_FORMS = ("select", "construct", "describe", "ask")


class Token(NamedTuple):
    """One lexical token. A named tuple, not a frozen dataclass: every request's
    text is lexed, and building a frozen dataclass per token cost 1.5 µs (half
    of lexing a 465-character query, 0.25 ms; measured)."""

    kind: str
    text: str
    start: int


_CACHED_TEXT = 4_096  # longer texts are lexed each time: a cache of them could hold GBs


def tokens(text: str) -> tuple[Token, ...]:
    """Every lexical token of ``text``, whitespace included.

    Cached for texts up to 4 kB (at most ~60 MB in all): the same queries come back often (the
    editor's examples, notebook loops), and lexing costs about 0.1 ms per
    kilobyte; a cache of large client texts would be a memory hole.

    >>> [t.kind for t in tokens('ASK { <a> ?p "x"@fr }')]
    ['word', 'ws', 'other', 'ws', 'iri', 'ws', 'var', 'ws', 'string', 'langtag', 'ws', 'other']
    """
    if len(text) <= _CACHED_TEXT:
        return _cached_tokens(text)
    return _lex(text)


@lru_cache(maxsize=128)
def _cached_tokens(text: str) -> tuple[Token, ...]:
    return _lex(text)


def _lex(text: str) -> tuple[Token, ...]:
    # tuple.__new__ directly: a named tuple's own __new__ is a Python function
    # (≈ 20 % of lexing a 1.3 kB query; measured).
    new = tuple.__new__
    return tuple([new(Token, fields) for fields in _scan(text)])


def _scan(text: str) -> Iterator[tuple[str, str, int]]:
    """Each token's kind, text and start, as they are read (runs split, module comment)."""
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "run":
            start = m.start()
            for part in _IN_RUN.finditer(m.group()):
                yield part.lastgroup or "other", part.group(), start + part.start()
        else:
            yield "word" if kind == "plain" else kind or "other", m.group(), m.start()


def mentions(text: str, *words: str) -> bool:
    """Whether one of ``words`` (lower case letters) occurs anywhere in ``text``, in
    any case: the cheap test that lets most queries skip the lexer.

    Sound as a test of absence: ``code`` is made of the text's own tokens,
    lowered, with separators (spaces, ``: ``) between the pieces it rewrites,
    so a run of letters in the code is a lowered run of the text. A word absent
    from the lowered text is absent from the code; only a word present needs
    the lexer to tell code from strings, IRIs and comments. Lexing every
    request's text cost ≈ 0.08 ms of the server's 0.8 ms of CPU on one
    contract's tree (docs/sparql-endpoint.md « Speed »).

    >>> mentions('SELECT * { ?s <http://ex.org/Service> ?o }', "service")
    True
    >>> mentions('SELECT * { ?s ?p ?o }', "service", "from")
    False
    """
    lowered = text.lower()
    return any(word in lowered for word in words)


def code(text: str) -> str:
    """The query's code in lower case, strings, IRIs, comments and variables blanked.

    >>> code('SELECT ?now { <now> ?p "NOW()" } # now()').split()
    ['select', '{', '}']
    """
    return _code(text)


def _code(text: str) -> str:
    if len(text) <= _CACHED_TEXT:
        return _cached_code(text)
    return _join_code(text)


@lru_cache(maxsize=128)
def _cached_code(text: str) -> str:
    return _join_code(text)


def _join_code(text: str) -> str:
    """The text where keywords may hide: code tokens and prefixes of prefixed names."""
    parts: list[str] = []
    for tok in tokens(text):
        if tok.kind in _HIDDEN:
            parts.append(" ")
        elif tok.kind == "pname":
            parts.append(tok.text.split(":", 1)[0] + ": ")
        else:
            parts.append(tok.text)
    return "".join(parts).lower()


def uses_service(text: str) -> bool:
    """Whether the text may contain a ``SERVICE`` clause (federated query).

    >>> uses_service('SELECT * { SERVICEs:x { ?s ?p ?o } }')
    True
    >>> uses_service('SELECT * { ?s ex:service ?o }')
    False
    """
    return mentions(text, "service") and "service" in _code(text)


def uses_load(text: str) -> bool:
    """Whether an update may contain a ``LOAD`` operation.

    >>> uses_load('LOAD <http://example.org/data.ttl>')
    True
    >>> uses_load('INSERT DATA { <a> <b> "LOAD" }')
    False
    """
    return mentions(text, "load") and "load" in _code(text)


def query_form(text: str) -> str | None:
    """``select``, ``construct``, ``describe`` or ``ask``; ``None`` if unknown.

    A guess used only to refuse early (406) what cannot be served; the store's
    answer decides.

    >>> query_form('PREFIX ask: <http://ex.org/> CONSTRUCT WHERE { ?s ask:p ?o }')
    'construct'
    """
    for kind, token, _start in _scan(text):  # lazily: up to the first keyword, not the whole text
        if kind != "word":
            continue
        word = token.lower()
        for form in _FORMS:
            if word.startswith(form):
                return form
        if word not in ("prefix", "base"):
            return None
    return None


def has_dataset_clause(text: str) -> bool:
    """Whether a query names its own dataset (``FROM`` / ``FROM NAMED``).

    >>> has_dataset_clause('SELECT * FROM <http://ex.org/g> { ?s ?p ?o }')
    True
    """
    return mentions(text, "from") and "from" in _code(text)


def has_with_or_using(text: str) -> bool:
    """Whether an update names its own dataset (``WITH`` / ``USING``)."""
    if not mentions(text, "with", "using"):
        return False
    code = _code(text)
    return "with" in code or "using" in code


def add_using(update: str, default_graphs: list[str], named_graphs: list[str]) -> str:
    """Apply the protocol's ``using-graph-uri``/``using-named-graph-uri`` to an update.

    pyoxigraph's ``Store.update`` takes no dataset, so the clauses are written
    into the text, before the ``WHERE`` of each DELETE/INSERT operation (the only
    ones a dataset applies to).

    >>> add_using('INSERT { ?s a <C> } WHERE { ?s ?p ?o }', ['http://ex.org/g'], [])
    'INSERT { ?s a <C> } USING <http://ex.org/g> WHERE { ?s ?p ?o }'
    """
    clause = " ".join(
        [f"USING <{iri}>" for iri in default_graphs]
        + [f"USING NAMED <{iri}>" for iri in named_graphs]
    )
    out: list[str] = []
    depth = 0
    previous_word = ""
    last = 0
    for tok in tokens(update):
        if tok.kind == "other" and tok.text == "{":
            depth += 1
        elif tok.kind == "other" and tok.text == "}":
            depth -= 1
        elif tok.kind == "word":
            word = tok.text.lower()
            if depth == 0 and word == "where" and previous_word != "delete":
                out.append(update[last : tok.start])
                out.append(clause + " ")
                last = tok.start
            previous_word = word
    out.append(update[last:])
    return "".join(out)
