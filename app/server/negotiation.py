"""Content negotiation: which serialization to send for an Accept header.

Clients differ widely: YASGUI asks for one type, SPARQLWrapper sends long
lists (``application/sparql-results+json,application/json,text/javascript,…``)
plus ``format``/``output``/``results`` parameters, browsers send
``text/html,…,*/*;q=0.8``. The rule is RFC 9110's: each offer gets the q of the
most specific media range that matches it; the highest q wins, ties go to the
server's order of preference; q=0 excludes.

>>> choose("application/sparql-results+xml;q=0.5, text/csv", RESULTS)
Offer(media_type='text/csv', format='CSV')
>>> choose(None, GRAPH).media_type
'text/turtle'
>>> choose("image/png", GRAPH) is None
True
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple


class Offer(NamedTuple):
    media_type: str  # sent back as Content-Type, as the client asked for it
    format: str  # pyoxigraph QueryResultsFormat / RdfFormat attribute name


def _offers(*pairs: tuple[str, str]) -> tuple[Offer, ...]:
    return tuple(Offer(m, f) for m, f in pairs)


# SELECT results, in order of preference.
RESULTS = _offers(
    ("application/sparql-results+json", "JSON"),
    ("application/sparql-results+xml", "XML"),
    ("text/csv", "CSV"),
    ("text/tab-separated-values", "TSV"),
    ("application/json", "JSON"),
    ("text/javascript", "JSON"),
    ("application/javascript", "JSON"),
    ("application/xml", "XML"),
    ("text/xml", "XML"),
)
# ASK results: CSV/TSV define no boolean form.
BOOLEAN = tuple(o for o in RESULTS if o.format in ("JSON", "XML"))
# CONSTRUCT/DESCRIBE results and Graph Store reads.
GRAPH = _offers(
    ("text/turtle", "TURTLE"),
    ("application/n-triples", "N_TRIPLES"),
    ("application/ld+json", "JSON_LD"),
    ("application/rdf+xml", "RDF_XML"),
    ("application/n-quads", "N_QUADS"),
    ("application/trig", "TRIG"),
    ("text/n3", "N3"),
    ("application/x-turtle", "TURTLE"),
    ("application/turtle", "TURTLE"),
    ("application/x-json+ld", "JSON_LD"),
    ("application/json", "JSON_LD"),
    ("application/xml", "RDF_XML"),
    ("text/xml", "RDF_XML"),
    ("text/rdf+n3", "N3"),
    ("application/n3", "N3"),
    ("text/plain", "N_TRIPLES"),
)
HTML = Offer("text/html", "HTML")

# Values of SPARQLWrapper's / Virtuoso's ``format``, ``output``, ``results``.
_SHORT_NAMES = {
    "json": "JSON",
    "xml": "XML",
    "csv": "CSV",
    "tsv": "TSV",
    "turtle": "TURTLE",
    "ttl": "TURTLE",
    "n3": "N3",
    "nt": "N_TRIPLES",
    "ntriples": "N_TRIPLES",
    "n-triples": "N_TRIPLES",
    "nquads": "N_QUADS",
    "trig": "TRIG",
    "json-ld": "JSON_LD",
    "jsonld": "JSON_LD",
    "rdfxml": "RDF_XML",
    "rdf+xml": "RDF_XML",
    "rdf": "RDF_XML",
}
_GRAPH_ALIASES = {"JSON": "JSON_LD", "XML": "RDF_XML"}


Ranges = tuple[tuple[str, str, float], ...]


@lru_cache(maxsize=256)
def parse_accept(header: str) -> Ranges:
    """``(type, subtype, q)`` for each media range; malformed ranges are skipped."""
    ranges = []
    for part in header.split(","):
        fields = part.split(";")
        media = fields[0].strip().lower()
        if "/" not in media:
            if media == "*":  # some clients send a bare "*"
                media = "*/*"
            else:
                continue
        main, sub = media.split("/", 1)
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value.strip())))
                except ValueError:
                    q = 0.0
        ranges.append((main.strip(), sub.strip(), q))
    return tuple(ranges)


def match(ranges: Ranges, media_type: str, *, wildcards: bool = True) -> tuple[float, int]:
    """``(q, specificity)`` of the most specific range naming ``media_type``
    (2 exact, 1 ``type/*``, 0 ``*/*``; wildcards only if allowed); ``(0, -1)``: none.

    The one matching rule of the server: the SPARQL endpoint's and the pages'
    negotiations (``app.web.conneg``) both rank offers with it.

    >>> match(parse_accept("text/*;q=0.5, */*;q=0.1"), "text/turtle")
    (0.5, 1)
    """
    main, sub = media_type.split("/", 1)
    best_rank, best_q = -1, 0.0
    for r_main, r_sub, q in ranges:
        if r_main == main and r_sub == sub:
            rank = 2
        elif wildcards and r_main == main and r_sub == "*":
            rank = 1
        elif wildcards and r_main == "*" and r_sub == "*":
            rank = 0
        else:
            continue
        if rank > best_rank:
            best_rank, best_q = rank, q
    return best_q, best_rank


@lru_cache(maxsize=512)
def choose(accept: str | None, offers: tuple[Offer, ...]) -> Offer | None:
    """The offer to send for ``accept``; ``None`` when none is acceptable (406)."""
    if not accept or not accept.strip():
        return offers[0]
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0]
    best: Offer | None = None
    best_q = 0.0
    for offer in offers:
        q, _rank = match(ranges, offer.media_type)
        if q > best_q:
            best, best_q = offer, q
    return best


def forced(value: str | None, offers: tuple[Offer, ...]) -> Offer | None:
    """The offer named by a ``format``/``output``/``results`` parameter, if any.

    Unknown values are ignored (the Accept header then decides), so that
    clients sending such parameters by habit keep working.

    >>> forced("json", GRAPH)
    Offer(media_type='application/ld+json', format='JSON_LD')
    >>> forced("text/csv", RESULTS).format
    'CSV'
    >>> forced("application/ld+json,application/x-json+ld", GRAPH).format  # SPARQLWrapper
    'JSON_LD'
    """
    if not value:
        return None
    if "," in value:  # a list of types, as SPARQLWrapper sends for JSON-LD: the first known
        found = (forced(part, offers) for part in value.split(","))
        return next((offer for offer in found if offer is not None), None)
    value = value.strip().lower()
    if "/" in value:
        return next((o for o in offers if o.media_type == value), None)
    name = _SHORT_NAMES.get(value)
    if name is None:
        return None
    is_graph = offers is GRAPH
    if is_graph:
        name = _GRAPH_ALIASES.get(name, name)
    return next((o for o in offers if o.format == name), None)


def content_type(offer: Offer | str) -> str:
    """Content-Type header value: textual types say they are UTF-8."""
    media_type = offer if isinstance(offer, str) else offer.media_type
    if media_type.startswith("text/"):
        return f"{media_type}; charset=utf-8"
    return media_type
