"""Literals (and IRIs) the build makes over and over, each made once per value.

An rdflib literal costs ≈ 10 µs to make (its lexical form checked, its value
parsed); ranks, line numbers, counts and the tagging's recognised words come
back in every contract, and terms are immutable, so one object per value
serves them all. The themes and dispositifs every contract names are kept as
one object each too: the validator's memos are keyed by them, and a key found
as the same object is found without rdflib's ``__eq__`` (Python code).
"""

from __future__ import annotations

from functools import lru_cache

from rdflib import Literal, URIRef
from rdflib.namespace import XSD


@lru_cache(maxsize=8192, typed=True)
def integer(value: int) -> Literal:
    """``value`` as an ``xsd:integer`` literal."""
    return Literal(value, datatype=XSD.integer)


@lru_cache(maxsize=8192)
def french(text: str) -> Literal:
    """``text@fr``, for texts that recur across contracts (the tagging's words and labels)."""
    return Literal(text, lang="fr")


@lru_cache(maxsize=8192)
def plain(text: str) -> Literal:
    """``text`` as a plain literal, for texts that recur across contracts (the elements'
    printed codes: ``1.2.3``)."""
    return Literal(text)


@lru_cache(maxsize=8192)
def shared_iri(text: str) -> URIRef:
    """The IRI ``text``, one object for the whole build (a concept, a predicate)."""
    return URIRef(text)
