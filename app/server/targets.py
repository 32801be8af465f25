"""Which graphs a SPARQL update may write, read from its text before it runs.

A write is checked and recorded graph by graph (``app.server.writes``), so the
server must know beforehand which graphs to look at: those named in the
templates of ``INSERT``/``DELETE`` (``GRAPH <g> { … }``), by ``WITH``, by the
graph-management operations (``CLEAR``, ``DROP``, ``CREATE``, ``ADD``, ``MOVE``,
``COPY``), and the default graph. Graphs only read (``GRAPH`` in a ``WHERE``,
``USING``, the source of ``COPY`` and ``ADD``) are not targets: each target is
read whole before the write and may be restored whole after it, so a needless
one costs (the synthèse as a ``COPY`` source: 694,680 triples at 825 contracts).
``ALL``, ``NAMED`` or a variable as template graph may reach any graph: the
answer is then ``None`` (every graph).

>>> sorted(map(str, write_targets('PREFIX e: <http://e/> INSERT DATA { GRAPH e:g { e:a e:b 1 } }')))
['None', 'http://e/g']
>>> write_targets('DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }') is None
True
>>> write_targets('INSERT { <a> <b> <c> } WHERE { GRAPH <http://e/lu> { ?s ?p ?o } }')
{None}
>>> moves = 'COPY GRAPH <http://e/a> TO <http://e/b> ; MOVE <http://e/c> TO <http://e/d>'
>>> sorted(map(str, write_targets(moves)))
['None', 'http://e/b', 'http://e/c', 'http://e/d']
"""

from __future__ import annotations

from urllib.parse import urljoin

from app.server.analysis import Token, tokens

_MANAGEMENT = frozenset({"clear", "drop", "create", "add", "move", "copy"})
_SKIP = frozenset({"ws", "comment"})


class _Names:
    """The ``PREFIX`` and ``BASE`` declared so far in an update, to resolve the graphs it names."""

    def __init__(self, base: str | None) -> None:
        self.base = base
        self.prefixes: dict[str, str] = {}

    def declare(self, toks: list[Token], i: int) -> None:
        """Take the declaration starting at ``toks[i]``, if it is one."""
        text = toks[i].text.lower() if toks[i].kind == "word" else ""
        if text == "prefix" and i + 2 < len(toks):
            self.prefixes[toks[i + 1].text.split(":", 1)[0]] = toks[i + 2].text.strip("<>")
        elif text == "base" and i + 1 < len(toks):
            self.base = urljoin(self.base or "", toks[i + 1].text.strip("<>"))

    def iri(self, tok: Token) -> str | None:
        """The IRI an ``iri`` or ``pname`` token stands for; ``None`` for any other token."""
        if tok.kind == "iri":
            return urljoin(self.base or "", tok.text[1:-1])
        if tok.kind == "pname":
            prefix, _, local = tok.text.partition(":")
            return self.prefixes.get(prefix, "") + local
        return None


def _significant(update: str) -> list[Token]:
    return [t for t in tokens(update) if t.kind not in _SKIP]


def write_targets(update: str, base: str | None = None) -> set[str | None] | None:
    """The graphs ``update`` may change (``None`` inside: the default graph); ``None``: all."""
    toks = _significant(update)
    names = _Names(base)
    targets: set[str | None] = {None}
    depth = 0
    template_depth: int | None = None  # depth of the template block we are in
    pending_template = False
    management = False
    source = False  # in the source of a COPY or an ADD, before its TO
    for i, tok in enumerate(toks):
        text = tok.text.lower()
        names.declare(toks, i)
        if tok.kind == "word":
            if text in ("insert", "delete"):
                pending_template = True
            elif text == "where" and not (i > 0 and toks[i - 1].text.lower() == "delete"):
                pending_template = False
            elif text in _MANAGEMENT:
                management = True
                source = text in ("copy", "add")
            elif text in ("all", "named") and management:
                return None
            elif text == "to":
                source = False
        elif tok.kind == "other" and tok.text == "{":
            depth += 1
            if pending_template and template_depth is None:
                template_depth = depth
            pending_template = False
        elif tok.kind == "other" and tok.text == "}":
            if template_depth == depth:
                template_depth = None
            depth -= 1
        elif tok.kind == "other" and tok.text == ";":
            management = source = False
        previous = toks[i - 1].text.lower() if i else ""
        names_graph = previous in ("with", "to", "graph") and (
            previous != "graph" or template_depth is not None or management
        )
        if previous in _MANAGEMENT | {"silent"} and tok.kind in ("iri", "pname"):
            names_graph = True
        if not names_graph or source:
            continue
        if tok.kind == "var":
            return None
        iri = names.iri(tok)
        if iri is not None:
            targets.add(iri)
    return targets


_NAMING = _MANAGEMENT | {"graph", "using", "named", "with", "from", "to", "into", "silent"}


def graphs_read(update: str, base: str | None) -> set[str] | None:
    """The graphs an update's text names (``GRAPH``, ``USING``, ``WITH``…); ``None``: any graph.

    What a write on a copy must fetch first (``app.server.remote_writes``): the
    graphs it changes and those it reads.

    >>> sorted(graphs_read('INSERT { GRAPH <http://e/a> { ?s ?p 1 } } '
    ...                    'WHERE { GRAPH <http://e/b> { ?s ?p ?o } }', None))
    ['http://e/a', 'http://e/b']
    >>> graphs_read('DELETE WHERE { GRAPH ?g { ?s ?p ?o } }', None) is None
    True
    """
    toks = _significant(update)
    names = _Names(base)
    found: set[str] = set()
    for i, tok in enumerate(toks):
        previous = toks[i - 1].text.lower() if i else ""
        names.declare(toks, i)
        if previous not in _NAMING:
            continue
        if tok.kind == "var" and previous == "graph":
            return None
        iri = names.iri(tok)
        if iri is not None:
            found.add(iri)
    return found
