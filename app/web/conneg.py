"""Content negotiation for linked-data resources (RFC 9110 §12.5.1).

Five representations of every resource: HTML for people, Turtle, JSON-LD,
N-Triples and RDF/XML for programs. ``?format=`` overrides the Accept header
(handy in a browser and for stable links to one representation).

Accept headers are parsed and ranges matched by the server's one negotiation
(``app.server.negotiation``); two rules are the pages' own:

* an explicitly named type beats a wildcard of the same q, so a client sending
  ``text/html, */*`` gets HTML, not the first RDF format;
* a client that names no type (no Accept, or ``*/*`` alone: curl, wget,
  crawlers) gets Turtle. Browsers always name ``text/html``.

>>> choose("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8").key
'html'
>>> choose("application/ld+json;q=0.5, text/turtle;q=0.9").key
'turtle'
>>> choose("text/html, */*").key
'html'
>>> choose(None).key
'turtle'
>>> choose("image/png") is None
True
>>> from_param("jsonld").media_type
'application/ld+json'
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from app.server.negotiation import Ranges, match, parse_accept
from app.server.negotiation import content_type as negotiation_content_type


class Format(NamedTuple):
    key: str  # value of ?format=
    media_type: str  # Content-Type sent
    ox_format: str  # pyoxigraph RdfFormat attribute ("" for HTML)
    label: str  # link text, in French
    aliases: tuple[str, ...] = ()  # other media types that select it


TURTLE = Format("turtle", "text/turtle", "TURTLE", "Turtle", ("application/x-turtle",))
JSONLD = Format("jsonld", "application/ld+json", "JSON_LD", "JSON-LD", ("application/json",))
NTRIPLES = Format("ntriples", "application/n-triples", "N_TRIPLES", "N-Triples")
RDFXML = Format(
    "rdfxml", "application/rdf+xml", "RDF_XML", "RDF/XML", ("application/xml", "text/xml")
)
HTML = Format("html", "text/html", "", "page HTML", ("application/xhtml+xml",))

# Server preference on ties: RDF first (see the module docstring).
FORMATS: tuple[Format, ...] = (TURTLE, JSONLD, NTRIPLES, RDFXML, HTML)
RDF_FORMATS = tuple(f for f in FORMATS if f is not HTML)

_PARAM_NAMES = {
    "html": HTML,
    "ttl": TURTLE,
    "turtle": TURTLE,
    "jsonld": JSONLD,
    "json-ld": JSONLD,
    "json": JSONLD,
    "nt": NTRIPLES,
    "ntriples": NTRIPLES,
    "n-triples": NTRIPLES,
    "rdf": RDFXML,
    "rdfxml": RDFXML,
    "rdf+xml": RDFXML,
    "xml": RDFXML,
}


class UnknownFormat(ValueError):
    """``?format=`` names no representation we have."""


def _score(ranges: Ranges, fmt: Format) -> tuple[float, int]:
    """(q, specificity) of the best-matching range for any of the format's types;
    an alias counts only when named exactly."""
    found = [
        match(ranges, media, wildcards=media == fmt.media_type)
        for media in (fmt.media_type, *fmt.aliases)
    ]
    return max((m for m in found if m[1] >= 0), default=(0.0, -1))


@lru_cache(maxsize=256)
def choose(accept: str | None) -> Format | None:
    """The representation to send; ``None`` when nothing acceptable (406)."""
    if not accept or not accept.strip():
        return TURTLE
    ranges = parse_accept(accept)
    if not ranges:
        return TURTLE
    best: Format | None = None
    best_score = (0.0, -1)
    for fmt in FORMATS:
        q, rank = _score(ranges, fmt)
        if q > 0 and (q, rank) > best_score:
            best, best_score = fmt, (q, rank)
    return best


def from_param(value: str) -> Format:
    """The representation named by ``?format=`` (a short name or a media type)."""
    value = value.strip().lower()
    if value in _PARAM_NAMES:
        return _PARAM_NAMES[value]
    for fmt in FORMATS:
        if value == fmt.media_type or value in fmt.aliases:
            return fmt
    raise UnknownFormat(
        f"format inconnu : {value!r} ; valeurs possibles : " + ", ".join(f.key for f in FORMATS)
    )


def content_type(fmt: Format) -> str:
    """Content-Type header: textual types say they are UTF-8."""
    return negotiation_content_type(fmt.media_type)
