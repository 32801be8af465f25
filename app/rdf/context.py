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

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.plugins.serializers.jsonld import PLAIN_LITERAL_TYPES
from rdflib.plugins.shared.jsonld.context import UNDEF
from rdflib.plugins.shared.jsonld.context import Context as JsonLdContext
from rdflib.plugins.shared.jsonld.keys import ID as JSONLD_ID
from rdflib.plugins.shared.jsonld.keys import VOCAB as JSONLD_VOCAB

from app.config import ONTOLOGY_NS
from app.prefixes import project_prefixes
from app.rdf.json_text import dumps_indented
from app.rdf.memory_graph import triples

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


class _Compactor:
    """rdflib's JSON-LD compaction of a graph of IRIs and literals, its choices memoised.

    rdflib's serializer asks its ``Context`` which term, coercion and IRI form to
    use for every triple, and walks the graph again for each object (is it a
    list? a blank node referenced elsewhere?): ≈ 0.4 s a contract. The same
    ``Context`` makes the same choices here, once per predicate, datatype and
    language, and once per IRI; graphs with blank nodes or lists (never a
    contract's) go through rdflib itself.
    """

    def __init__(self, ctx: dict[str, Any]) -> None:
        self.context = JsonLdContext(ctx)
        self.keys: dict[tuple[str, str | None, str | None, bool], tuple[str, str]] = {}
        self.iris: dict[str, str] = {}
        # The context's keywords (``@id``… or their aliases): each a property that
        # looks its aliases up again at every read, thousands of times a contract.
        c = self.context
        self.id_key, self.type_key = c.id_key, c.type_key
        self.value_key, self.lang_key = c.value_key, c.lang_key

    def iri(self, iri: str) -> str:
        found = self.iris.get(iri)
        if found is None:
            found = self.iris[iri] = self.context.shrink_iri(iri)
        return found

    def key(self, p: URIRef, o: URIRef | Literal) -> tuple[str, str]:
        """The node's key for ``p`` with such an object, and how the object is written:
        ``coerced`` (the term's type applies), ``string``, ``type`` (a class name) or
        ``raw`` (rdflib's ``to_raw_value``)."""
        if isinstance(o, Literal):
            literal, language = True, o.language
            datatype = str(o.datatype) if o.datatype is not None else None
        else:
            literal, datatype, language = False, None, None
        memo = (str(p), datatype, language, literal)
        found = self.keys.get(memo)
        if found is None:
            found = self.keys[memo] = self._decide(p, literal, datatype, language)
        return found

    def _decide(
        self, p: URIRef, literal: bool, datatype: str | None, language: str | None
    ) -> tuple[str, str]:
        ctx = self.context
        if literal:
            term = ctx.find_term(str(p), datatype, language=language)
        else:
            term = next(
                (t for c in (JSONLD_ID, JSONLD_VOCAB, UNDEF) if (t := ctx.find_term(str(p), c))),
                None,
            )
        if term:
            if term.container:
                raise _Unsupported(f"conteneur {term.container}")
            if term.type:
                return term.name, f"coerce:{term.type}"
            if term.language and language == term.language:
                return term.name, "string"
            return term.name, "raw"
        key = ctx.to_symbol(p)
        key_term = ctx.terms.get(str(key))
        if key_term and (key_term.type or key_term.container):
            key = str(p)
        if p == RDF.type:
            return ctx.type_key, "raw" if literal else "type"
        return str(key), "raw"

    def value(self, o: URIRef | Literal, how: str) -> Any:
        """The object as rdflib writes it (``type_coerce``, then ``to_raw_value``)."""
        ctx = self.context
        if how == "type":
            return ctx.to_symbol(o)
        if how == "string":
            return str(o)
        if how.startswith("coerce:"):
            coercion = how[len("coerce:") :]
            if coercion == JSONLD_ID:
                return self.iri(str(o)) if isinstance(o, URIRef) else str(o)
            if coercion == JSONLD_VOCAB and isinstance(o, URIRef):
                return ctx.to_symbol(o)
            if isinstance(o, Literal) and str(o.datatype) == coercion:
                return str(o)
        if isinstance(o, URIRef):
            return {self.id_key: self.iri(str(o))}
        datatype, language = o.datatype, o.language
        native = datatype in PLAIN_LITERAL_TYPES
        v = o.toPython() if native else str(o)
        if datatype:
            return v if native else {self.type_key: ctx.to_symbol(datatype), self.value_key: v}
        if language and language != ctx.language:
            return {self.lang_key: language, self.value_key: v}
        return {self.value_key: v} if ctx.language and not language else v

    def nodes(self, graph: Graph) -> list[dict[str, Any]]:
        """The graph's nodes, each IRI shrunk once (keyed by the term, for this graph)
        and each predicate's key for IRI objects decided once: the checks of rdflib's
        term classes (abstract classes: ``isinstance`` runs in Python) are made only
        for what is not exactly an IRI or a literal."""
        nodes: dict[str, dict[str, Any]] = {}
        id_key = self.id_key
        shrunk: dict[URIRef, str] = {}
        iri_keys: dict[URIRef, tuple[str, str]] = {}  # predicate → (key, how), IRI objects
        for s, p, o in triples(graph):
            if type(s) is not URIRef:
                raise _Unsupported("nœud anonyme")
            node_id = shrunk.get(s)
            if node_id is None:
                node_id = shrunk[s] = self.iri(str(s))
            node = nodes.get(node_id)
            if node is None:
                node = nodes[node_id] = {id_key: node_id}
            kind = type(o)
            if kind is URIRef:
                decided = iri_keys.get(p)  # type: ignore[call-overload]
                if decided is None:
                    if p in _LIST_LINKS:
                        raise _Unsupported("liste RDF")
                    decided = iri_keys[p] = self.key(p, o)  # type: ignore[index, arg-type]
                key, how = decided
                if how == "coerce:@id":  # most values
                    value: Any = shrunk.get(o)  # type: ignore[call-overload]
                    if value is None:
                        value = shrunk[o] = self.iri(str(o))  # type: ignore[index]
                else:
                    value = self.value(o, how)  # type: ignore[arg-type]
            else:
                if kind is not Literal and not isinstance(o, URIRef | Literal):
                    raise _Unsupported("nœud anonyme")
                if p in _LIST_LINKS:
                    raise _Unsupported("liste RDF")
                key, how = self.key(p, o)  # type: ignore[arg-type]
                value = self.value(o, how)  # type: ignore[arg-type]
            present = node.get(key)
            if present is None:
                node[key] = value
            elif isinstance(present, list):
                present.append(value)
            else:
                node[key] = [present, value]
        return list(nodes.values())


_LIST_LINKS = frozenset((RDF.first, RDF.rest))


class _Unsupported(Exception):
    """A graph shape the memoised compaction leaves to rdflib."""


@lru_cache(maxsize=4)
def _compactor(ctx_json: str) -> _Compactor:
    return _Compactor(json.loads(ctx_json))


def _rdflib_nodes(graph: Graph, ctx: dict[str, Any]) -> list[Any]:
    data = json.loads(graph.serialize(format="json-ld", context=ctx, auto_compact=True))
    if isinstance(data, list):
        return data
    data.pop("@context", None)
    return data.pop("@graph", None) or ([data] if data else [])


def compacted(graph: Graph, ctx: dict[str, Any]) -> bytes:
    """The graph as JSON-LD compacted with ``ctx`` (embedded), in a deterministic form.

    Always ``{"@context": …, "@graph": [nodes]}``, nodes ordered by ``@id``,
    keys sorted, so the same triples give the same bytes in any process. The
    nodes are rdflib's compaction (:class:`_Compactor` makes its choices faster).
    """
    try:
        nodes: list[Any] = _compactor(json.dumps(ctx, sort_keys=True)).nodes(graph)
    except _Unsupported:
        nodes = _rdflib_nodes(graph, ctx)
    body = {"@context": ctx, "@graph": _sorted_nodes(nodes)}
    return (dumps_indented(body) + "\n").encode("utf-8")
