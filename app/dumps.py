"""Write the build output deterministically and atomically.

Deterministic: triples are sorted in canonical N-Triples form and blank nodes are
canonicalised, so the same input gives byte-identical files. Atomic: everything is
written to a sibling temporary directory that replaces the old output in one rename;
a failed build leaves the previous output untouched.

The dataset's sizes for its VoID description (:func:`void_statistics`) are
counted here too, on the quads just written: the graph only changes with a
build, so the server reads them from ``build-info.json`` instead of counting
1.4 M quads again in SPARQL (≈ 1.5 s at 2 000 contracts).

The dumps are written from parts (:class:`DumpPart`): the ontology and
vocabularies, each contract (its graph and its precomputed facts, in the order
of contract ids; kept in the build cache), the per-generation facts. Each part's
lines are sorted; the dump is their concatenation, so a rebuild after one
contract changed copies 824 ready parts instead of parsing, sorting and
serialising the whole dataset again (≈ 3 M quads at 825 contracts).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal
from rdflib.compare import to_canonical_graph
from rdflib.plugins.serializers.nt import _quoteLiteral
from rdflib.term import Node

from app.build_statistics import Counts, Merged, owner_test, void_statistics
from app.rdf.context import compacted
from app.rdf.memory_graph import triples
from app.rdf.namespaces import PREFIXES

DUMP_NQ = "cvkg.nq"
DUMP_TRIG = "cvkg.trig"
BUILD_INFO = "build-info.json"
# The ontology as built, beside the data: the site reads its labels, context
# and documentation from the build's output, never from ontology/ directly.
ONTOLOGY_COPY = "cdv.ttl"


def canonical(graph: Graph) -> Graph:
    """The graph with its blank nodes relabelled by structure (the same labels in any run)."""
    kinds = {type(t) for triple in triples(graph) for t in triple}  # (a few types to test)
    if not any(issubclass(kind, BNode) for kind in kinds):
        return graph
    out = Graph()
    out += to_canonical_graph(graph)
    return out


def _lines(graph: Graph) -> list[str]:
    """The graph's N-Triples lines as rdflib writes them (``Graph.serialize(format="nt")``,
    decoded, split into lines), distinct and sorted.

    rdflib's serializer (``_nt_row``) writes each triple's terms with ``n3()``, an
    object literal with ``_quoteLiteral``. A contract's ≈ 4 000 triples name ≈ 1 500
    distinct IRIs, and ``URIRef.n3`` checks its IRI's characters at every call: an
    IRI or blank node is written once (keyed by the term: equal terms are of one type
    with one text, so they write alike); a literal, almost always distinct, each time.
    """
    written: dict[Node, str] = {}
    rows: list[str] = []
    for s, p, o in triples(graph):
        subject = written.get(s)
        if subject is None:
            subject = s.n3()
            if not isinstance(s, Literal):
                written[s] = subject
        predicate = written.get(p)
        if predicate is None:
            predicate = p.n3()
            if not isinstance(p, Literal):
                written[p] = predicate
        if isinstance(o, Literal):
            rows.append(f"{subject} {predicate} {_quoteLiteral(o)} .\n")
            continue
        obj = written.get(o)
        if obj is None:
            obj = written[o] = o.n3()
        rows.append(f"{subject} {predicate} {obj} .\n")
    text = "".join(rows)
    text.encode("utf-8")  # raises on what rdflib's serializer refuses (a lone surrogate)
    return sorted({line for line in text.splitlines() if line.strip()})


def sorted_ntriples(graph: Graph) -> list[str]:
    """Canonical, sorted N-Triples lines of a graph (blank nodes relabelled by structure)."""
    return _lines(canonical(graph))


def quad_lines(name: str, ntriples: list[str]) -> list[str]:
    """N-Triples lines as N-Quads lines of the graph ``name``."""
    return [f"{line[:-1].rstrip()} <{name}> ." for line in ntriples]


_PREFIXES = {p: str(ns) for p, ns in PREFIXES.items()}


def _turtle(triples: Iterable[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=_PREFIXES) or b""


def graph_lines(graph: Graph, ctx: dict[str, Any]) -> tuple[list[str], bytes]:
    """A contract's sorted N-Triples lines and its ``jsonld`` file: the JSON-LD compacted
    with the published context ``ctx`` (embedded: the build does not know the URL it
    will be served at). Its Turtle file is written with its dump part
    (:func:`contract_part`)."""
    graph = canonical(graph)  # the blank nodes labelled alike in every file, in any run
    return _lines(graph), compacted(graph, ctx)


@dataclass(frozen=True)
class DumpPart:
    """A piece of both dumps: N-Quads lines (sorted), TriG blocks (no prefix lines),
    as bytes or as the file holding them (the build cache's), and the VoID sizes of
    each of its graphs (``app.build_statistics.Counts.as_part``; under ``""`` the
    subjects of the whole part its contract owns)."""

    nquads: bytes | Path
    trig: bytes | Path
    sizes: dict[str, dict[str, Any]]


def _append(out: BinaryIO, data: bytes | Path) -> None:
    if isinstance(data, bytes):
        out.write(data)
        return
    out.flush()
    with data.open("rb") as source:  # copied by the kernel, not through Python
        size, offset = os.fstat(source.fileno()).st_size, 0
        while offset < size:
            offset += os.sendfile(out.fileno(), source.fileno(), offset, size - offset)


def _aligned(quads: list[ox.Quad], spans: list[tuple[str, int]]) -> bool:
    """Whether the quads are the lines' own, one a line and in order (each graph's are the
    next ``n``): every line gave one quad, no graph is named twice, and each graph's
    first quad is in it."""
    names = [name for name, n in spans if n]
    return (
        len(quads) == sum(n for _, n in spans)
        and len(set(names)) == len(names)
        and all(quads[i].graph_name.value == name for name, i in _firsts(spans))  # type: ignore[union-attr]
    )


def _counts(quads: list[ox.Quad], spans: list[tuple[str, int]]) -> dict[str, Counts]:
    """Each graph's counts: on its slice of the quads when they are aligned with the
    lines (:func:`_aligned`); else read from each quad."""
    if _aligned(quads, spans):
        counts, start = {}, 0
        for name, n in spans:
            if n:
                counts[name] = Counts.of(quads[start : start + n])
                start += n
        return counts
    counts = {}
    for quad in quads:
        counts.setdefault(str(quad.graph_name.value), Counts()).add(quad)  # type: ignore[union-attr]
    return counts


def _firsts(spans: list[tuple[str, int]]) -> Iterator[tuple[str, int]]:
    """Each named graph with the index of its first quad."""
    start = 0
    for name, n in spans:
        if n:
            yield name, start
            start += n


Spans = list[tuple[str, int]]  # each graph's name and number of lines, in order


def _parsed(graphs: Iterable[tuple[str, list[str]]]) -> tuple[bytes, list[ox.Quad], Spans]:
    """The part's N-Quads text, its quads as Oxigraph reads them, and each graph's
    ``(name, number of lines)``."""
    lines: list[str] = []
    spans: list[tuple[str, int]] = []
    for name, ntriples in graphs:
        lines.extend(quad_lines(name, ntriples))
        spans.append((name, len(ntriples)))
    nq = ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
    return nq, list(ox.parse(nq, format=ox.RdfFormat.N_QUADS)), spans


def dump_part(
    graphs: Iterable[tuple[str, list[str]]], owner: str = "", roots: tuple[str, ...] = ()
) -> DumpPart:
    """The part holding the named graphs ``(name, sorted N-Triples lines)``; the subject
    IRIs the contract ``owner`` alone mints (under ``roots``) are counted, not listed
    (``app/build_statistics.py``)."""
    return _part(*_parsed(graphs), owner, roots)


def contract_part(
    graphs: list[tuple[str, list[str]]], owner: str = "", roots: tuple[str, ...] = ()
) -> tuple[DumpPart, bytes]:
    """:func:`dump_part`, and the Turtle file of its first graph, written from the same
    parsed quads.

    Oxigraph read each contract's lines twice, as N-Triples for the Turtle file and
    again with their graph's name for the part (≈ 10 ms a contract, most of it
    checking the same IRIs). Each line is the N-Triples line with the graph's name
    added, so when the quads are aligned with the lines (:func:`_aligned`) the first
    graph's are the first ``n``, its triples those of its lines, in their order.
    """
    nq, quads, spans = _parsed(graphs)
    lines = graphs[0][1]
    if _aligned(quads, spans):
        turtle = _turtle([q.triple for q in quads[: len(lines)]])
    else:  # its lines on their own, as N-Triples (the default graph: written as triples)
        text = ("\n".join(lines) + "\n").encode("utf-8")
        turtle = _turtle(ox.parse(text, format=ox.RdfFormat.N_TRIPLES))
    return _part(nq, quads, spans, owner, roots), turtle


def _part(
    nq: bytes, quads: list[ox.Quad], spans: Spans, owner: str, roots: tuple[str, ...]
) -> DumpPart:
    counts = _counts(quads, spans)
    trig = (
        (ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=_PREFIXES) or b"") if quads else b""
    )
    body = b"".join(line for line in trig.splitlines(keepends=True) if not line.startswith(b"@"))
    owns = owner_test(roots, owner) if owner else None
    sizes = {name: c.as_part(owns) for name, c in sorted(counts.items())}
    if owns is not None:  # a subject owned in two graphs of the part counts once in all
        owned = {e.value for c in counts.values() for e in c.entities}
        sizes[""] = {"owner": owner, "own": sum(1 for iri in owned if owns(iri))}
    return DumpPart(nq, body, sizes)


def _trig_prefixes() -> bytes:
    return b"".join(f"@prefix {p}: <{ns}> .\n".encode() for p, ns in PREFIXES.items())


def write_dataset(
    directory: Path, parts: Iterable[DumpPart], roots: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Write the N-Quads and TriG dumps, part after part; their VoID statistics
    (as :func:`void_statistics` counts them: parts hold distinct quads), merged
    from the parts' sizes (``roots``: those of :func:`dump_part`).

    One thread: writing the two dumps in two threads while this one merged the
    sizes took twice as long at 825 contracts (the copies wait for the lock
    the merge holds).
    """
    merged = Merged(roots)
    with (directory / DUMP_NQ).open("wb") as nq, (directory / DUMP_TRIG).open("wb") as trig:
        trig.write(_trig_prefixes())
        for part in parts:
            _append(nq, part.nquads)
            _append(trig, part.trig)
            merged.add(part.sizes)
    statistics = merged.statistics()
    if statistics is None:  # owned counts that may overlap: counted from the quads
        quads = ox.parse(path=directory / DUMP_NQ, format=ox.RdfFormat.N_QUADS)
        statistics = void_statistics(quads)
    return statistics


def write_json(path: Path, data: object) -> None:
    path.write_text(
        json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )


def _discard(old: Path) -> None:
    """Delete a replaced output in a process of its own, not waited for: freeing the
    blocks of the previous dumps (≈ 1 GB at 825 contracts) took half a second of a
    rebuild, and nothing reads that directory any more."""
    try:
        subprocess.Popen(  # noqa: S603 - our interpreter, a path we created
            [sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], True)", old],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def atomic_directory(target: Path) -> Iterator[Path]:
    """Yield a fresh temporary directory that replaces ``target`` only if the block succeeds.

    The replaced directory is renamed aside (``.<name>~old.*``) and deleted in
    the background (:func:`_discard`); one left by an interrupted deletion is
    deleted by the next build.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(f".{target.name}~old.*"):
        shutil.rmtree(stale, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    tmp.chmod(0o755)
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}~old.", dir=target.parent))
        os.replace(target, old)
    os.replace(tmp, target)
    if old is not None:
        _discard(old)
