"""A graph's compacted JSON-LD nodes written as the build's text in one pass.

The build's JSON-LD file is ``json.dumps(body, ensure_ascii=False, indent=1)``
(``app.rdf.json_text``) of ``{"@context": …, "@graph": nodes}``, the nodes as
rdflib compacts them (``app.rdf.compaction``) with every set in the order of
its items' JSON (``app.rdf.context._sorted_values``: keys sorted, arrays by
``json.dumps(item, ensure_ascii=False, sort_keys=True)``, nodes by their
``@id``). Making the nodes as dictionaries, copying them sorted, then writing
them encoded each string twice and walked each value three times: ≈ 30 ms of
a contract's 3 800 triples. Here each node is written as it is read (subject
after subject, from the graph's index: ``memory_graph.by_subject``), each
distinct value's JSON is made once (keyed by the term object and how it is
written) and is its own sort key.

Whatever this does not write the same way raises ``Unsupported``, and the
graph goes the long way: blank nodes, lists, an ``@id`` key aliased or not
first among a node's keys, two subjects compacted to one ``@id``, values other
than strings, booleans, integers, finite floats and dictionaries of strings.
"""

from __future__ import annotations

import math
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from operator import itemgetter
from typing import Any

from rdflib import Graph, Literal, URIRef

from app.rdf.compaction import LIST_LINKS, Compactor, Unsupported
from app.rdf.json_text import indent
from app.rdf.memory_graph import by_subject

# A value: the JSON a set is sorted by (compact, keys sorted), and its text where
# it does not depend on the indent (else ``None``, and its members' texts).
Item = tuple[str, str | None, list[tuple[str, str]] | None]
_SORT = itemgetter(0)


def _item(value: Any) -> Item:
    """A compacted value's texts (a dictionary's compact JSON, keys sorted, is what
    ``json.dumps(value, ensure_ascii=False, sort_keys=True)`` writes)."""
    kind = type(value)
    if kind is str:
        text = encode_basestring(value)
        return text, text, None
    if kind is bool:
        return ("true", "true", None) if value else ("false", "false", None)
    if kind is int:
        text = int.__repr__(value)
        return text, text, None
    if kind is float and math.isfinite(value):
        text = float.__repr__(value)
        return text, text, None
    if kind is dict and value and all(type(k) is str and type(v) is str for k, v in value.items()):
        members = [(encode_basestring(k), encode_basestring(v)) for k, v in sorted(value.items())]
        return "{" + ", ".join(f"{k}: {v}" for k, v in members) + "}", None, members
    raise Unsupported(f"valeur {kind.__name__}")


def _write(item: Item, level: int, out: list[str]) -> None:
    """An item at ``level``: a dictionary's members one a line, one space a level."""
    if item[1] is not None:
        out.append(item[1])
        return
    inner, separator = indent(level + 1), "{"
    for key, value in item[2]:  # type: ignore[union-attr]
        out.append(f"{separator}{inner}{key}: {value}")
        separator = ","
    out.append(indent(level) + "}")


class _Nodes:
    """One graph's writing: each IRI's and value's text made once (keyed by the term
    object's id: the graph holds them while this lives; rdflib terms compare, and
    literals hash, in Python)."""

    def __init__(self, compactor: Compactor) -> None:
        self.compactor = compactor
        self.iri_keys: dict[int, tuple[str, str]] = {}  # id(predicate) → key, IRI objects
        self.iris: dict[int, Item] = {}  # id(IRI) → its compacted form's JSON text
        self.items: dict[str, dict[int, Item]] = {}  # how it is written → id(term) → item
        self.keys: dict[str, str] = {}  # a node's key → its JSON text

    def iri(self, term: URIRef) -> Item:
        """The IRI's compacted form as an item (its text twice: alone and as sort key)."""
        found = self.iris.get(id(term))
        if found is None:
            text = encode_basestring(self.compactor.iri(str(term)))
            found = self.iris[id(term)] = (text, text, None)
        return found

    def item(self, term: URIRef | Literal, how: str) -> Item:
        by_term = self.items.get(how)
        if by_term is None:
            by_term = self.items[how] = {}
        found = by_term.get(id(term))
        if found is None:
            found = by_term[id(term)] = _item(self.compactor.value(term, how))
        return found

    def node(self, s: Any, by_predicate: Any) -> tuple[str, str] | None:
        """The node's ``@id`` text and its whole text at the level of the ``@graph``'s
        items, or ``None`` when it has no triple."""
        if type(s) is not URIRef:
            raise Unsupported("nœud anonyme")
        compactor, iri = self.compactor, self.iri
        members: dict[str, list[Item]] = {}
        for p, objects in by_predicate:
            if not objects:
                continue
            if p in LIST_LINKS:
                raise Unsupported("liste RDF")
            iri_decided = None
            for o in objects:
                kind = type(o)
                item: Item
                if kind is URIRef:
                    if iri_decided is None:
                        iri_decided = self.iri_keys.get(id(p))
                        if iri_decided is None:
                            iri_decided = self.iri_keys[id(p)] = compactor.key(p, o)
                    key, how = iri_decided
                    # most values: the IRI's compacted form
                    item = iri(o) if how == "coerce:@id" else self.item(o, how)
                elif kind is Literal:
                    key, how = compactor.literal_key(p, o)
                    item = self.item(o, how)
                else:
                    raise Unsupported("nœud anonyme")
                found = members.get(key)
                if found is None:
                    members[key] = [item]
                else:
                    found.append(item)
        if not members:
            return None
        node_id = iri(s)[0]
        out = ['{\n   "@id": ', node_id]
        for key in sorted(members):
            if key <= "@id":
                raise Unsupported(f"clé {key}")  # "@id" is not the node's first key
            key_text = self.keys.get(key)
            if key_text is None:
                key_text = self.keys[key] = encode_basestring(key)
            out.append(f",\n   {key_text}: ")
            items = members[key]
            if len(items) == 1:
                if items[0][1] is None:
                    _write(items[0], 3, out)
                else:
                    out.append(items[0][1])
                continue
            items.sort(key=_SORT)  # items of one sort key have one text
            separator = "["
            for item in items:
                out.append(separator + "\n    ")
                _write(item, 4, out)
                separator = ","
            out.append("\n   ]")
        out.append("\n  }")
        return node_id, "".join(out)


def graph_text(compactor: Compactor, graph: Graph) -> str:
    """The text of the ``@graph``'s array (the nodes, level 1, sorted by their ``@id``'s
    JSON: they all begin with it, and two JSON strings differ before either ends)."""
    if compactor.id_key != "@id":
        raise Unsupported("@id")
    writer = _Nodes(compactor)
    nodes = [n for s, by_p in by_subject(graph) if (n := writer.node(s, by_p)) is not None]
    if not nodes:
        return "[]"
    if len({node_id for node_id, _ in nodes}) < len(nodes):
        raise Unsupported("deux sujets, un @id")
    nodes.sort(key=_SORT)
    return "[\n  " + ",\n  ".join(text for _, text in nodes) + "\n ]"
