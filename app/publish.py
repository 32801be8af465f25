"""``cvkg publish``: load the build into an external SPARQL engine (``CVKG_SPARQL_GRAPH_STORE``).

The last step of the flow when the data is served by another engine
(``CVKG_SPARQL_ENDPOINT``, :mod:`app.server.remote`): each named graph of the
build's N-Quads dump is sent with SPARQL 1.1 Graph Store Protocol requests: a
``PUT`` of its first run of quads, which replaces that graph whole, then a
``POST`` of each later run, which adds to it; so publishing the same build
twice gives the same engine content. The dump is read once, as a stream, one
run (a few MB at most) in memory at a time. With the engine's query URL
(``CVKG_SPARQL_ENDPOINT``), the graphs of an earlier build that this one no
longer has (a contract removed) are then deleted; the graphs written over
HTTP (annotations, the write version) are never touched.

The engine says which build it holds whole: the graph ``{base}graph/publication``
(the build's fingerprint, ``owl:versionInfo``, and when it was sent,
``dcterms:modified``) is removed first and written last. Replicas read it
(``publication.rq``): while it is missing or names another build, their
``/healthz`` is a 503, and its time is part of their data version, so that
no answer computed on a half-sent build outlives the publication.

``cvkg publish --annotations`` copies the graphs of a local annotation record
(``var/annotations/graphes.nq``, written by a server on its own store) into
the engine, as one admin write (validated, guarded, new write version:
:mod:`app.server.remote_writes`): with an external engine the engine holds
the written graphs, not that file. A failure stops at the graph that failed and says which;
the graphs sent before it hold the new build, so a public deployment publishes
to a replica out of service, then puts it back behind the proxy
(docs/sparql-endpoint.md, « Moteur externe »).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
from pyoxigraph import (
    Literal,
    NamedNode,
    QueryResultsFormat,
    RdfFormat,
    Triple,
    parse_query_results,
    serialize,
)
from rdflib.namespace import DCTERMS, OWL, XSD

from app import queries
from app.config import DEFAULT_BASE_IRI, Settings
from app.dumps import BUILD_INFO
from app.server.annotation_graphs import PUBLICATION_GRAPH, VERSION_GRAPH, Record, refusal


class PublishError(Exception):
    """The engine refused a graph, or could not be reached."""


def runs_of(dump: Path) -> Iterator[tuple[str, list[bytes]]]:
    """The dump's quads as N-Triples lines, one run of consecutive quads of a named
    graph at a time (the dump has no default-graph quad).

    The dump is read as a stream: at national scale it is GBs (3.8 M quads,
    1 GB at 825 synthetic contracts), and grouping it whole by graph held
    1.5 GB in memory. A graph may come back in a later run (a contract's
    graph is written in parts): ``publish`` adds those to it.
    """
    current: str | None = None
    lines: list[bytes] = []
    with open(dump, "rb") as handle:
        for line in handle:
            line = line.rstrip()
            if not line or line.startswith(b"#"):
                continue
            body = line[:-1].rstrip()  # without the final " ."
            cut = body.rfind(b" <")
            if cut < 0 or not body.endswith(b">"):
                raise PublishError(f"{dump} : quad sans graphe nommé : {line[:120]!r}")
            name = body[cut + 2 : -1].decode("utf-8")
            if name != current and lines:
                yield current or "", lines
                lines = []
            current = name
            lines.append(body[:cut] + b" .\n")
    if lines:
        yield current or "", lines


def stale_graphs(client: httpx.Client, endpoint: str, build: set[str], base: str) -> list[str]:
    """The engine's graphs that come from a build (see ``refusal``) but not from this one."""
    try:
        response = client.post(
            endpoint,
            data={"query": queries.load("graphes-void").text},
            headers={"Accept": "application/sparql-results+json"},
        )
    except httpx.HTTPError as exc:
        raise PublishError(f"{endpoint} injoignable : {exc}") from exc
    if response.status_code >= 300:
        raise PublishError(f"{endpoint} : HTTP {response.status_code} {response.text[:300]}")
    rows = parse_query_results(response.content, format=QueryResultsFormat.JSON)
    names = {row["graphe"].value for row in rows}  # type: ignore[index, union-attr]
    kept = {base + VERSION_GRAPH, base + PUBLICATION_GRAPH}
    return sorted(g for g in names - build if refusal(g, base) is not None and g not in kept)


def publish(
    dump: Path,
    graph_store: str,
    *,
    endpoint: str | None = None,
    base: str = DEFAULT_BASE_IRI,
    timeout: float = 300.0,
    say: Callable[[str], None] = lambda _: None,
) -> int:
    """Send every named graph of ``dump`` to ``graph_store`` (module docstring), then
    delete the stale ones if the engine's query ``endpoint`` is known; the number
    of graphs sent."""
    sent: set[str] = set()
    fingerprint = _fingerprint(dump)
    marker = base + PUBLICATION_GRAPH
    with httpx.Client(timeout=timeout) as client:
        if fingerprint is not None:  # not whole until written again, last
            _send(client, "DELETE", graph_store, marker)
        for name, lines in runs_of(dump):
            # The first run of a graph replaces it (PUT), its later runs add to it (POST).
            method = "POST" if name in sent else "PUT"
            _send(client, method, graph_store, name, b"".join(lines))
            say(f"<{name}> : {len(lines)} triplets" + (" de plus" if name in sent else ""))
            sent.add(name)
        for name in stale_graphs(client, endpoint, sent, base) if endpoint else []:
            _send(
                client,
                "DELETE",
                graph_store,
                name,
                refused="(absent de cette construction) non supprimé",
            )
            say(f"<{name}> : supprimé (absent de cette construction)")
        if fingerprint is not None:
            now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            _send(client, "PUT", graph_store, marker, _marker(marker, fingerprint, now))
            say(f"<{marker}> : construction {fingerprint} publiée")
    return len(sent)


def _fingerprint(dump: Path) -> str | None:
    """The fingerprint of the build the dump belongs to (None: not a build's dump)."""
    try:
        info = json.loads((dump.parent / BUILD_INFO).read_text(encoding="utf-8"))
        return str(info["fingerprint"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _marker(graph: str, fingerprint: str, now: str) -> bytes:
    """The publication graph's two triples (``publication.rq`` reads them), as N-Triples."""
    subject = NamedNode(graph)
    triples = [
        Triple(subject, NamedNode(str(OWL.versionInfo)), Literal(fingerprint)),
        Triple(
            subject,
            NamedNode(str(DCTERMS.modified)),
            Literal(now, datatype=NamedNode(str(XSD.dateTime))),
        ),
    ]
    return serialize(triples, format=RdfFormat.N_TRIPLES) or b""


def _send(
    client: httpx.Client,
    method: str,
    graph_store: str,
    graph: str,
    body: bytes = b"",
    *,
    refused: str = "refusé",
) -> None:
    """One Graph Store request on ``graph``; a DELETE of a graph already gone is fine."""
    headers = {"Content-Type": "application/n-triples"} if body else {}
    try:
        response = client.request(
            method, graph_store, params={"graph": graph}, content=body, headers=headers
        )
    except httpx.HTTPError as exc:
        raise PublishError(f"{graph_store} injoignable pour <{graph}> : {exc}") from exc
    if response.status_code >= 300 and not (method == "DELETE" and response.status_code == 404):
        raise PublishError(
            f"<{graph}> {refused} par {graph_store} : HTTP {response.status_code} "
            f"{response.text[:300]}"
        )


def publish_annotations(settings: Settings, timeout: float = 300.0) -> int:
    """Copy the local annotation record's named graphs into the engine; how many."""
    from app.server.remote_writes import RemoteWriter
    from app.server.write_checks import ShapeCheck
    from app.server.writes import insert_body

    if not (settings.sparql_endpoint and settings.sparql_update_endpoint):
        raise PublishError("CVKG_SPARQL_ENDPOINT et CVKG_SPARQL_UPDATE_ENDPOINT requis")
    record = Record(settings.annotations_dir)
    graphs = {key: lines for key, lines in record.graphs.items() if key is not None}
    if not graphs:
        return 0
    ops = []
    for key, lines in sorted(graphs.items()):
        ops.append(f"DROP SILENT GRAPH <{key}>")
        if lines:
            ops.append(f"INSERT DATA {{ {insert_body(lines)} }}")
    checks = ShapeCheck.of(settings)
    with httpx.Client(timeout=timeout) as client:
        writer = RemoteWriter(
            client,
            settings.sparql_endpoint,
            settings.sparql_update_endpoint,
            settings.base_iri,
            checks,
        )
        outcome = writer.apply(" ;\n".join(ops), set(graphs), None)
    if outcome.status >= 300:
        raise PublishError(f"{record.path} refusé (HTTP {outcome.status}) : {outcome.message}")
    return len(graphs)
