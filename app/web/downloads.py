"""The dumps a researcher downloads (``/dumps/…``), from the build output.

N-Quads and TriG are the build's own files (one named graph per contract,
ontology and vocabularies), sent as they are. Turtle (the union of the graphs)
and JSON-LD are derived from the N-Quads on first request, into files kept
while the build does not change (:func:`derived_dump`): the build stays the
one source of truth, and an unchanged build is never re-serialized. The
JSON-LD dump names the published context by URL (``/dumps/context.jsonld``)
instead of embedding it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from app.dumps import DUMP_NQ, DUMP_TRIG
from app.web.context import CONTEXT_FILE


@dataclass(frozen=True)
class Dump:
    key: str  # distribution IRI suffix: {base}dataset/distribution/{key}
    name: str  # file name under /dumps/
    media_type: str
    eu_file_type: str  # http://publications.europa.eu/resource/authority/file-type/…
    title: str


DUMPS: tuple[Dump, ...] = (
    Dump(
        "nquads",
        DUMP_NQ,
        "application/n-quads",
        "RDF_N_QUADS",
        "N-Quads : un graphe nommé par contrat, l'ontologie, chaque vocabulaire, "
        "les réponses précalculées (graphe synthese)",
    ),
    Dump("trig", DUMP_TRIG, "application/trig", "RDF_TRIG", "TriG : les mêmes graphes nommés"),
    Dump("turtle", "cvkg.ttl", "text/turtle", "RDF_TURTLE", "Turtle : l'union des graphes"),
    Dump(
        "jsonld",
        "cvkg.jsonld",
        "application/ld+json",
        "JSON_LD",
        "JSON-LD : les graphes nommés, contexte publié",
    ),
)
BY_NAME = {d.name: d for d in DUMPS}
CONTEXT_NAME = CONTEXT_FILE  # the build's file name, served at /dumps/context.jsonld
_CONTRACT_FILE = re.compile(r"^[a-z0-9][a-z0-9._-]*\.(ttl|jsonld)$")
CONTRACT_MEDIA = {"ttl": "text/turtle", "jsonld": "application/ld+json"}


def dump_file(build_dir: Path, dump: Dump) -> Path | None:
    """The build's own file for a dump, when it has one and it exists."""
    if dump.name in (DUMP_NQ, DUMP_TRIG):
        path = build_dir / dump.name
        return path if path.is_file() else None
    return None


def contract_file(build_dir: Path, name: str) -> Path | None:
    """``data/build/contrats/{id}.ttl|.jsonld`` for a safe file name, if it exists."""
    if not _CONTRACT_FILE.match(name):
        return None
    path = build_dir / "contrats" / name
    return path if path.is_file() else None


_DERIVING = threading.Lock()  # one derivation at a time: each is ≈ 10 s of a core at 825 contracts
_SUFFIX = {"turtle": ".ttl", "jsonld": ".jsonld"}


def derived_dump(
    build_dir: Path, cache_dir: Path, dump: Dump, prefixes: dict[str, str]
) -> Path | None:
    """The Turtle (the union of the graphs) or JSON-LD (the named graphs, expanded)
    dump as a file, derived from the build's N-Quads on first request, then kept
    under ``cache_dir/dumps/`` (``CVKG_CACHE_DIR``) while the N-Quads file is the same.

    Why a file, written as it is read: derived in memory (rdflib for JSON-LD),
    the dump of 825 contracts (3.8 M quads, 1 GB of N-Quads) held gigabytes in
    the server process, for minutes; pyoxigraph writes either in ≈ 10 s with
    ≈ 20 MB. The JSON-LD is pyoxigraph's, in expanded form (absolute IRIs): a
    compaction needs the whole graph in memory; each contract's compacted
    JSON-LD is its own file (``/dumps/contrats/{id}.jsonld``). Its ``@context``
    (which names the client's URL) is added when sent (:func:`jsonld_head`).
    Duplicated triples (one per graph holding them) are left in the Turtle:
    the same graph. ``OSError`` when the folder cannot be written.
    """
    nq = build_dir / DUMP_NQ
    if not nq.is_file():
        return None
    stat = nq.stat()
    # A folder per build folder: cleaning up after a new build never removes what
    # a server of another build (a test's, a staging one) is sending.
    folder = cache_dir / "dumps" / hashlib.sha256(str(nq.resolve()).encode()).hexdigest()[:16]
    target = folder / f"{dump.key}-{stat.st_mtime_ns}-{stat.st_size}{_SUFFIX[dump.key]}"
    if target.is_file():
        return target
    with _DERIVING:
        if target.is_file():  # derived while this request waited
            return target
        folder.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        try:
            quads = ox.parse(path=nq, format=ox.RdfFormat.N_QUADS)
            if dump.key == "turtle":
                triples = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
                ox.serialize(triples, output=partial, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
            else:
                ox.serialize(quads, output=partial, format=ox.RdfFormat.JSON_LD)
            os.replace(partial, target)
        finally:  # a disk full half-way leaves no half file behind
            partial.unlink(missing_ok=True)
        for old in folder.glob(f"{dump.key}-*"):  # those of earlier builds
            if old != target:
                old.unlink(missing_ok=True)
    return target


def jsonld_head(context_url: str) -> bytes:
    """What comes before the derived JSON-LD (an array of named graphs): the published
    context by URL; the document ends with :data:`JSONLD_TAIL`."""
    return b'{"@context": ' + json.dumps(context_url).encode("utf-8") + b', "@graph": '


JSONLD_TAIL = b"}\n"
