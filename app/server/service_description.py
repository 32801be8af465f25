"""The SPARQL 1.1 Service Description returned by GET /sparql without a query.

It tells clients what this endpoint is (``sd:endpoint``), what it speaks
(SPARQL 1.1 Query; Update only when an admin token is configured), in which
formats, and that the default graph is the union of the named graphs
(``sd:UnionDefaultGraph``). It does *not* claim ``sd:BasicFederatedQuery``:
SERVICE is refused.
"""

from __future__ import annotations

from pyoxigraph import RdfFormat, parse, serialize

from app.server.negotiation import Offer

_FORMATS = [
    "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    "http://www.w3.org/ns/formats/Turtle",
    "http://www.w3.org/ns/formats/N-Triples",
    "http://www.w3.org/ns/formats/N-Quads",
    "http://www.w3.org/ns/formats/TriG",
    "http://www.w3.org/ns/formats/JSON-LD",
    "http://www.w3.org/ns/formats/RDF_XML",
]
_INPUT_FORMATS = [
    "http://www.w3.org/ns/formats/Turtle",
    "http://www.w3.org/ns/formats/N-Triples",
    "http://www.w3.org/ns/formats/RDF_XML",
    "http://www.w3.org/ns/formats/JSON-LD",
]


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def describe(
    endpoint: str,
    named_graphs: list[str],
    *,
    writable: bool,
    timeout: float,
    max_rows: int,
) -> str:
    """The description as Turtle.

    >>> ttl = describe("http://localhost/sparql", [], writable=False, timeout=30, max_rows=10)
    >>> "sd:endpoint <http://localhost/sparql>" in ttl
    True
    """
    languages = ["sd:SPARQL11Query"] + (["sd:SPARQL11Update"] if writable else [])
    lines = [
        "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "",
        f"<{endpoint}#service> a sd:Service ;",
        f"  sd:endpoint <{endpoint}> ;",
        f"  sd:supportedLanguage {', '.join(languages)} ;",
        "  sd:feature sd:UnionDefaultGraph ;",
        "  sd:resultFormat " + ", ".join(f"<{f}>" for f in _FORMATS) + " ;",
    ]
    if writable:
        lines.append("  sd:inputFormat " + ", ".join(f"<{f}>" for f in _INPUT_FORMATS) + " ;")
    note = (
        "Point d'accès SPARQL des contrats de ville. Lecture seule pour le public ; "
        f"requêtes limitées à {timeout:g} s et {max_rows} lignes ; SERVICE et LOAD refusés."
    )
    lines += [
        f"  rdfs:label {_literal('Contrats de ville — graphe de connaissances')}@fr ;",
        f"  rdfs:comment {_literal(note)}@fr ;",
        f"  sd:defaultDataset <{endpoint}#dataset> .",
        "",
        f"<{endpoint}#dataset> a sd:Dataset ;",
        f"  sd:defaultGraph <{endpoint}#default-graph>" + (" ;" if named_graphs else " ."),
    ]
    for i, name in enumerate(named_graphs):
        end = " ;" if i < len(named_graphs) - 1 else " ."
        lines.append(f"  sd:namedGraph [ a sd:NamedGraph ; sd:name <{name}> ]{end}")
    lines += [
        "",
        f"<{endpoint}#default-graph> a sd:Graph ;",
        f"  rdfs:comment {_literal('Union de tous les graphes nommés.')}@fr .",
        "",
    ]
    return "\n".join(lines)


def render(turtle: str, offer: Offer, prefixes: dict[str, str]) -> bytes:
    """The description in the negotiated RDF syntax."""
    fmt = getattr(RdfFormat, offer.format)
    if fmt == RdfFormat.TURTLE:
        return turtle.encode("utf-8")
    quads = parse(turtle.encode("utf-8"), format=RdfFormat.TURTLE)
    triples = (q.triple for q in quads) if not fmt.supports_datasets else quads
    return serialize(triples, format=fmt, prefixes=prefixes) or b""
