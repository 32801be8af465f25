"""One admin write, applied whole or not at all, checked, and recorded before the reply.

Every write — a SPARQL Update or a Graph Store PUT/POST/DELETE, which the
router turns into an update — runs here, with every query worker's store
closed (RocksDB allows one writer and no reader meanwhile):

1. the store's load record is marked ``dirty``: a server killed from here on
   reloads the store from the build and the annotation record at its next
   start, so the store never outlives the record it caches;
2. the graphs the update may write are read, the update applied in one store
   transaction (``Store.update``), and those graphs read again;
3. a change to a curated graph is refused (403), a change too large to be
   checked whole too (413: ``CVKG_MAX_WRITE_TRIPLES``, ``CVKG_MAX_WRITE_RESOURCES``),
   one repeating triples of the curated graphs (409), and one that violates the
   project's shapes (422 with the SHACL report); each is undone;
4. otherwise the new graphs are written to the annotation record (one atomic
   rename), the store record marked clean, and only then the client answered.
"""

from __future__ import annotations

import gc
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox

from app.server import store as store_record
from app.server.annotation_graphs import Content, GraphKey, Record, graph_lines, refusal
from app.server.write_checks import ShapeCheck, quads_of

T = TypeVar("T")


@dataclass
class Outcome:
    """What the write did: an HTTP status, a message, and a report body for a 422."""

    status: int
    message: str = ""
    report: bytes = b""
    existed: dict[GraphKey, bool] = field(default_factory=dict)


class Refused(Exception):
    def __init__(self, status: int, message: str, report: bytes = b"") -> None:
        super().__init__(message)
        self.status, self.message, self.report = status, message, report


def _node(key: GraphKey) -> ox.NamedNode | ox.DefaultGraph:
    return ox.DefaultGraph() if key is None else ox.NamedNode(key)


def content(store: ox.Store, key: GraphKey) -> Content:
    node = _node(key)
    if isinstance(node, ox.NamedNode) and not store.contains_named_graph(node):
        return None
    return graph_lines(store.quads_for_pattern(None, None, None, node))


def _restore(store: ox.Store, before: dict[GraphKey, Content]) -> None:
    """Put ``before`` back, in one transaction (the graphs as they were read)."""
    ops = []
    quads: list[str] = []
    for key, lines in before.items():
        ops.append("CLEAR DEFAULT" if key is None else f"DROP SILENT GRAPH <{key}>")
        if lines is not None and key is not None:
            ops.append(f"CREATE SILENT GRAPH <{key}>")
        quads += lines or []
    if quads:
        ops.append("INSERT DATA { " + insert_body(quads) + " }")
    store.update(" ;\n".join(ops))


def insert_body(nquads: list[str]) -> str:
    """N-Quads lines as the body of an ``INSERT DATA`` (``GRAPH <g> { … }`` blocks)."""
    by_graph: dict[GraphKey, list[ox.Triple]] = {}
    for q in ox.parse("\n".join(nquads).encode("utf-8"), format=ox.RdfFormat.N_QUADS):
        key = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else None
        by_graph.setdefault(key, []).append(ox.Triple(q.subject, q.predicate, q.object))
    parts = []
    for key, triples in by_graph.items():
        text = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
        parts.append(text if key is None else f"GRAPH <{key}> {{ {text} }}")
    return "\n".join(parts)


def run_update(store: ox.Store, update: str, base_iri: str | None) -> Outcome | None:
    """Apply ``update`` to ``store``; its refusal (400, 404, 409), or ``None`` once applied.

    Without ``SILENT``, SPARQL Update fails on a graph that is not there (``DROP``,
    ``CLEAR``, ``MOVE`` from it: 404) or already there (``CREATE``: 409, the state
    of the store, not the request, is at odds). pyoxigraph 0.5 raises these as
    ``RuntimeError`` (older versions: ``OSError``); they are the client's, not a 500.
    """
    try:
        store.update(update, base_iri=base_iri)
    except SyntaxError as exc:
        return Outcome(400, f"Mise à jour SPARQL invalide : {exc}")
    except (OSError, RuntimeError) as exc:
        message = str(exc)
        if "not exist" in message:
            return Outcome(404, f"Mise à jour refusée : {message}. (SILENT l'ignorerait.)")
        if "already exists" in message:
            return Outcome(409, f"Mise à jour refusée : {message}. (SILENT l'ignorerait.)")
        if isinstance(exc, RuntimeError):
            raise
        return Outcome(400, message)
    return None


def too_many_triples(
    store: ox.Store, keys: list[GraphKey], base: str, checks: ShapeCheck
) -> Outcome | None:
    """413 when the graphs ``keys`` hold more triples than a write may have checked
    (curated graphs aside: a change to one is refused anyway, by :func:`refuse_early`).

    Counted before they are read as lines: ``COPY`` of a large graph into an
    annotation graph is a short update whose result would be read, held and
    validated whole (the synthèse at 825 contracts: 3 GB and minutes, every
    query waiting). Counting stops one past the limit.
    """
    left = checks.max_triples
    for key in keys:
        node = _node(key)
        if refusal(key, base) is not None:
            continue
        if isinstance(node, ox.NamedNode) and not store.contains_named_graph(node):
            continue
        quads = store.quads_for_pattern(None, None, None, node)
        left -= sum(1 for _ in itertools.islice(quads, left + 1))
        if left < 0:
            return Outcome(413, checks.triples_refusal())
    return None


def written_quads(changed: dict[GraphKey, Content]) -> list[ox.Quad]:
    """The quads of the graphs a write changes, as they are after it: parsed once a
    write, for every check (a write may hold hundreds of thousands)."""
    return quads_of([line for lines in changed.values() for line in lines or []])


def refuse_early(
    changed: dict[GraphKey, Content],
    quads: list[ox.Quad],
    base: str,
    checks: ShapeCheck,
    select: Callable[[str], Any],
) -> Outcome | None:
    """The refusals known before the shapes' context is read: a change to a curated
    graph (403), a change too large to check whole (413), one repeating triples of
    the curated graphs (409; ``select`` runs the query that finds them); or ``None``.
    ``quads``: :func:`written_quads` of ``changed``."""
    curated = [message for key in changed if (message := refusal(key, base))]
    if curated:
        return Outcome(403, curated[0])
    if (why := unwritable_in_xml(quads)) is not None:
        return Outcome(400, why)
    if (why := checks.too_many_resources(quads)) is not None:
        return Outcome(413, why)
    if (why := checks.repeated(select, quads)) is not None:
        return Outcome(409, why)
    return None


# Characters XML 1.0 cannot hold, even escaped: a literal with one (« nul\x01 ») made
# every SPARQL XML result, RDF/XML answer and Graph Store read holding it malformed
# (rdflib's SPARQLStore, XML by default, failed on the whole dataset).
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def unwritable_in_xml(quads: list[ox.Quad]) -> str | None:
    """Why a written literal cannot be served in XML, or ``None``."""
    for quad in quads:
        if isinstance(quad.object, ox.Literal) and (bad := _NOT_IN_XML.search(quad.object.value)):
            return (
                f"Littéral « {quad.object.value[:40]!r} » : le caractère U+{ord(bad.group()):04X} "
                "ne s'écrit pas en XML (résultats SPARQL XML, RDF/XML). Retirez-le."
            )
    return None


def judge(quads: list[ox.Quad], context: list[str], checks: ShapeCheck) -> Outcome | None:
    """The refusal of a change :func:`refuse_early` let through (422 for shapes), or
    ``None``; ``quads``: :func:`written_quads` of the change."""
    # pySHACL may keep frames alive: it runs with no store open (a frame holding
    # the local store would keep RocksDB locked for the next write).
    report = checks.violations(quads, context)
    if report is not None:
        return Outcome(422, report[0], report[1])
    return None


def any_graph_refusal(graphs: list[GraphKey], base: str) -> Refused | None:
    """Why an update that may write any graph is refused, when ``graphs`` holds curated ones."""
    curated = [k for k in graphs if refusal(k, base) is not None]
    if not curated:
        return None
    return Refused(
        403,
        "Cette mise à jour peut écrire dans tous les graphes (ALL, NAMED ou GRAPH ?var), "
        f"y compris les graphes construits depuis les fichiers (<{curated[0]}>…). "
        f"Nommez les graphes visés : GRAPH <{base}graph/annotations/NOM>.",
    )


@dataclass
class Writer:
    """Applies writes to the store at ``store_path`` and keeps ``record`` in step."""

    store_path: Path
    record: Record
    base: str
    checks: ShapeCheck

    def apply(
        self, update: str, targets: set[GraphKey] | None, base_iri: str | None = None
    ) -> Outcome:
        """Run ``update`` (writing at most ``targets``; ``None`` = any graph) as one write."""
        store_record.mark_dirty(self.store_path)
        step = self._with_store(lambda store: self._run(store, update, targets, base_iri))
        if isinstance(step, Outcome):
            store_record.mark_clean(self.store_path, self.record.digest)
            return step
        before, changed, quads, context, existed = step
        outcome = judge(quads, context, self.checks) or Outcome(204, existed=existed)
        if outcome.status != 204:
            self._with_store(lambda store: _restore(store, {k: before[k] for k in changed}))
        elif changed:
            self.record.save(changed)
        store_record.mark_clean(self.store_path, self.record.digest)
        return outcome

    def _with_store(self, work: Callable[[ox.Store], T]) -> T:
        """``work`` on the store opened read-write, flushed and closed before returning.

        Flushed: what the write left in RocksDB's log would otherwise be replayed
        by every opening after it, each worker's included. After a 700,000-triple
        write (at 825 contracts) that made each reopening take 8-16 s, every
        query waiting; the flush takes 2-3 s once.
        """
        store = ox.Store(str(self.store_path))
        try:
            result = work(store)
            store.flush()
            return result
        finally:
            del store
            gc.collect()  # closes RocksDB before the workers reopen it

    def _run(
        self, store: ox.Store, update: str, targets: set[GraphKey] | None, base_iri: str | None
    ) -> (
        Outcome
        | tuple[dict[GraphKey, Content], dict[GraphKey, Content], list[ox.Quad], list[str], Any]
    ):
        """Apply the update; the graphs before, those it changed, their quads after it,
        and their context."""
        try:
            keys = self._keys(store, targets)
        except Refused as refused:
            return Outcome(refused.status, refused.message)
        before = {key: content(store, key) for key in keys}
        existed = {key: lines is not None for key, lines in before.items()}
        failed = run_update(store, update, base_iri)
        if failed is not None:
            return failed
        try:
            large = too_many_triples(store, keys, self.base, self.checks)
            if large is not None:
                _restore(store, before)
                return large
            after = {key: content(store, key) for key in keys}
            changed = {key: lines for key, lines in after.items() if lines != before[key]}
            quads = written_quads(changed)
            early = refuse_early(changed, quads, self.base, self.checks, store.query)
            if early is not None:
                _restore(store, {k: before[k] for k in changed})
                return early
            context = self.checks.context(store, quads)
        except BaseException:
            _restore(store, before)
            raise
        return before, changed, quads, context, existed

    def _keys(self, store: ox.Store, targets: set[GraphKey] | None) -> list[GraphKey]:
        if targets is not None:
            return sorted(targets, key=lambda k: k or "")
        every: list[GraphKey] = [None]
        every += sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
        refused = any_graph_refusal(every, self.base)
        if refused is not None:
            raise refused
        return every
