"""The project's own SHACL-SPARQL constraints, found to give no row without running them.

A contract's first validation runs five SELECT queries (shapes/cdv-shapes.ttl:
a contract's generations, its elements' parents, ranks and cycles, an
observation's range). Running them means loading the triples they read into an
Oxigraph store, ≈ 2.4 ms a contract, and the queries ≈ 1.8 ms: ≈ 6 % of the
stages before a contract's files, to learn, almost always, that there is no
row. Each function here answers, for one of those query texts (whitespace
aside: any other text, or a changed one, runs as before), whether the data
*provably* gives no row for any focus node, reading the validator's index:

* it reads the triples the query reads, as the engine's index holds them (the
  union of the graphs validated and the shared ones, each triple once: the
  store the query would run on holds the same);
* it only says "no row" when no solution can exist; whenever it meets what it
  does not decide (a value of a kind the query compares, a range to compare,
  terms rdflib could take as equal where SPARQL would not — grouping keys are
  coarser than RDF term identity), it says "maybe", and the query runs as before,
  with the same results.

So the results are the query's in every case: none when "no row", the query's
own otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from app.shacl.data import DataIndex

_CDV = re.compile(r"^PREFIX cdv: <([^>]*)>$", re.MULTILINE)

Check = Callable[[DataIndex, Callable[[str], URIRef], Sequence[Node]], bool]


def _both_generations(
    index: DataIndex, cdv: Callable[[str], URIRef], focus: Sequence[Node]
) -> bool:
    """No contract with both a printed and an inferred generation."""
    printed, inferred = cdv("generation"), cdv("generationInferee")
    return not any(index.objects(f, printed) and index.objects(f, inferred) for f in focus)


def _elements(index: DataIndex, cdv: Callable[[str], URIRef], f: Node) -> set[Node]:
    return index.subjects(cdv("contrat"), f)


def _parent_elsewhere(
    index: DataIndex, cdv: Callable[[str], URIRef], focus: Sequence[Node]
) -> bool:
    """Every parent of an element of the contract is an element of the contract."""
    contrat, partie_de = cdv("contrat"), cdv("partieDe")
    for f in focus:
        for value in _elements(index, cdv, f):
            for parent in index.objects(value, partie_de):
                if f not in index.objects(parent, contrat):
                    return False
    return True


def _key(term: Node | None) -> tuple[str, str]:
    """A grouping key at least as coarse as RDF term identity (identical terms: same
    kind, same text), so that a group SPARQL would count twice is counted twice here."""
    return ("", "") if term is None else (type(term).__name__, str(term))


def _same_rank(index: DataIndex, cdv: Callable[[str], URIRef], focus: Sequence[Node]) -> bool:
    """No two solutions (element, rank, parent or none) of one contract in one group."""
    rang, partie_de = cdv("rang"), cdv("partieDe")
    for f in focus:
        seen: set[tuple[tuple[str, str], tuple[str, str]]] = set()
        for e in _elements(index, cdv, f):
            parents = index.objects(e, partie_de) or (None,)
            for r in index.objects(e, rang):
                for parent in parents:
                    key = (_key(parent), _key(r))
                    if key in seen:
                        return False
                    seen.add(key)
    return True


def _cycle(index: DataIndex, cdv: Callable[[str], URIRef], focus: Sequence[Node]) -> bool:
    """No element of the contract reaches itself by one or more cdv:partieDe steps."""
    partie_de = cdv("partieDe")
    for f in focus:
        for value in _elements(index, cdv, f):
            seen: set[Node] = set()
            todo = list(index.objects(value, partie_de))
            while todo:
                node = todo.pop()
                if node == value:
                    return False
                if node not in seen:
                    seen.add(node)
                    todo.extend(index.objects(node, partie_de))
    return True


_NUMBER = {
    XSD.integer: re.compile(r"[+-]?[0-9]{1,15}"),
    XSD.decimal: re.compile(r"[+-]?(?=[0-9]*\.?[0-9])[0-9]{0,15}(\.[0-9]{0,15})?"),
}


def _number(term: Node) -> Decimal | None:
    """The value of an ``xsd:integer`` or ``xsd:decimal`` literal of at most 15 digits
    each side of the point (compared exactly by SPARQL engines and by Decimal), else None."""
    if type(term) is not Literal or term.language is not None:
        return None
    lexical = _NUMBER.get(term.datatype)  # type: ignore[arg-type]
    if lexical is None or not lexical.fullmatch(str(term)):
        return None
    return Decimal(str(term))


def _range(index: DataIndex, cdv: Callable[[str], URIRef], focus: Sequence[Node]) -> bool:
    """Every observation's minimum and maximum are numbers, in order (``?min > ?max``
    is then false for each pair, in SPARQL's numeric comparison)."""
    low, high = cdv("valeurMin"), cdv("valeurMax")
    for f in focus:
        for a in index.objects(f, low):
            for b in index.objects(f, high):
                x, y = _number(a), _number(b)
                if x is None or y is None or x > y:
                    return False
    return True


def _text(select: str) -> str:
    return " ".join(select.split())


KNOWN: dict[str, Check] = {
    _text(q): check
    for q, check in (
        (
            "SELECT $this WHERE { $this cdv:generation ?g ; cdv:generationInferee ?h . }",
            _both_generations,
        ),
        (
            """SELECT $this ?value ?parent WHERE {
            ?value cdv:contrat $this ; cdv:partieDe ?parent .
            FILTER NOT EXISTS { ?parent cdv:contrat $this }
        }""",
            _parent_elsewhere,
        ),
        (
            """SELECT $this ?parent ?rang (COUNT(?e) AS ?n) WHERE {
            ?e cdv:contrat $this ; cdv:rang ?rang .
            OPTIONAL { ?e cdv:partieDe ?parent }
        } GROUP BY $this ?parent ?rang HAVING (COUNT(?e) > 1)""",
            _same_rank,
        ),
        (
            "SELECT $this ?value WHERE { ?value cdv:contrat $this ; cdv:partieDe+ ?value . }",
            _cycle,
        ),
        (
            "SELECT $this ?min ?max WHERE { $this cdv:valeurMin ?min ; cdv:valeurMax ?max . "
            "FILTER (?min > ?max) }",
            _range,
        ),
    )
}


def no_rows(index: DataIndex, prefixes: str, select: str, focus: Sequence[Node]) -> bool:
    """Whether ``select`` (read with ``prefixes``, pySHACL's data graph's) provably gives
    no row for any of ``focus`` over ``index``; ``False`` when it cannot tell."""
    check = KNOWN.get(_text(select))
    if check is None:
        return False
    found = _CDV.findall(prefixes)
    if len(found) != 1:
        return False  # cdv: unbound (the query would not parse), or bound twice
    namespace = found[0]
    return check(index, lambda name: URIRef(namespace + name), focus)
