"""rdflib's JSON-LD compaction of a graph, its choices memoised (``app.rdf.context`` uses it).

rdflib's serializer asks its ``Context`` which term, coercion and IRI form to
use for every triple, and walks the graph again for each object (is it a
list? a blank node referenced elsewhere?): ≈ 0.4 s a contract. The same
``Context`` makes the same choices here (:class:`Compactor`), once per
predicate, datatype and language, and once per IRI; graphs with blank nodes
or lists (never a contract's) go through rdflib itself (:func:`rdflib_nodes`).
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.serializers.jsonld import PLAIN_LITERAL_TYPES
from rdflib.plugins.shared.jsonld.context import UNDEF
from rdflib.plugins.shared.jsonld.context import Context as JsonLdContext
from rdflib.plugins.shared.jsonld.keys import ID as JSONLD_ID
from rdflib.plugins.shared.jsonld.keys import VOCAB as JSONLD_VOCAB

from app.rdf.memory_graph import triples


class Compactor:
    """rdflib's JSON-LD compaction of a graph of IRIs and literals, its choices memoised
    (one per context: :func:`compactor`)."""

    LIMIT = 20_000

    def __init__(self, ctx: dict[str, Any]) -> None:
        self.context = JsonLdContext(ctx)
        self.keys: dict[tuple[str, str | None, str | None, bool], tuple[str, str]] = {}
        self.iris: dict[str, str] = {}
        # The context's keywords (``@id``… or their aliases): each a property that
        # looks its aliases up again at every read, thousands of times a contract.
        c = self.context
        self.id_key, self.type_key = c.id_key, c.type_key
        self.value_key, self.lang_key = c.value_key, c.lang_key

    def iri(self, iri: str, keep: bool = True) -> str:
        """The IRI's compacted form, kept if ``keep`` (a node's own IRI is not: most
        are a contract's own, never seen again). At most :attr:`LIMIT` are kept (a
        pool worker compacts ≈ 400 contracts)."""
        found = self.iris.get(iri)
        if found is None:
            found = self.context.shrink_iri(iri)
            if keep:
                if len(self.iris) >= self.LIMIT:
                    self.iris.clear()
                self.iris[iri] = found
        return found

    def key(self, p: URIRef, o: URIRef | Literal) -> tuple[str, str]:
        """The node's key for ``p`` with such an object, and how the object is written:
        ``coerced`` (the term's type applies), ``string``, ``type`` (a class name) or
        ``raw`` (rdflib's ``to_raw_value``)."""
        if isinstance(o, Literal):
            return self.literal_key(p, o)
        memo = (str(p), None, None, False)
        found = self.keys.get(memo)
        if found is None:
            found = self.keys[memo] = self._decide(p, False, None, None)
        return found

    def literal_key(self, p: URIRef, o: Literal) -> tuple[str, str]:
        """:meth:`key` of a literal object."""
        datatype = o.datatype
        memo = (str(p), None if datatype is None else str(datatype), o.language, True)
        found = self.keys.get(memo)
        if found is None:
            found = self.keys[memo] = self._decide(p, True, memo[1], memo[2])
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
                raise Unsupported(f"conteneur {term.container}")
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
                raise Unsupported("nœud anonyme")
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
                    if p in LIST_LINKS:
                        raise Unsupported("liste RDF")
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
                    raise Unsupported("nœud anonyme")
                if p in LIST_LINKS:
                    raise Unsupported("liste RDF")
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


LIST_LINKS = frozenset((RDF.first, RDF.rest))


class Unsupported(Exception):
    """A graph shape the memoised compaction leaves to rdflib."""


@lru_cache(maxsize=4)
def compactor(ctx_json: str) -> Compactor:
    return Compactor(json.loads(ctx_json))


def rdflib_nodes(graph: Graph, ctx: dict[str, Any]) -> list[Any]:
    data = json.loads(graph.serialize(format="json-ld", context=ctx, auto_compact=True))
    if isinstance(data, list):
        return data
    data.pop("@context", None)
    return data.pop("@graph", None) or ([data] if data else [])
