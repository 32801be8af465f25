"""Write the build output deterministically and atomically.

Deterministic: triples are sorted in canonical N-Triples form and blank nodes are
canonicalised, so the same input gives byte-identical files. Atomic: everything is
written to a sibling temporary directory that replaces the old output in one rename;
a failed build leaves the previous output untouched.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph

from app.rdf.namespaces import PREFIXES

DUMP_NQ = "cvkg.nq"
DUMP_TRIG = "cvkg.trig"
BUILD_INFO = "build-info.json"


def sorted_ntriples(graph: Graph) -> list[str]:
    """Canonical, sorted N-Triples lines of a graph (blank nodes relabelled by structure)."""
    if any(isinstance(t, BNode) for triple in graph for t in triple):
        graph = to_canonical_graph(graph)
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    return sorted({line for line in text.splitlines() if line.strip()})


def nquads(graphs: list[tuple[str, Graph]]) -> str:
    lines = []
    for name, graph in graphs:
        lines.extend(f"{line[:-1].rstrip()} <{name}> ." for line in sorted_ntriples(graph))
    return "\n".join(sorted(lines)) + "\n"


def _serialize(nt_or_nq: str, fmt: ox.RdfFormat, source_fmt: ox.RdfFormat) -> bytes:
    quads = list(ox.parse(nt_or_nq.encode("utf-8"), format=source_fmt))
    if fmt.supports_datasets:
        data: list = quads
    else:
        data = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
    return ox.serialize(data, format=fmt, prefixes=prefixes) or b""


def write_graph_files(directory: Path, stem: str, graph: Graph) -> None:
    nt = "\n".join(sorted_ntriples(graph)) + "\n"
    (directory / f"{stem}.ttl").write_bytes(
        _serialize(nt, ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES)
    )
    (directory / f"{stem}.jsonld").write_bytes(
        _serialize(nt, ox.RdfFormat.JSON_LD, ox.RdfFormat.N_TRIPLES)
    )


def write_dataset(directory: Path, graphs: list[tuple[str, Graph]]) -> None:
    nq = nquads(graphs)
    (directory / DUMP_NQ).write_text(nq, encoding="utf-8")
    (directory / DUMP_TRIG).write_bytes(_serialize(nq, ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS))


def write_json(path: Path, data: object) -> None:
    path.write_text(
        json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )


@contextmanager
def atomic_directory(target: Path) -> Iterator[Path]:
    """Yield a fresh temporary directory that replaces ``target`` only if the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    tmp.chmod(0o755)
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(tmp, target)
    shutil.rmtree(old, ignore_errors=True)
