"""A contract's part of the dumps and its files, made from its graphs in one pass, are
those of rdflib's text read back strictly by Oxigraph.

``app.dump_parts.contract_files`` writes each graph's lines itself, checks each
term once and lets Oxigraph read the lines leniently; the JSON-LD is written
node by node. The reference here is the long way, from each library's own
output: rdflib's N-Triples serializer (blank nodes relabelled by structure),
those lines with the graph's name as N-Quads parsed strictly by Oxigraph, its
TriG and Turtle serializers, the sizes counted quad by quad (``dump_part``,
checked against the whole dump's count in ``test_build_statistics``), and
rdflib's JSON-LD serializer with every array sorted by its items' JSON
(``json.dumps``, ``indent=1``). On a seed contract and its facts, odd terms,
blank nodes; and what the fast way refuses must fail or succeed as the long
way does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from app.build_statistics import own_roots
from app.config import DEFAULT_BASE_IRI
from app.dump_parts import _PREFIXES, DumpPart, contract_files, dump_part
from app.rdf.compaction import rdflib_nodes
from app.rdf.context import context
from app.rdf.namespaces import PREFIXES
from app.rdf.ntriples import canonical
from app.rdf.triples_text import written
from app.rdf.turtle_text import Terms

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


def _long_way(graphs: list[tuple[str, Graph]], ctx: dict[str, Any], owner: str) -> Any:
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


def _same(graphs: list[tuple[str, Graph]], ctx: dict[str, Any], owner: str = "c1") -> None:
    part, files = contract_files(graphs, ctx, owner, ROOTS)
    long_part, long_files = _long_way(graphs, ctx, owner)
    assert isinstance(part, DumpPart)
    assert part.nquads == long_part.nquads
    assert part.trig == long_part.trig
    assert part.sizes == long_part.sizes
    assert files == long_files


@pytest.fixture(scope="module")
def ctx(repo_root: Path) -> dict[str, Any]:
    return context(BASE, repo_root / "ontology" / "cdv.ttl")


def test_a_seed_contract_s_files(enriched_seed: tuple[Graph, Graph], ctx: dict[str, Any]) -> None:
    graph, facts = enriched_seed
    assert len(graph) > 1000 and len(facts) > 10
    owner = str(next(graph.subjects(RDF.type, URIRef(BASE.replace("/id/", "/onto#") + "Contrat"))))
    written(graph, ONE, Terms(_PREFIXES)), written(facts, FACTS, Terms(_PREFIXES))  # the one pass
    _same([(ONE, graph), (FACTS, facts)], ctx, owner.rsplit("/", 1)[1])


def _odd() -> Graph:
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


def _facts(extra: tuple[Any, ...] = ()) -> Graph:
    g = Graph()
    fact = URIRef(BASE + "synthese/contrat/c1/theme/x")
    g.add((fact, RDF.type, URIRef(BASE + "Fait")))
    g.add((fact, URIRef(BASE + "nombre"), Literal(4)))
    g.add((URIRef(BASE + "contrat/c1"), URIRef(BASE + "fait"), fact))
    if extra:
        g.add(extra)  # type: ignore[arg-type]
    return g


def test_odd_terms(ctx: dict[str, Any]) -> None:
    _same([(ONE, _odd()), (FACTS, _facts())], ctx)
    _same([(ONE, _odd()), (FACTS, Graph())], ctx)  # no facts


def test_blank_nodes_in_the_contract_and_in_its_facts(ctx: dict[str, Any]) -> None:
    g = _odd()
    g.add((URIRef(BASE + "contrat/c1"), URIRef(BASE + "p"), BNode("b")))
    g.add((BNode("b"), URIRef(BASE + "p"), Literal("anonyme")))
    _same([(ONE, g), (FACTS, _facts((BNode("f"), URIRef(BASE + "p"), Literal(1))))], ctx)


def test_a_literal_class_counted_as_oxigraph_writes_it(ctx: dict[str, Any]) -> None:
    g = _odd()
    g.add((URIRef(BASE + "contrat/c1"), RDF.type, Literal("tab\tici")))
    _same([(ONE, g), (FACTS, _facts())], ctx)


def test_a_graph_named_twice_goes_the_long_way(ctx: dict[str, Any]) -> None:
    _same([(ONE, _odd()), (ONE, _facts())], ctx)


@pytest.mark.parametrize(
    "bad",
    [
        (URIRef(BASE + "s"), URIRef(BASE + "p"), URIRef("pas-absolue")),
        (URIRef(BASE + "s"), URIRef(BASE + "p"), Literal("x", lang="fr-FR-x-1234567890")),
        (URIRef(BASE + "s"), URIRef(BASE + "p"), Literal("sépare\u2028ici")),
    ],
)
def test_what_oxigraph_refuses_is_refused_as_before(ctx: dict[str, Any], bad: Any) -> None:
    """The long way raises Oxigraph's syntax error: so does this."""
    g = _odd()
    g.add(bad)
    with pytest.raises(SyntaxError):
        _long_way([(ONE, g), (FACTS, _facts())], ctx, "c1")
    with pytest.raises(SyntaxError):
        contract_files([(ONE, g), (FACTS, _facts())], ctx, "c1", ROOTS)


_PIECES = ["a", "Z", "é", "0", "9", ".", "_", "-", "~", "!", "$", "&", "'", "(", ")", "*", "+"]
_PIECES += [",", ";", "=", "/", "?", "#", "@", "%", ":", "·", "\u0301", "\u203f", "😀", "\ufdd0"]
# (no character str.splitlines breaks a line at: the lines of both ways could not hold it)
_TEXT = ["a", " ", '"', "\\", "\n", "\r", "\t", "\b", "\x00", "\x1f", "\x7f", "é"]
_TEXT += ["\ufffe", "\uffff", "😀", "'", "\u00a0"]
_NUMBERS = ["1", "+1", "-0", "01", "1.0", ".5", "5.", "1e3", ".5E-2", "1.e1", "e1", "true", "True"]


def _random_graph(seed: int) -> Graph:
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
            return Literal(rng.choice(_NUMBERS), datatype=rng.choice(datatypes))
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


@pytest.mark.parametrize("seed", range(6))
def test_random_terms_as_oxigraph_writes_them(ctx: dict[str, Any], seed: int) -> None:
    g = _random_graph(seed)
    assert len(g) > 300
    written(g, ONE, Terms(_PREFIXES))  # (the one pass, not the strict way)
    _same([(ONE, g), (FACTS, _random_graph(seed + 100))], ctx)


def test_every_number_and_boolean_with_every_datatype(ctx: dict[str, Any]) -> None:
    g = Graph()
    datatypes = [XSD.integer, XSD.decimal, XSD.double, XSD.boolean, XSD.float, XSD.date]
    for i, number in enumerate([*_NUMBERS, ".", "+", "1.5e", "-.5", "+.5e+5", "0x1", " 1"]):
        for datatype in datatypes:
            g.add(
                (URIRef(BASE + f"s{i}"), URIRef(str(datatype)), Literal(number, datatype=datatype))
            )
    written(g, ONE, Terms(_PREFIXES))
    _same([(ONE, g), (FACTS, _facts())], ctx)


def test_the_longest_namespace_that_begins_an_iri_is_its_prefix() -> None:
    """Namespaces that begin one another (none of the project's do): Oxigraph's choice."""
    prefixes = {
        "a": "http://e.org/",
        "ab": "http://e.org/x/",
        "abc": "http://e.org/x/y#",
        "z": "urn:",
    }
    terms = Terms(prefixes)
    for iri in ["http://e.org/x/y#z", "http://e.org/x/z", "http://e.org/z", "http://e.org/x/y#"]:
        triple = ox.Triple(ox.NamedNode(iri), ox.NamedNode("urn:p"), ox.NamedNode(iri))
        text = (
            ox.serialize([triple], format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
        ).decode()
        assert text.splitlines()[-1] == f"{terms.iri(iri)} z:p {terms.iri(iri)} ."
