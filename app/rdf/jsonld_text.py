"""A graph's compacted JSON-LD nodes written as the build's text in one pass.

The build's JSON-LD file is ``json.dumps(body, ensure_ascii=False, indent=1)``
(``app.rdf.json_text``) of ``{"@context": …, "@graph": nodes}``, the nodes as
rdflib compacts them (``app.rdf.compaction``) with every set in the order of
its items' JSON (``app.rdf.context._sorted_values``: keys sorted, arrays by
``json.dumps(item, ensure_ascii=False, sort_keys=True)``, nodes by their
``@id``). Making the nodes as dictionaries, copying them sorted, then writing
them encoded each string twice and walked each value three times: ≈ 30 ms of
a contract's 3 800 triples. Here each node is written as it is read (subject
after subject, from the graph's index: ``memory_graph.by_subject``), or by
the pass that writes the graph's other files (``app.rdf.triples_text``). A
contract's ≈ 3 800 triples are ≈ 700 distinct (predicate, object) pairs: each
pair's member of a node (:data:`Member`: its key, its text, UTF-8 encoded) is
made once, and a node is its members sorted and joined. Each distinct
value's JSON is its own sort key. The text is written as UTF-8 bytes, each
piece encoded once (encoding a contract's whole text again, mostly Latin-1
with accents, is ≈ 1 ms).

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
from app.rdf.memory_graph import by_subject

# A value: the JSON a set is sorted by (compact, keys sorted), and its text as a key's
# only value and as an array's item (a dictionary's members one a line, indented).
Item = tuple[str, bytes, bytes]
# An object of a predicate as a node's member: its key, its text when it is the key's
# only value, the key's text before its value, and the value (a node's members are
# in the order of their keys, then of their values' JSON).
Member = tuple[str, bytes, bytes, Item]
_FIRST = itemgetter(0)
# (a member may end a longer record: its fields counted from the end)
_KEY, _PIECE = itemgetter(-4), itemgetter(-3)


def _item(value: Any) -> Item:
    """A compacted value's texts (a dictionary's compact JSON, keys sorted, is what
    ``json.dumps(value, ensure_ascii=False, sort_keys=True)`` writes)."""
    kind = type(value)
    if kind is str:
        text = encode_basestring(value)
    elif kind is bool:
        text = "true" if value else "false"
    elif kind is int:
        text = int.__repr__(value)
    elif kind is float and math.isfinite(value):
        text = float.__repr__(value)
    elif (
        kind is dict and value and all(type(k) is str and type(v) is str for k, v in value.items())
    ):
        pairs = sorted(value.items())
        members = [f"{encode_basestring(k)}: {encode_basestring(v)}" for k, v in pairs]
        at3, at4 = ",\n    ".join(members), ",\n     ".join(members)
        return (
            "{" + ", ".join(members) + "}",
            f"{{\n    {at3}\n   }}".encode(),
            f"{{\n     {at4}\n    }}".encode(),
        )
    else:
        raise Unsupported(f"valeur {kind.__name__}")
    encoded = text.encode()
    return text, encoded, encoded


def _order(member: Member) -> tuple[str, str]:
    return member[-4], member[-1][0]


class Nodes:
    """One graph's writing: each IRI's and value's text made once (keyed by the term
    object's id: the graph holds them while this lives; rdflib terms compare, and
    literals hash, in Python)."""

    def __init__(self, compactor: Compactor) -> None:
        if compactor.id_key != "@id":
            raise Unsupported("@id")
        self.compactor = compactor
        self.iri_keys: dict[int, tuple[str, str]] = {}  # id(predicate) → key, IRI objects
        self.iris: dict[int, Item] = {}  # id(IRI) → its compacted form's JSON text
        self.items: dict[str, dict[int, Item]] = {}  # how it is written → id(term) → item
        self.keys: dict[str, bytes] = {}  # a node's key → its text before a value

    def iri(self, term: URIRef, keep: bool = True) -> Item:
        """The IRI's compacted form as an item (``keep``: ``Compactor.iri``'s)."""
        found = self.iris.get(id(term))
        if found is None:
            text = encode_basestring(self.compactor.iri(str(term), keep))
            encoded = text.encode()
            found = self.iris[id(term)] = (text, encoded, encoded)
        return found

    def item(self, term: URIRef | Literal, how: str) -> Item:
        by_term = self.items.get(how)
        if by_term is None:
            by_term = self.items[how] = {}
        found = by_term.get(id(term))
        if found is None:
            found = by_term[id(term)] = _item(self.compactor.value(term, how))
        return found

    def member(self, p: Any, o: Any) -> Member:
        """The object ``o`` of the predicate ``p`` as a node's member."""
        if p in LIST_LINKS:
            raise Unsupported("liste RDF")
        kind = type(o)
        item: Item
        if kind is URIRef:
            decided = self.iri_keys.get(id(p))
            if decided is None:
                decided = self.iri_keys[id(p)] = self.compactor.key(p, o)
            key, how = decided
            item = self.iri(o) if how == "coerce:@id" else self.item(o, how)  # most: the first
        elif kind is Literal:
            key, how = self.compactor.literal_key(p, o)
            item = self.item(o, how)
        else:
            raise Unsupported("nœud anonyme")
        if key <= "@id":
            raise Unsupported(f"clé {key}")  # "@id" is not the node's first key
        head = self.keys.get(key)
        if head is None:
            head = self.keys[key] = f",\n   {encode_basestring(key)}: ".encode()
        return key, head + item[1], head, item

    def node(self, s: Any, members: list[Any]) -> tuple[bytes, bytes]:
        """The node's ``@id`` text and its whole text at the level of the ``@graph``'s
        items (``members``: at least one, in any order; each a :data:`Member` or a
        tuple ending with one)."""
        if type(s) is not URIRef:
            raise Unsupported("nœud anonyme")
        node_id = self.iri(s, False)[1]
        if len(members) == 1:
            return node_id, b'{\n   "@id": ' + node_id + members[0][-3] + b"\n  }"
        members = sorted(members, key=_KEY)
        if len(set(map(_KEY, members))) == len(members):  # one value a key
            text = b"".join(map(_PIECE, members))
            return node_id, b'{\n   "@id": ' + node_id + text + b"\n  }"
        members.sort(key=_order)  # items of one sort key have one text
        out = [b'{\n   "@id": ', node_id]
        at, n = 0, len(members)
        while at < n:
            key, end = members[at][-4], at + 1
            while end < n and members[end][-4] == key:
                end += 1
            if end == at + 1:
                out.append(members[at][-3])
            else:
                items = b",\n    ".join([m[-1][2] for m in members[at:end]])
                out.append(members[at][-2] + b"[\n    " + items + b"\n   ]")
            at = end
        out.append(b"\n  }")
        return node_id, b"".join(out)


def graph_text(compactor: Compactor, graph: Graph) -> list[bytes]:
    """The texts of the ``@graph``'s nodes, in its order (:func:`ordered`)."""
    writer = Nodes(compactor)
    nodes: list[tuple[bytes, bytes]] = []
    member = writer.member
    by_predicate: dict[int, dict[int, Member]] = {}
    for s, grouped in by_subject(graph):
        members: list[Member] = []
        add = members.append
        for p, objects in grouped:
            if not objects:
                continue
            mine = by_predicate.get(id(p))
            if mine is None:
                mine = by_predicate[id(p)] = {}
            for o in objects:
                found = mine.get(id(o))
                if found is None:
                    found = mine[id(o)] = member(p, o)
                add(found)
        if members:
            nodes.append(writer.node(s, members))
    return ordered(nodes)


def ordered(nodes: list[tuple[bytes, bytes]]) -> list[bytes]:
    """The texts of the nodes (``(@id's text, node's text)``) in the order of the
    ``@graph``'s array: by their ``@id``'s JSON (UTF-8 keeps the order of the code
    points; they all begin with it, and two JSON strings differ before either ends)."""
    if len({node_id for node_id, _ in nodes}) < len(nodes):
        raise Unsupported("deux sujets, un @id")
    nodes.sort(key=_FIRST)
    return [text for _, text in nodes]
