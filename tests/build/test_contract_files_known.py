"""What a process keeps from one contract's files to the next changes none of their bytes.

``app.dump_parts.contract_files`` keeps the texts of terms and of (predicate,
object) pairs by value across the contracts of a process
(``app.rdf.term_text.Known``), and the JSON-LD compactor keeps compacted IRIs.
Here graphs written one after another share such values written in other
ways — the same string as an IRI, a plain literal, an ``xsd:string``, with a
language in two cases, with other datatypes; the same pair in the facts graph
(no JSON-LD) and in the contract's graph — and each graph's files must still
be the long way's (``files_helpers.long_way``). Also with caches so small that
they are emptied between and within graphs, and when the JSON-LD writer gives
up half-way through a graph.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from files_helpers import BASE, FACTS, ONE, facts, odd, random_graph, same
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from app.dump_parts import _known
from app.rdf.compaction import Compactor
from app.rdf.context import context
from app.rdf.term_text import Known

# rdflib warns of each ill-formed boolean the random graphs hold: they are the point here.
pytestmark = pytest.mark.filterwarnings("ignore:Parsing weird boolean:UserWarning")

CDV = "https://w3id.org/contrats-de-ville/onto#"
_VALUE = "https://w3id.org/contrats-de-ville/id/theme/habitat"


@pytest.fixture(scope="module")
def ctx(repo_root: Path) -> dict[str, Any]:
    return context(BASE, repo_root / "ontology" / "cdv.ttl")


def _variants() -> list[Any]:
    """One string written in every way a term can hold it."""
    return [
        URIRef(_VALUE),
        Literal(_VALUE),
        Literal(_VALUE, datatype=XSD.string),
        Literal(_VALUE, lang="fr"),
        Literal(_VALUE, lang="FR"),
        Literal(_VALUE, lang="en"),
        Literal(_VALUE, datatype=XSD.anyURI),
        Literal(_VALUE, datatype=URIRef(BASE + "Type")),
        Literal("1", datatype=XSD.integer),
        Literal("1", datatype=XSD.decimal),
        Literal("1"),
        Literal("1", lang="fr"),
    ]


def _one_of_each(value: Any, predicate: URIRef) -> Graph:
    g = Graph()
    e = URIRef(BASE + "contrat/c1/e1")
    g.add((e, RDF.type, URIRef(CDV + "Objectif")))
    g.add((e, predicate, value))
    g.add((e, SKOS.prefLabel, Literal("Santé", lang="fr")))
    return g


@pytest.mark.parametrize("predicate", [URIRef(CDV + "theme"), SKOS.notation, URIRef(CDV + "rang")])
def test_one_string_written_every_way_in_graphs_one_after_another(
    ctx: dict[str, Any], predicate: URIRef
) -> None:
    """Each variant in its own graph, in both orders: whatever was kept from the graphs
    before, each graph's files are the long way's."""
    variants = _variants()
    for value in [*variants, *reversed(variants)]:
        same([(ONE, _one_of_each(value, predicate)), (FACTS, facts())], ctx)


def test_one_pair_in_the_facts_then_in_the_contract(ctx: dict[str, Any]) -> None:
    """A pair kept from a graph written without JSON-LD is not one with its member."""
    pair = (URIRef(BASE + "Fait"), URIRef(BASE + "nombre"), Literal(4))
    fact_only = facts(pair)
    same([(ONE, odd()), (FACTS, fact_only)], ctx)
    contract = odd()
    contract.add(pair)
    contract.add((URIRef(BASE + "synthese/contrat/c1/theme/x"), RDF.type, URIRef(BASE + "Fait")))
    same([(ONE, contract), (FACTS, fact_only)], ctx)
    same([(ONE, fact_only), (FACTS, contract)], ctx)


def test_caches_emptied_between_and_within_graphs(
    ctx: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Known, "LIMIT", 5)
    monkeypatch.setattr(Compactor, "LIMIT", 3)
    for seed in range(3):
        same([(ONE, random_graph(seed)), (FACTS, random_graph(seed + 50))], ctx)
        same([(ONE, odd()), (FACTS, facts())], ctx)
    known = _known(json.dumps(ctx))
    known.bound()
    assert len(known.iris) + len(known.literals) + sum(map(len, known.records)) <= 5


@pytest.mark.parametrize("extra", [Literal(float("nan")), Literal(float("-inf"))])
def test_the_json_ld_left_half_way_to_the_long_way(ctx: dict[str, Any], extra: Any) -> None:
    """A value JSON writes its own way, met after other nodes were written: the JSON-LD
    goes the long way, the other files are still written in the one pass."""
    g = odd()
    g.add((URIRef(BASE + "contrat/c1/e1"), URIRef(BASE + "p"), extra))
    same([(ONE, g), (FACTS, facts())], ctx)
    same([(ONE, odd()), (FACTS, facts())], ctx)  # and the next graph as before
