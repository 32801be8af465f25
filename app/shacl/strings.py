"""SHACL string constraints (sh:minLength, sh:pattern, sh:languageIn) with pySHACL's semantics.

pySHACL measures and matches its own string of a node (a string literal's
value, else the lexical form or IRI), with Python ``re`` (match, else search)
and the shape's sh:flags; a blank node never passes. sh:languageIn matches a
tag or its first subtag, case-insensitively.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rdflib import BNode, Literal
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from app.shacl.components import FocusValues, Result, only

if TYPE_CHECKING:
    from app.shacl.engine import Engine
    from app.shacl.shapes import Shape

_STRING, _LANG_STRING = XSD.string, RDF.langString


def value_string(v: Node) -> str:
    """pySHACL's string of a value node for length and pattern checks."""
    if (
        isinstance(v, Literal)
        and v.value is not None
        and v.datatype in (None, _LANG_STRING, _STRING)
    ):
        return str(v.value)
    return str(v)


def check_min_length(e: Engine, shape: Shape, fv: FocusValues) -> list[Result]:
    rule = only(shape, SH.minLength)
    min_len = rule.value

    def message() -> list[Literal]:
        return [Literal(f"String length not >= {e.s_data(rule)}")]

    out = []
    for f, values in fv.items():
        for v in values:
            ok = min_len == 0 or (not isinstance(v, BNode) and len(value_string(v)) >= min_len)
            if not ok:
                out.append(Result(shape, SH.MinLengthConstraintComponent, f, v, message))
    return out


def compiled_patterns(e: Engine, shape: Shape) -> list[tuple[Literal, re.Pattern[str]]]:
    flags_found = list(e.shapes.graph.objects(shape.node, SH.flags))
    re_flags = 0
    if flags_found and flags_found[0]:
        flags = str(flags_found[0].value).lower()  # type: ignore[attr-defined]
        re_flags |= re.I if "i" in flags else 0
        re_flags |= re.M if "m" in flags else 0
    out = []
    for p in shape.params[SH.pattern]:
        text = str(p.value) if p.value is not None and len(p.value) > 1 else str(p)
        out.append((p, re.compile(text, re_flags)))
    return out


def check_pattern(e: Engine, shape: Shape, fv: FocusValues) -> list[Result]:
    patterns = e.patterns(shape)

    def message() -> list[Literal]:
        if len(patterns) < 2:
            return [Literal(f"Value does not match pattern '{patterns[0][0].value}'")]
        rules = "', '".join(str(p.value) for p, _ in patterns)
        return [Literal(f"Value does not match every pattern in ('{rules}')")]

    out = []
    for _rule, matcher in patterns:
        for f, values in fv.items():
            for v in values:
                ok = False
                if not isinstance(v, BNode):
                    text = value_string(v)
                    ok = bool(matcher.match(text) or matcher.search(text))
                if not ok:
                    out.append(Result(shape, SH.PatternConstraintComponent, f, v, message))
    return out


_LANGUAGE_IN = SH.languageIn


def check_language_in(e: Engine, shape: Shape, fv: FocusValues) -> list[Result]:
    items = only(shape, _LANGUAGE_IN)
    wanted = {str(x.value).lower() for x in items}
    node = shape.raw[_LANGUAGE_IN][0]

    def message() -> list[Literal]:
        return [Literal(f"String language is not in {e.s_shapes(node)}")]

    out = []
    for f, values in fv.items():
        for v in values:
            ok = False
            if isinstance(v, Literal) and v.language:
                lang = str(v.language).lower()
                ok = "*" in wanted or lang in wanted or lang.split("-")[0] in wanted
            if not ok:
                out.append(Result(shape, SH.LanguageInConstraintComponent, f, v, message))
    return out
