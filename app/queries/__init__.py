"""Every SPARQL query the app runs: the ``.rq`` files of this package, loaded and bound safely.

The API, the pages, the editor and the write checks all run their SPARQL from here;
every answer comes from one of these files, so that a researcher can
rerun it as is: each file runs unchanged (its ``VALUES`` blocks hold an example
value) and says in its ``#`` header what it answers and which parameters it has,
one line each::

    # @param ?theme iri — the theme (…/id/theme/{id})

A parameter is bound by rewriting the content of its ``VALUES ?name { … }``
block: never by pasting text into the query. IRIs are written as ``<…>`` only
once they are known to be well-formed and under the data base IRI (``iri``), or,
for the few parameters that may name any graph an administrator writes
(``any-iri``), well-formed and absolute; literals are escaped. An optional
parameter left unbound (``None``) becomes ``UNDEF`` (matches anything); an empty
list of values matches nothing.

>>> q = Query.parse("t", '# @param ?c iri — a contract\\nSELECT * { VALUES ?c { <x:a> } ?c ?p ?o }')
>>> q.bind({"c": ["https://w3id.org/contrats-de-ville/id/contrat/a"]},
...        base="https://w3id.org/contrats-de-ville/id/").splitlines()[1]
'SELECT * { VALUES ?c { <https://w3id.org/contrats-de-ville/id/contrat/a> } ?c ?p ?o }'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from app.synthese import graph_iri

QUERY_DIR = Path(__file__).resolve().parent
NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_PARAM = re.compile(r"^#\s*@param\s+\?(\w+)\s+(iri|any-iri|string)\b(.*)$", re.MULTILINE)
_VALUES = r"VALUES\s+\?{name}\s*\{{[^{{}}]*\}}"
# What an IRI of ours may contain after the base: readable slugs and path separators.
_IRI_PATH = re.compile(r"^[A-Za-z0-9._~/%-]*$")
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # a scheme: RFC 3987 absolute IRI
_XSD = "http://www.w3.org/2001/XMLSchema#"


class QueryError(Exception):
    """A query file or a binding is wrong: a bug of ours, not of the client."""


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # "iri" (under the base) | "any-iri" (any absolute IRI) | "string"
    doc: str


@dataclass(frozen=True)
class Query:
    """One ``.rq`` file: its name (``/queries/{name}.rq``), text and parameters."""

    name: str
    text: str
    params: tuple[Param, ...]

    @classmethod
    def parse(cls, name: str, text: str) -> Query:
        params = tuple(
            Param(m.group(1), m.group(2), m.group(3).strip(" —-")) for m in _PARAM.finditer(text)
        )
        for p in params:
            if len(re.findall(_VALUES.format(name=p.name), text)) != 1:
                raise QueryError(f"{name}.rq : il faut un seul bloc « VALUES ?{p.name} {{ … }} »")
        return cls(name, text, params)

    @property
    def path(self) -> str:
        """Where the server publishes the file."""
        return f"/queries/{self.name}.rq"

    def bind(self, values: Mapping[str, Iterable[str] | None], *, base: str) -> str:
        """The query text with each parameter's ``VALUES`` block set to ``values``.

        Unknown names and malformed values raise ``QueryError``: callers validate
        client input first, so reaching here with bad input is a bug.
        """
        known = {p.name: p for p in self.params}
        unknown = set(values) - set(known)
        if unknown:
            raise QueryError(f"{self.name}.rq : paramètres inconnus {sorted(unknown)}")
        text = self.text
        for name, given in values.items():
            if given is None:
                content = "UNDEF"  # unbound: matches anything
            else:
                content = " ".join(_term(v, known[name].kind, base) for v in given)
            block = f"VALUES ?{name} {{ {content} }}"
            text = re.sub(_VALUES.format(name=name), _verbatim(block), text, count=1)
        return text

    def for_data(self, base: str, values: Mapping[str, Iterable[str] | None] | None = None) -> str:
        """The text to run on the data published under ``base``.

        A query reading the precomputed facts names their graph in a ``VALUES
        ?synthese`` block whose example value is the default base's graph: on data
        published under another base it would silently find nothing, so the
        graph of ``base`` is bound here, once for every caller (API and pages).
        """
        bound = dict(values or {})
        if any(p.name == "synthese" for p in self.params):
            bound.setdefault("synthese", [graph_iri(base)])
        return self.bind(bound, base=base)


def _verbatim(text: str) -> Callable[[re.Match[str]], str]:
    """A ``re.sub`` replacement inserting ``text`` as is (no backslash escapes)."""
    return lambda _match: text


def _term(value: str, kind: str, base: str) -> str:
    if kind == "iri":
        if not is_data_iri(value, base):
            raise QueryError(f"IRI refusée (hors de la base {base}) : {value!r}")
        return f"<{value}>"
    if kind == "any-iri":
        if not _ABSOLUTE_IRI.match(value) or _IRI_FORBIDDEN.search(value):
            raise QueryError(f"IRI refusée (pas un IRI absolu) : {value!r}")
        return f"<{value}>"
    return literal(value)


def is_data_iri(value: str, base: str) -> bool:
    """Whether ``value`` is a well-formed IRI under ``base`` with a path of ours.

    >>> is_data_iri("https://ex.org/id/contrat/a-1", "https://ex.org/id/")
    True
    >>> is_data_iri("https://ex.org/id/x> } ?s ?p ?o { <y", "https://ex.org/id/")
    False
    """
    return (
        value.startswith(base)
        and not _IRI_FORBIDDEN.search(value)
        and bool(_IRI_PATH.match(value[len(base) :]))
    )


def literal(value: str) -> str:
    """A SPARQL string literal for any text.

    >>> print(literal('a "b"\\n'))
    "a \\"b\\"\\n"
    """
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


@cache
def load(name: str) -> Query:
    """The query ``app/queries/{name}.rq`` (read once per process)."""
    if not NAME.match(name):
        raise QueryError(f"nom de requête invalide : {name!r}")
    path = QUERY_DIR / f"{name}.rq"
    return Query.parse(name, path.read_text(encoding="utf-8"))


def all_queries() -> list[Query]:
    """Every query file, by name: what the benchmark times."""
    return [load(p.stem) for p in sorted(QUERY_DIR.glob("*.rq"))]


def python_value(term: Any) -> Any:
    """A SPARQL result term as a plain value: IRIs and strings as ``str``, numbers as numbers."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        if dt in (_XSD + "integer", _XSD + "int", _XSD + "long"):
            return int(term.value)
        if dt in (_XSD + "decimal", _XSD + "double", _XSD + "float"):
            number = Decimal(term.value)
            return int(number) if number == number.to_integral_value() else float(number)
        return term.value
    return term.value


def plain_rows(solutions: ox.QuerySolutions) -> Iterator[dict[str, Any]]:
    """Each solution as a dict of plain values (:func:`python_value`), unbound as ``None``.

    The API's answers repeat their values row after row (a contract's IRI, id and
    title on each of its elements, a class, a method, a source file): each distinct
    term is converted once per answer. Turning a broad theme's 26 MB of evidence
    into rows (2,000 contracts, ``limit=5000``) took 0.71 s, now 0.47 s.
    """
    names = [v.value for v in solutions.variables]
    plain: dict[Any, Any] = {}
    for solution in solutions:
        row = {}
        for name, term in zip(names, solution, strict=True):  # a term, or None if unbound
            value = plain.get(term, plain)
            if value is plain:
                value = plain[term] = python_value(term)
            row[name] = value
        yield row


def select(store: ox.Store, text: str) -> list[dict[str, Any]]:
    """Run a SELECT over the union of the named graphs; rows as dicts of plain values."""
    solutions = store.query(text, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions), "not a SELECT query"
    return list(plain_rows(solutions))
