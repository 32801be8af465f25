"""The reference of a contract's files (the long way, from each library's own output),
and graphs to compare them on: ``tests/build/test_contract_files*.py``; and the
digests of a build's output, to compare two builds byte for byte."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from app.build_statistics import own_roots
from app.config import DEFAULT_BASE_IRI
from app.dump_parts import DumpPart, contract_files, dump_part
from app.rdf.compaction import rdflib_nodes
from app.rdf.namespaces import PREFIXES
from app.rdf.ntriples import canonical

BASE = DEFAULT_BASE_IRI
ROOTS = own_roots(BASE)
ONE, FACTS = f"{BASE}graph/contrat/c1", f"{BASE}graph/synthese"


def _rdflib_lines(graph: Graph) -> list[str]:
    text = canonical(graph).serialize(format="nt", encoding="utf-8").decode("utf-8")
    return sorted({line for line in text.splitlines() if line.strip()})


def _sorted(value: Any) -> Any:
    """Every array sorted by its items' JSON, keys sorted (the files' order)."""
    if isinstance(value, dict):
        return {k: _sorted(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [_sorted(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return value


def long_way(graphs: list[tuple[str, Graph]], ctx: dict[str, Any], owner: str) -> Any:
    lines = [(name, _rdflib_lines(g)) for name, g in graphs]
    part = dump_part(lines, owner, ROOTS)  # rdflib's lines, parsed strictly
    nq = "".join(f"{line[:-1].rstrip()} <{name}> .\n" for name, ls in lines for line in ls)
    assert part.nquads == nq.encode("utf-8")
    quads = list(ox.parse(nq.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
    prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
    trig = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes) or b""
    assert part.trig == b"".join(
        line for line in trig.splitlines(keepends=True) if not line.startswith(b"@")
    )
    first = ("\n".join(lines[0][1]) + "\n").encode("utf-8")
    triples = ox.parse(first, format=ox.RdfFormat.N_TRIPLES)
    turtle = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    nodes = _sorted(rdflib_nodes(canonical(graphs[0][1]), ctx))
    body = {"@context": ctx, "@graph": nodes}
    jsonld = (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    return part, {"contrat.ttl": turtle, "contrat.jsonld": jsonld}


def same(graphs: list[tuple[str, Graph]], ctx: dict[str, Any], owner: str = "c1") -> None:
    part, files = contract_files(graphs, ctx, owner, ROOTS)
    long_part, long_files = long_way(graphs, ctx, owner)
    assert isinstance(part, DumpPart)
    assert part.nquads == long_part.nquads
    assert part.trig == long_part.trig
    assert part.sizes == long_part.sizes
    assert files == long_files


def odd() -> Graph:
    g = Graph()
    c = URIRef(BASE + "contrat/c1")
    e = URIRef(BASE + "contrat/c1/e1")
    cdv = "https://w3id.org/contrats-de-ville/onto#"
    g.add((c, RDF.type, URIRef(cdv + "Contrat")))
    g.add((e, RDF.type, URIRef(cdv + "Objectif")))
    g.add((e, URIRef(cdv + "contrat"), c))
    g.add((e, URIRef(cdv + "rang"), Literal(3)))
    g.add((e, URIRef(cdv + "rang"), Literal("03", datatype=XSD.integer)))
    g.add((e, URIRef(cdv + "rang"), Literal("trois", lang="fr")))
    for i, text in enumerate(["Santé", 'dit "oui"', "a\\b", "ligne\nautre\r", "tab\tici", ""]):
        g.add((e, URIRef(f"http://www.w3.org/2004/02/skos/core#prefLabel{i}"), Literal(text)))
        g.add(
            (e, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), Literal(text, lang="fr"))
        )
        g.add((e, URIRef(BASE + "p"), Literal(text, datatype=XSD.string)))
    g.add((e, URIRef(BASE + "p"), Literal(1.5)))
    g.add((e, URIRef(BASE + "p"), Literal(True)))
    g.add((e, URIRef(BASE + "p"), Literal("2024-01-01", datatype=XSD.date)))
    g.add((e, URIRef(BASE + "p"), URIRef("urn:x:1")))
    g.add((URIRef(BASE + "territoire/t"), URIRef(BASE + "p"), c))  # a subject it does not own
    return g


def facts(extra: tuple[Any, ...] = ()) -> Graph:
    g = Graph()
    fact = URIRef(BASE + "synthese/contrat/c1/theme/x")
    g.add((fact, RDF.type, URIRef(BASE + "Fait")))
    g.add((fact, URIRef(BASE + "nombre"), Literal(4)))
    g.add((URIRef(BASE + "contrat/c1"), URIRef(BASE + "fait"), fact))
    if extra:
        g.add(extra)  # type: ignore[arg-type]
    return g


_PIECES = ["a", "Z", "é", "0", "9", ".", "_", "-", "~", "!", "$", "&", "'", "(", ")", "*", "+"]
_PIECES += [",", ";", "=", "/", "?", "#", "@", "%", ":", "·", "\u0301", "\u203f", "😀", "\ufdd0"]
# (no character str.splitlines breaks a line at: the lines of both ways could not hold it)
_TEXT = ["a", " ", '"', "\\", "\n", "\r", "\t", "\b", "\x00", "\x1f", "\x7f", "é"]
_TEXT += ["\ufffe", "\uffff", "😀", "'", "\u00a0"]
NUMBERS = ["1", "+1", "-0", "01", "1.0", ".5", "5.", "1e3", ".5E-2", "1.e1", "e1", "true", "True"]


def random_graph(seed: int) -> Graph:
    """Terms chosen to try every rule of Oxigraph's Turtle: local names with characters
    kept, escaped or refused, at the start, inside and at the end; literals with every
    character its quoting escapes; numbers and booleans bare or not; languages in
    upper case; datatypes under a prefix or not."""
    import random

    rng = random.Random(seed)
    namespaces = [str(ns) for ns in PREFIXES.values()] + [BASE, "urn:x:"]
    datatypes = [XSD.integer, XSD.decimal, XSD.double, XSD.boolean, XSD.date, XSD.string]
    datatypes += [URIRef(BASE + "Type"), URIRef(str(XSD) + "pas.fini.")]

    def iri() -> URIRef:
        local = "".join(rng.choice(_PIECES) for _ in range(rng.randrange(0, 4)))
        return URIRef(rng.choice(namespaces) + local)

    def literal() -> Literal:
        kind = rng.randrange(4)
        if kind == 0:
            return Literal(rng.choice(NUMBERS), datatype=rng.choice(datatypes))
        text = "".join(rng.choice(_TEXT) for _ in range(rng.randrange(0, 5)))
        if kind == 1:
            return Literal(text, lang=rng.choice(["fr", "EN", "fr-CA", "de-1996"]))
        return Literal(text)

    g = Graph()
    for _ in range(600):
        s, p = iri(), iri()
        try:
            ox.NamedNode(str(s)), ox.NamedNode(str(p))
        except ValueError:
            continue
        o = rng.choice([iri, literal, literal])()
        if isinstance(o, URIRef):
            try:
                ox.NamedNode(str(o))
            except ValueError:
                continue
        g.add((s, rng.choice([p, p, RDF.type]) if isinstance(o, URIRef) else p, o))
    return g


def hashes(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root``, by relative path."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
