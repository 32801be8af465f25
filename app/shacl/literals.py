"""The answers of sh:datatype and sh:minInclusive about literals, each asked once.

``datatype_matches`` is pySHACL's test of a value against a sh:datatype rule
(well-formed per rdflib's ``ill_typed``, of the right Python type): what it
asks of the rule (is it rdfs:Literal, xsd:string, …, which Python type) is
asked once per rule, each ``==`` between rdflib terms being Python code.
``at_least`` is pySHACL's ``compare_literal(v, m) >= 0``, remembered per pair of
literals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from pyshacl.rdfutil.compare import compare_literal
from rdflib import Literal
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

_STRING, _LANG_STRING = XSD.string, RDF.langString
_RDFS_LITERAL, _RDFS_DATATYPE = RDFS.Literal, RDFS.Datatype
_KINDS: dict[Node, type] = {
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
}


@dataclass(frozen=True)
class _Datatype:
    """What ``datatype_matches`` asks of a rule, once per rule (each ``==`` runs Python code)."""

    is_literal: bool  # rdfs:Literal
    is_datatype: bool  # rdfs:Datatype
    is_string: bool  # xsd:string
    is_lang_string: bool  # rdf:langString
    kind: type | None  # the Python type of its values, if checked


_DATATYPES: dict[Node, _Datatype] = {}


def _datatype(rule: Node) -> _Datatype:
    found = _DATATYPES.get(rule)
    if found is None:
        found = _DATATYPES[rule] = _Datatype(
            rule == _RDFS_LITERAL,
            rule == _RDFS_DATATYPE,
            rule == _STRING,
            rule == _LANG_STRING,
            _KINDS.get(rule),
        )
    return found


def _actual_datatype(v: Literal, r: _Datatype) -> bool:
    value = v.value
    if r.is_string or r.is_lang_string:
        return isinstance(value, (str, bytes))
    return True if r.kind is None else isinstance(value, r.kind)


def datatype_matches(v: Node, rule: Node) -> bool:
    if not isinstance(v, Literal):
        return False
    r = _datatype(rule)
    dt = v.datatype
    if dt is not None and (dt is rule or dt == rule):  # (None == rule is False)
        return getattr(v, "ill_typed", None) is not True and _actual_datatype(v, r)
    if r.is_literal:
        return True
    if r.is_datatype and dt:
        return True
    if dt is None and v.language is None and r.is_string:
        return _actual_datatype(v, r)
    if r.is_lang_string and v.language:
        return _actual_datatype(v, r)
    return False


_ORDERED: dict[tuple[str, Node | None, str | None, str, Node | None, str | None], bool] = {}


def at_least(v: Literal, m: Literal) -> bool:
    """``compare_literal(v, m) >= 0``, pySHACL's, remembered: it only reads the two
    literals' lexical forms, datatypes and languages (their values and
    well-formedness follow from them), and the same line numbers and ranks come
    back in every contract."""
    key = (str(v), v.datatype, v.language, str(m), m.datatype, m.language)
    found = _ORDERED.get(key)
    if found is None:
        try:
            found = compare_literal(v, m) >= 0
        except (TypeError, NotImplementedError):
            found = False
        if len(_ORDERED) > 100_000:
            _ORDERED.clear()
        _ORDERED[key] = found
    return found
