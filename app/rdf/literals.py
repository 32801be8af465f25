"""Literals the build makes over and over, each made once per value.

An rdflib literal costs ≈ 10 µs to make (its lexical form checked, its value
parsed); ranks, line numbers, counts and the tagging's recognised words come
back in every contract, and literals are immutable, so one object per value
serves them all.
"""

from __future__ import annotations

from functools import lru_cache

from rdflib import Literal
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
