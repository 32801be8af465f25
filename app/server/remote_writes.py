"""Admin writes into an external SPARQL engine (``CVKG_SPARQL_UPDATE_ENDPOINT``).

The guarantees of a local write (``writes.py``) over an engine this server
does not own:

* **validated before anything is stored**: the graphs the update writes (and
  those its ``WHERE`` names) are read from the engine into a scratch in-memory
  store, the update is applied there, and the changed graphs go through the
  same refusals as locally (curated graph: 403; shapes: 422 with the report,
  read against the engine's data) before the engine sees anything;
* **whole or not at all**: the new content of every changed graph goes to the
  engine in one SPARQL Update request (one transaction in Oxigraph's server),
  each operation guarded by the version read at the start, the last one
  replacing that version: if another replica wrote in between, nothing of this
  write applies and the client gets 409 (retry);
* **one data version for every replica**: the engine keeps it in the graph
  ``{base}graph/ecritures`` (``owl:versionInfo``, ``dcterms:modified``, and
  ``dcterms:hasVersion`` for every version written, so that a writer knows
  its write passed even when another followed at once);
  the replica that wrote knows it at once, the others re-read it every
  ``CVKG_REMOTE_VERSION_TTL`` seconds (:class:`app.server.remote.RemotePool`);
* **durable** as the engine is (Oxigraph's server commits before answering):
  the engine holds the annotation graphs, not the local record
  (``var/annotations/graphes.nq``, which this mode neither reads nor writes);
  ``cvkg publish`` replaces only the build's graphs, so they survive it.

An update whose ``WHERE`` may read any graph (``GRAPH ?g``) cannot be
evaluated on a copy of some graphs: it is refused (400) with what to write
instead. The default graph of such an engine is the union of its graphs: a
write to it is refused (403).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
import pyoxigraph as ox

from app import queries
from app.server.annotation_graphs import VERSION_GRAPH, Content, GraphKey, render
from app.server.targets import graphs_read
from app.server.write_checks import ShapeCheck
from app.server.writes import (
    Outcome,
    any_graph_refusal,
    content,
    insert_body,
    judge,
    refuse_early,
    run_update,
    too_many_triples,
    written_quads,
)

OWL_VERSION = "http://www.w3.org/2002/07/owl#versionInfo"
MODIFIED = "http://purl.org/dc/terms/modified"
HAS_VERSION = "http://purl.org/dc/terms/hasVersion"  # every version written, one per write
_XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"


class EngineError(Exception):
    """The engine could not be reached or refused: an HTTP status and a message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class RemoteWriter:
    """Writes through the engine's update endpoint; reads through ``select`` (the query URL)."""

    client: httpx.Client
    query_url: str
    update_url: str | None
    base: str
    checks: ShapeCheck
    current: str = field(default="", init=False)  # the engine's write version, as last read

    def version(self) -> str:
        """The write version the engine holds now ("" before any write)."""
        query = queries.load("version-ecritures")
        rows = self._select(query.bind({"g": [self.base + VERSION_GRAPH]}, base=self.base))
        # A row without ?version (an engine answering other variables) is no version:
        # taken as one, it ended the replica's start-up with an AttributeError.
        self.current = max((v.value for r in rows if (v := r["version"]) is not None), default="")
        return self.current

    def apply(self, update: str, targets: set[GraphKey] | None, base_iri: str | None) -> Outcome:
        """Run ``update`` (writing at most ``targets``) as one write into the engine."""
        try:
            return self._apply(update, targets, base_iri)
        except EngineError as exc:
            return Outcome(exc.status, exc.message)

    def _apply(self, update: str, targets: set[GraphKey] | None, base_iri: str | None) -> Outcome:
        if self.update_url is None:
            return Outcome(
                403,
                "Moteur SPARQL externe en lecture seule : définir CVKG_SPARQL_UPDATE_ENDPOINT "
                "(son URL de mise à jour) pour y écrire, "
                "ou publier une construction (cvkg publish).",
            )
        if targets is None:  # the engine holds the build: such a write could reach it
            refused = any_graph_refusal([self.base + "graph/contrat/…"], self.base)
            assert refused is not None
            return Outcome(403, refused.message)
        read = graphs_read(update, base_iri)
        if read is None:
            return Outcome(
                400,
                "Moteur SPARQL externe : une mise à jour dont le WHERE lit « GRAPH ?variable » "
                "ne peut pas être validée avant d'être écrite. Nommez les graphes lus "
                "(GRAPH <…>), ou lisez-les puis envoyez INSERT DATA / DELETE DATA.",
            )
        old = self.version()
        scope = sorted({k for k in targets if k is not None} | read)
        scratch = ox.Store()
        scratch.extend(self._contents(scope))
        keys = sorted(targets, key=lambda k: k or "")
        before = {key: content(scratch, key) for key in keys}
        existed = {key: lines is not None for key, lines in before.items()}
        failed = run_update(scratch, update, base_iri)
        if failed is not None:
            return failed
        if (large := too_many_triples(scratch, keys, self.base, self.checks)) is not None:
            return large
        after = {key: content(scratch, key) for key in keys}
        changed = {key: lines for key, lines in after.items() if lines != before[key]}
        if None in changed:
            return Outcome(
                403,
                "Moteur SPARQL externe : son graphe par défaut est l'union de ses graphes, "
                "il ne s'écrit pas. Écrivez dans un graphe nommé "
                f"<{self.base}graph/annotations/NOM>.",
            )
        quads = written_quads(changed)
        if (
            early := refuse_early(changed, quads, self.base, self.checks, self._select)
        ) is not None:
            return early
        outcome = judge(quads, self._context(changed, quads, before), self.checks)
        if outcome is not None:
            return outcome
        if changed:
            new = hashlib.sha256((old + render(changed)).encode("utf-8")).hexdigest()[:12]
            self._send(guarded_update(changed, self.base + VERSION_GRAPH, old, new))
            if not self._written(new):
                return Outcome(
                    409,
                    "Une autre écriture est passée dans le moteur SPARQL externe pendant "
                    "celle-ci : rien n'a été écrit. Relisez, puis réessayez.",
                )
        return Outcome(204, existed=existed)

    def _written(self, version: str) -> bool:
        """Whether the engine ever held ``version`` (another write may have followed it)."""
        graph = self.base + VERSION_GRAPH
        query = queries.load("version-ecrite")
        text = query.bind({"g": [graph], "version": [version]}, base=self.base)
        body = self._post(self.query_url, {"query": text}, "application/sparql-results+json")
        return bool(ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON))

    def _contents(self, graphs: list[str]) -> list[ox.Quad]:
        if not graphs:
            return []
        query = queries.load("graphes-contenu")
        rows = self._select(query.bind({"g": graphs}, base=self.base))
        return [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows]  # type: ignore[arg-type]

    def _context(
        self,
        changed: dict[GraphKey, Content],
        quads: list[ox.Quad],
        before: dict[GraphKey, Content],
    ) -> list[str]:
        """The shapes' context read from the engine, without the old triples being replaced
        (``quads``: the changed graphs after the write)."""
        text = self.checks.context_query(quads)
        if text is None:
            return []
        body = self._post(self.query_url, {"query": text}, "application/n-triples")
        found = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        lines = (ox.serialize(found, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
        stale = set(_triples([line for key in changed for line in before[key] or []]))
        return [line for line in lines.splitlines() if line and line not in stale]

    def _select(self, query: str) -> list[ox.QuerySolution]:
        body = self._post(self.query_url, {"query": query}, "application/sparql-results+json")
        return list(ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON))  # type: ignore[arg-type]

    def _whole(self, url: str, data: dict[str, str], accept: str) -> tuple[int, bytes] | None:
        """The engine's status and answer, read whole within the client's time (``None``
        past it): its timeout is per read, so an answer that trickles in forever (a
        byte a second) held the replica's start-up and its poll for good."""
        deadline = time.monotonic() + (self.client.timeout.read or 30.0)
        with self.client.stream("POST", url, data=data, headers={"Accept": accept}) as response:
            chunks = []
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    return None
            return response.status_code, b"".join(chunks)

    def _send(self, update: str) -> None:
        assert self.update_url is not None
        self._post(self.update_url, {"update": update}, "*/*")

    def _post(self, url: str, data: dict[str, str], accept: str) -> bytes:
        late = EngineError(504, f"Moteur SPARQL externe : pas de réponse à temps de {url}.")
        try:
            response = self._whole(url, data, accept)
        except httpx.TimeoutException:
            raise late from None
        except httpx.HTTPError as exc:
            raise EngineError(503, f"Moteur SPARQL externe injoignable ({url}) : {exc}") from exc
        if response is None:
            raise late
        status, body = response
        if status >= 300:
            raise EngineError(
                502,
                f"Le moteur SPARQL externe ({url}) a refusé la requête : HTTP "
                f"{status} {body[:300].decode('utf-8', 'replace')}",
            )
        return body


def _triples(nquads: list[str]) -> list[str]:
    """N-Quads lines as the N-Triples lines of their triples."""
    if not nquads:
        return []
    quads = ox.parse("\n".join(nquads).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode().splitlines()


def guarded_update(changed: dict[GraphKey, Content], graph: str, old: str, new: str) -> str:
    """One SPARQL Update replacing ``changed`` graphs, each step applied only while the
    engine's version is ``old``; the last step sets ``new`` (so a concurrent write
    makes every step of this one a no-op) and adds it to the versions ever written
    (``dcterms:hasVersion``), by which the writer knows that it passed."""
    g = f"<{graph}>"
    if old:
        guard = f"GRAPH {g} {{ {g} <{OWL_VERSION}> {ox.Literal(old)} }}"
    else:
        guard = f"FILTER NOT EXISTS {{ GRAPH {g} {{ {g} <{OWL_VERSION}> ?version }} }}"
    ops = []
    for key, lines in sorted(changed.items(), key=lambda item: item[0] or ""):
        name = f"<{key}>"
        everything = f"GRAPH {name} {{ ?s ?p ?o }}"
        ops.append(f"DELETE {{ {everything} }} WHERE {{ {guard} {everything} }}")
        if lines:
            ops.append(f"INSERT {{ {insert_body(lines)} }} WHERE {{ {guard} }}")
    now = ox.Literal(datetime.now(UTC).isoformat(), datatype=ox.NamedNode(_XSD_DATETIME))
    current = f"VALUES ?p {{ <{OWL_VERSION}> <{MODIFIED}> }} GRAPH {g} {{ {g} ?p ?v }}"
    ops.append(f"DELETE {{ GRAPH {g} {{ {g} ?p ?v }} }} WHERE {{ {guard} {current} }}")
    version = ox.Literal(new)
    ops.append(
        f"INSERT {{ GRAPH {g} {{ {g} <{OWL_VERSION}> {version} ; <{MODIFIED}> {now} ; "
        f"<{HAS_VERSION}> {version} }} }} "
        f"WHERE {{ FILTER NOT EXISTS {{ GRAPH {g} {{ {g} <{OWL_VERSION}> ?version }} }} }}"
    )
    return " ;\n".join(ops)
