"""rdflib's memory store for one contract's graph, with the parts the build never reads
made only when something asks for them.

The build adds ≈ 4 500 triples to a contract's two graphs (the RDF stage, the
enrichment, the synthèse facts) and reads them back through the spo and pos
indexes only (the validator, the enrichment, the synthèse, the files: all
through :mod:`app.rdf.memory_graph`). rdflib's ``Memory`` store writes, for each
triple, an osp index and two sets of triples too (the graph's, the default
graph's): more than half of what adding a contract's triples costs, and of what
freeing them costs (measured on the synthetic contracts: 18.4 → 8.5 ms to add,
5.8 → 1.8 ms to free, a contract).

:class:`LazyMemory` is that store with those three parts deferred. While it
holds the triples of one graph added and removed through
:meth:`LazyMemory.add_triples` and :meth:`LazyMemory.remove_triples`, it writes
spo and pos as ``Memory`` does and keeps a log of the triples added and removed.
The first time any other code touches a deferred part — every ``Memory`` method
reaches them through the names ``_Memory__osp`` and ``_Memory__contextTriples``,
which are properties here — the log is replayed into them: the same operations
on the same dictionaries and sets, in the same order, as rdflib's ``add`` and
``remove`` of each triple in turn would have made, so the same contents and the
same iteration order (a dictionary's or a set's layout depends only on the
sequence of insertions and deletions made into it). From then on the store is
rdflib's ``Memory``, unchanged (:meth:`LazyMemory.settle`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from rdflib import Graph
from rdflib.plugins.stores.memory import Memory
from rdflib.term import Node

Triple = tuple[Node, Node, Node]
Nested = dict[Any, dict[Any, Any]]  # a → b → {c: …}: rdflib's memory-store layout


def fill(spo: Nested, pos: Nested, triples: Iterable[Triple], new: list[Any]) -> None:
    """Write each of ``triples`` not yet in ``spo`` into spo and pos as ``Memory.add``
    does, and append it to ``new`` (in order): what the other structures then get."""
    append = new.append
    # One hash of each key a level (``setdefault``): a literal hashes in Python (≈ 1 µs).
    for s, p, o in triples:
        objects = spo.setdefault(s, {}).setdefault(p, {})
        n = len(objects)
        objects[o] = 1  # (an existing key keeps its object, as in Graph.add)
        if len(objects) == n:
            continue  # already there: Graph.add changes nothing
        pos.setdefault(p, {}).setdefault(o, {})[s] = 1
        append((s, p, o))


class Removed(NamedTuple):
    """A triple removed, in the log (what was added is logged as the triple itself)."""

    triple: Triple


class LazyMemory(Memory):
    """``Memory`` whose osp index and triple sets are made when first read (module docstring).

    ``log`` is ``None`` once they are made (settled); ``owner`` is the context of the one
    graph the log is about, ``count`` its number of triples.
    """

    def __init__(self, configuration: str | None = None, identifier: Any = None) -> None:
        self.log: list[Triple | Removed] | None = []
        self.owner: str | None = None
        self.count = 0
        self._osp_index: Nested = {}
        self._by_context: dict[str | None, set[Triple]] = {}
        super().__init__(configuration, identifier)

    # Every ``Memory`` method reads these two through ``self.__osp`` and
    # ``self.__contextTriples`` (names mangled to the ones below): made before use.
    def _get_osp(self) -> Nested:
        if self.log is not None:
            self.settle()
        return self._osp_index

    def _set_osp(self, value: Nested) -> None:
        self._osp_index = value

    def _get_by_context(self) -> dict[str | None, set[Triple]]:
        if self.log is not None:
            self.settle()
        return self._by_context

    def _set_by_context(self, value: dict[str | None, set[Triple]]) -> None:
        self._by_context = value

    _Memory__osp = property(_get_osp, _set_osp)
    _Memory__contextTriples = property(_get_by_context, _set_by_context)

    def settle(self) -> None:
        """Make the deferred parts from the log: from now on, rdflib's ``Memory`` as it is."""
        log = self.log
        if log is None:
            return
        self.log = None
        osp, by_context, owner = self._osp_index, self._by_context, self.owner
        everything = by_context[None]
        mine = by_context.get(owner)
        for entry in log:
            if isinstance(entry, Removed):  # Memory.remove of one triple (Graph.remove)
                triple = entry.triple
                s, p, o = triple
                mine.remove(triple)  # type: ignore[union-attr]  # (added before)
                everything.remove(triple)
                del osp[o][s][p]
                if not mine:  # a graph's emptied context goes (Memory.remove)
                    del by_context[owner]
                    mine = None
                continue
            s, p, o = entry  # Memory.add of a new triple (Graph.add)
            osp.setdefault(o, {}).setdefault(s, {})[p] = 1
            everything.add(entry)
            if mine is None:
                mine = by_context[owner] = set()
            mine.add(entry)

    def _own(self, graph: Graph) -> bool:
        """Whether the log can take ``graph``'s triples: not settled, nobody listening to
        the store's events, and ``graph`` the one graph it holds (or will hold)."""
        if self.log is None or getattr(self.dispatcher, "_dispatch_map", None):
            return False
        ctx = self._Memory__ctx_to_str(graph)  # type: ignore[attr-defined]  # (maps it, as add does)
        if self.owner is None:
            self.owner = ctx
        return ctx == self.owner

    def add_triples(self, graph: Graph, triples: Iterable[Triple]) -> bool:
        """``graph.add`` of each triple in turn, the deferred parts logged; ``False``
        (nothing done) when the store is not in the state the log can describe."""
        if not self._own(graph):
            return False
        spo, pos = self._Memory__spo, self._Memory__pos  # type: ignore[attr-defined]
        log = self.log
        assert log is not None
        before = len(log)
        fill(spo, pos, triples, log)
        added = len(log) - before
        if added and not self.count:  # the graph's first triple (Memory.add's bookkeeping)
            self._Memory__all_contexts.add(graph)  # type: ignore[attr-defined]
            if self._Memory__defaultContexts is None:  # type: ignore[has-type]
                self._Memory__defaultContexts = {self.owner: False, None: False}
        self.count += added
        return True

    def remove_triples(self, graph: Graph, triples: Iterable[Triple]) -> bool:
        """``graph.remove`` of each (fully given) triple in turn; ``False`` (nothing done)
        as :meth:`add_triples`."""
        if not self._own(graph):
            return False
        spo, pos = self._Memory__spo, self._Memory__pos  # type: ignore[attr-defined]
        log = self.log
        assert log is not None
        for s, p, o in triples:
            objects = spo.get(s, {}).get(p)
            if objects is None or o not in objects:
                continue  # not in the graph: Graph.remove changes nothing
            del objects[o]
            del pos[p][o][s]
            log.append(Removed((s, p, o)))
            self.count -= 1
        return True

    def own_indexes(self, graph: Graph) -> tuple[Nested, Nested] | None:
        """spo and pos while they hold exactly ``graph``'s triples, unsettled (``None``
        when the graph has none: as ``memory_graph.own_indexes`` on a ``Memory``)."""
        if self.log is None or not self.count or not self._own(graph):
            return None
        return self._Memory__spo, self._Memory__pos  # type: ignore[attr-defined]

    def __len__(self, context: Any = None) -> int:
        if self.log is None:
            return super().__len__(context)
        ctx = self._Memory__ctx_to_str(context)  # type: ignore[attr-defined]
        return self.count if ctx is None or ctx == self.owner else 0

    def clear(self) -> None:
        """Forget every triple at once (``memory_graph.release``), unsettled."""
        self._Memory__spo.clear()  # type: ignore[attr-defined]
        self._Memory__pos.clear()  # type: ignore[attr-defined]
        self.log = []
        self.count = 0


def _copied(trie: dict[str, Any]) -> dict[str, Any]:
    return {k: _copied(v) for k, v in trie.items()}


def graph_like(template: Graph) -> Graph | None:
    """An empty graph in its own :class:`LazyMemory` store, bound to ``template``'s
    prefixes as the same ``bind`` calls would have bound it; ``None`` when rdflib's
    layout is not the one known here.

    Binding the project's prefixes cost ≈ 1.7 ms a graph (≈ 70 binds, rdflib's own
    then the project's, each checking the store and filling the namespace manager's
    trie); their outcome is two dictionaries in the store (prefix → namespace and
    back, in binding order) and the trie: copied from a graph that made them, with
    the namespace manager's caches empty, as after binding. (``template``'s namespace
    manager must not have been used: its caches would differ.)
    """
    source = template.namespace_manager
    store = LazyMemory()
    graph = Graph(store=store)
    try:
        from rdflib.namespace import NamespaceManager

        kept = template.store
        tries = source._NamespaceManager__trie, source._NamespaceManager__strie  # type: ignore[attr-defined]
        if source._NamespaceManager__cache or source._NamespaceManager__cache_strict:  # type: ignore[attr-defined]
            return None
        manager = NamespaceManager(graph, bind_namespaces="none")
        manager._NamespaceManager__trie = _copied(tries[0])  # type: ignore[attr-defined]
        manager._NamespaceManager__strie = _copied(tries[1])  # type: ignore[attr-defined]
        store._Memory__namespace.update(kept._Memory__namespace)  # type: ignore[attr-defined]
        store._Memory__prefix.update(kept._Memory__prefix)  # type: ignore[attr-defined]
    except AttributeError:
        return None
    graph.namespace_manager = manager
    return graph
