"""The dumps a researcher downloads (``/dumps/…``), from the build output.

N-Quads and TriG are the build's own files (one named graph per contract,
ontology and vocabularies), sent as they are. Turtle (the union of the graphs)
and JSON-LD are derived from the N-Quads on first request and kept in memory
while the build does not change: the build stays the one source of truth, and
an unchanged build is never re-serialized. The JSON-LD dump names the
published context by URL (``/dumps/context.jsonld``) instead of embedding it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Dataset

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
        "N-Quads : un graphe nommé par contrat, l'ontologie, chaque vocabulaire",
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


def _stamp(path: Path) -> int:
    return path.stat().st_mtime_ns


@lru_cache(maxsize=2)
def _turtle(nq: str, stamp: int, prefixes: tuple[tuple[str, str], ...]) -> bytes:
    quads = ox.parse(path=nq, format=ox.RdfFormat.N_QUADS)
    triples = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=dict(prefixes)) or b""


def turtle_dump(build_dir: Path, prefixes: dict[str, str]) -> bytes | None:
    """The union of all graphs as Turtle (blank nodes of different graphs stay distinct)."""
    nq = build_dir / DUMP_NQ
    if not nq.is_file():
        return None
    return _turtle(str(nq), _stamp(nq), tuple(sorted(prefixes.items())))


@lru_cache(maxsize=2)
def _jsonld(nq: str, stamp: int, context_json: str) -> bytes:
    """The dump's JSON-LD after its ``"@context"`` member (which names the client's URL)."""
    dataset = Dataset()
    dataset.parse(nq, format="nquads")
    text = dataset.serialize(format="json-ld", context=json.loads(context_json), auto_compact=True)
    data = json.loads(text)
    if not isinstance(data, dict):
        data = {"@graph": data}
    data.pop("@context", None)
    body = json.dumps(data, ensure_ascii=False, indent=1)
    return body[1:].lstrip("\n").encode("utf-8") + b"\n"  # without its opening brace


def jsonld_dump(build_dir: Path, context: dict[str, Any], context_url: str) -> bytes | None:
    """Every named graph as JSON-LD, compacted with ``context`` and pointing to it by URL.

    The compaction (seconds at scale) is cached per dump file, never per client
    URL: only the ``"@context"`` line that names it is written per request.
    """
    nq = build_dir / DUMP_NQ
    if not nq.is_file():
        return None
    rest = _jsonld(str(nq), _stamp(nq), json.dumps(context, sort_keys=True))
    head = "{\n " + json.dumps("@context") + ": " + json.dumps(context_url, ensure_ascii=False)
    return head.encode("utf-8") + (b",\n " + rest if rest.strip() != b"}" else b"\n}\n")
