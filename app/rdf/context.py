"""The published JSON-LD ``@context``, and JSON-LD compacted with it.

One context for every JSON-LD the project publishes: the build compacts each
contract's ``contrats/<id>.jsonld`` with it and writes it beside the dumps
(``context.jsonld``); the site (``app.web.context``) serves the same object at
``/dumps/context.jsonld`` and compacts the resources' JSON-LD, the dataset
description and the whole-dataset dump with it. It lives on the build side
because the build needs it and must never import the serving side; the site
imports it from here.

Generated from the ontology, so it cannot drift from it: every ``cdv:`` class
becomes a term (``"Contrat"``), every object property a term whose values are
IRIs (``"contrat": {"@id": "cdv:contrat", "@type": "@id"}``), every datatype
property with a range a typed term (``"rang"`` → ``xsd:integer``), and the
project's prefixes (``cdv``, ``cdvid`` = the data base IRI, ``skos``…, the one
table of ``app.prefixes``) are declared. A JSON-LD user reads ``"rang": "3"``
instead of full IRIs.
"""

from __future__ import annotations

import json
from functools import lru_cache
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from app.config import ONTOLOGY_NS
from app.prefixes import project_prefixes
from app.rdf import compaction
from app.rdf.json_text import dumps_indented
from app.rdf.jsonld_text import graph_text

XSD = "http://www.w3.org/2001/XMLSchema#"
# The context's file name, in the build's output and under the site's /dumps/.
CONTEXT_FILE = "context.jsonld"


def prefixes(base_iri: str) -> dict[str, str]:
    """Prefix → namespace for Turtle output and the context: the project's one table."""
    return project_prefixes(base_iri)


@lru_cache(maxsize=8)
def _terms(ontology_file: str, mtime_ns: int) -> dict[str, Any]:
    graph = Graph().parse(ontology_file, format="turtle")
    terms: dict[str, Any] = {}

    def local(iri: object) -> str | None:
        text = str(iri)
        if isinstance(iri, URIRef) and text.startswith(ONTOLOGY_NS):
            return text[len(ONTOLOGY_NS) :]
        return None

    for cls in graph.subjects(RDF.type, OWL.Class):
        if name := local(cls):
            terms[name] = f"cdv:{name}"
    for prop in graph.subjects(RDF.type, OWL.ObjectProperty):
        if name := local(prop):
            terms[name] = {"@id": f"cdv:{name}", "@type": "@id"}
    for prop in graph.subjects(RDF.type, OWL.DatatypeProperty):
        if not (name := local(prop)):
            continue
        rng = graph.value(prop, RDFS.range)
        if rng is not None and str(rng).startswith(XSD):
            terms[name] = {"@id": f"cdv:{name}", "@type": "xsd:" + str(rng)[len(XSD) :]}
        else:
            terms[name] = f"cdv:{name}"
    for prop in graph.subjects(RDF.type, OWL.AnnotationProperty):
        name = local(prop)
        if name and name not in terms:
            terms[name] = f"cdv:{name}"
    return dict(sorted(terms.items()))


def context(base_iri: str, ontology_file: Path) -> dict[str, Any]:
    """The ``@context`` object (prefixes first, then the ontology's terms).

    A fresh dict each call, so a caller that changes it cannot change what
    another one publishes.
    """
    ctx: dict[str, Any] = dict(sorted(prefixes(base_iri).items()))
    ctx.update(_terms(str(ontology_file), ontology_file.stat().st_mtime_ns))
    return json.loads(json.dumps(ctx))  # type: ignore[no-any-return]


def context_document(ctx: dict[str, Any]) -> bytes:
    """The context as a JSON-LD document (``{"@context": …}``): the build's file and
    the site's ``/dumps/context.jsonld`` are these same bytes."""
    return (json.dumps({"@context": ctx}, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _sorted_values(value: Any) -> Any:
    """``value`` with every JSON-LD set in a fixed order (lists under ``@list`` keep theirs).

    rdflib walks subjects and objects in hash order, which changes with the
    process's hash seed; JSON-LD arrays are unordered, so sorting them changes
    nothing a processor reads and makes the build byte-identical.
    """
    if isinstance(value, dict):
        return {
            k: v if k == "@list" or type(v) is str else _sorted_values(v)
            for k, v in sorted(value.items())
        }
    if isinstance(value, list):
        items = [v if type(v) is str else _sorted_values(v) for v in value]
        if len(items) < 2:
            return items
        if all(type(v) is str for v in items):  # a string's JSON: what the encoder writes
            return sorted(items, key=encode_basestring)
        return sorted(items, key=_sort_key)
    return value


def _sorted_nodes(nodes: list[Any]) -> list[Any]:
    """:func:`_sorted_values` of a graph's nodes. Nodes whose first key (sorted) is
    ``@id``, a string, each its own, are ordered by their ``@id``'s JSON: their whole
    JSON begins alike (``{"@id": ``) and two JSON strings always differ before one
    ends, so it is the order of the whole JSON, without writing it."""
    items = [_sorted_values(n) for n in nodes]
    ids: list[str] = []
    for n in items:
        if not isinstance(n, dict) or next(iter(n), "") != "@id" or type(n["@id"]) is not str:
            return sorted(items, key=_sort_key)
        ids.append(n["@id"])
    if len(set(ids)) < len(ids):
        return sorted(items, key=_sort_key)
    order = sorted(range(len(items)), key=lambda i: encode_basestring(ids[i]))  # type: ignore[no-any-return]
    return [items[i] for i in order]


# What ``json.dumps(v, ensure_ascii=False, sort_keys=True)`` does, its encoder made once
# (``json.dumps`` makes one a call when given options).
_sort_key = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


@lru_cache(maxsize=4)
def prepared(ctx_json: str) -> tuple[compaction.Compactor, bytes]:
    """The compactor of a context and the head of its files (:func:`jsonld_file`: the
    text of ``{"@context": ctx, "@graph": ``, the nodes follow), made once for each
    context (``ctx_json``: ``json.dumps(ctx)``, in its order, which is the order it is
    written in)."""
    ctx = json.loads(ctx_json)
    empty = dumps_indented({"@context": ctx, "@graph": []})
    assert empty.endswith("[]\n}")
    return compaction.compactor(json.dumps(ctx, sort_keys=True)), empty[:-4].encode()


def jsonld_file(head: bytes, nodes: list[bytes]) -> bytes:
    """The JSON-LD file of a graph's nodes: ``head`` (:func:`prepared`), then the
    ``@graph``'s array of the nodes' texts, in order (``app.rdf.jsonld_text``)."""
    if not nodes:
        return head + b"[]\n}\n"
    return b"".join((head, b"[\n  ", b",\n  ".join(nodes), b"\n ]\n}\n"))


def compacted(graph: Graph, ctx: dict[str, Any]) -> bytes:
    """The graph as JSON-LD compacted with ``ctx`` (embedded), in a deterministic form.

    Always ``{"@context": …, "@graph": [nodes]}``, nodes ordered by ``@id``,
    keys sorted, every array in the order of its items' JSON, so the same
    triples give the same bytes in any process. The nodes are rdflib's
    compaction (``app.rdf.compaction`` makes its choices faster), written in one
    pass (``app.rdf.jsonld_text``) when they can be, else made, sorted, then
    written.
    """
    compactor, head = prepared(json.dumps(ctx))
    try:
        return jsonld_file(head, graph_text(compactor, graph))
    except compaction.Unsupported:
        pass
    try:
        nodes: list[Any] = compactor.nodes(graph)
    except compaction.Unsupported:
        nodes = compaction.rdflib_nodes(graph, ctx)
    body = {"@context": ctx, "@graph": _sorted_nodes(nodes)}
    return (dumps_indented(body) + "\n").encode("utf-8")
