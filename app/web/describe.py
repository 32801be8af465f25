"""What an IRI answers: its triples, and the labels to show them to a person.

The RDF description of a resource is its *symmetric concise bounded
description*: the triples whose subject it is (blank nodes expanded one level)
and those whose object it is. Incoming links are part of it because, in this
graph, most of what matters about a theme, a dispositif or a contract points
*to* it (``cdv:theme``, ``cdv:mobilise``, ``cdv:contrat``).

Every query is an ``app/queries/*.rq`` file bound through ``app.queries``
(``VALUES`` blocks rewritten, IRIs checked to lie under the base): no text of
the client's is ever pasted into SPARQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from app.queries import is_data_iri, load
from app.web.conneg import JSONLD, Format
from app.web.context import compacted
from app.web.sparql import Sparql

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass
class Description:
    """A resource's triples, split by direction (both lists hold ``ox.Triple``)."""

    iri: str
    outgoing: list[ox.Triple] = field(default_factory=list)
    incoming: list[ox.Triple] = field(default_factory=list)

    @property
    def exists(self) -> bool:
        return bool(self.outgoing or self.incoming)

    @property
    def triples(self) -> list[ox.Triple]:
        seen = dict.fromkeys([*self.outgoing, *self.incoming])
        return list(seen)

    def values(self, predicate: str) -> list[Any]:
        """Objects of the resource's own triples for ``predicate`` (a full IRI)."""
        node = ox.NamedNode(self.iri)
        return [
            t.object for t in self.outgoing if t.subject == node and t.predicate.value == predicate
        ]

    def iri_values(self, predicate: str) -> list[str]:
        return [v.value for v in self.values(predicate) if isinstance(v, ox.NamedNode)]

    def types(self) -> list[str]:
        return self.iri_values(RDF_TYPE)


def bind(name: str, base: str, **values: Iterable[str]) -> str:
    """The query ``app/queries/{name}.rq`` with its parameters bound."""
    return load(name).bind({k: list(v) for k, v in values.items()}, base=base)


async def describe(sparql: Sparql, iri: str, base: str) -> Description:
    """The resource's description; empty (``exists`` false) for an unknown IRI."""
    desc = Description(iri)
    if not is_data_iri(iri, base):
        return desc
    this = ox.NamedNode(iri)
    for row in await sparql.select(bind("ressource-sortante", base, ressource=[iri])):
        desc.outgoing.append(ox.Triple(row["s"], row["p"], row["o"]))
    for row in await sparql.select(bind("ressource-entrante", base, ressource=[iri])):
        desc.incoming.append(ox.Triple(row["s"], row["p"], this))
    desc.outgoing = list(dict.fromkeys(desc.outgoing))
    # By property, then subject: the query leaves the order to the store (its docstring).
    desc.incoming = sorted(
        dict.fromkeys(desc.incoming), key=lambda t: (str(t.predicate), str(t.subject))
    )
    return desc


async def labels(sparql: Sparql, iris: Iterable[str], base: str) -> dict[str, ox.Literal]:
    """The display label of each IRI under the base that has one.

    Best property first (prefLabel, rdfs:label, title, notation, identifier),
    French before untagged before any other language.
    """
    wanted = sorted({i for i in iris if is_data_iri(i, base)})
    best: dict[str, tuple[tuple[int, int], ox.Literal]] = {}
    for start in range(0, len(wanted), 200):
        chunk = wanted[start : start + 200]
        for row in await sparql.select(bind("ressource-libelles", base, ressource=chunk)):
            label = row["libelle"]
            lang = label.language or ""
            score = (int(row["rang"].value), 0 if lang == "fr" else 1 if lang == "" else 2)
            key = row["ressource"].value
            if key not in best or score < best[key][0]:
                best[key] = (score, label)
    return {k: v[1] for k, v in best.items()}


def ntriples(triples: Iterable[ox.Triple]) -> bytes:
    return ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""


def jsonld(nt: bytes, context: dict[str, Any]) -> bytes:
    """JSON-LD compacted with the published context, embedded, by the build's own writer
    (``app.rdf.context.compacted``: pyoxigraph writes no ``@context``), so a resource's
    JSON-LD has the shape and the context of the per-contract dumps."""
    graph = Graph()
    graph.parse(data=nt, format="nt")
    return compacted(graph, context)


def serialize(
    triples: list[ox.Triple], fmt: Format, prefixes: dict[str, str], context: dict[str, Any]
) -> bytes:
    """The triples in one of the RDF formats of ``app.web.conneg``."""
    if fmt is JSONLD:
        return jsonld(ntriples(triples), context)
    used = prefixes if fmt.ox_format != "N_TRIPLES" else None
    ordered = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return ox.serialize(ordered, format=getattr(ox.RdfFormat, fmt.ox_format), prefixes=used) or b""


def dumps_json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
