"""The dumps' parts: sorted N-Quads lines, TriG blocks and VoID sizes of a few graphs.

The dumps are written from parts (:class:`DumpPart`, concatenated by
``app/dumps.py``): the ontology and vocabularies, each contract (its graph
and its precomputed facts, in the order of contract ids; kept in the build
cache), the per-generation facts. Each part's lines are sorted; the dump is
their concatenation, so a rebuild after one contract changed copies 824 ready
parts instead of parsing, sorting and serialising the whole dataset again
(≈ 3 M quads at 825 contracts).

A contract's part and files (:func:`contract_files`) are written from its
graphs' terms in one pass (``app.rdf.triples_text``); any other part, or a
contract's graph that pass cannot vouch for, from lines Oxigraph reads back
strictly and serialises itself (:func:`dump_part`, :func:`contract_part`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from app.build_statistics import Counts, owner_test
from app.rdf.context import compacted, jsonld_file, prepared
from app.rdf.namespaces import PREFIXES
from app.rdf.ntriples import canonical, lines, sorted_ntriples
from app.rdf.term_text import Known
from app.rdf.triples_text import Unchecked, written
from app.rdf.turtle_text import Terms, trig_block
from app.rdf.turtle_text import turtle as turtle_text


@dataclass(frozen=True)
class DumpPart:
    """A piece of both dumps: N-Quads lines (sorted), TriG blocks (no prefix lines),
    as bytes or as the file holding them (the build cache's), and the VoID sizes of
    each of its graphs (``app.build_statistics.Counts.as_part``; under ``""`` the
    subjects of the whole part its contract owns)."""

    nquads: bytes | Path
    trig: bytes | Path
    sizes: dict[str, dict[str, Any]]


_PREFIXES = {p: str(ns) for p, ns in PREFIXES.items()}


def _turtle(triples: Iterable[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=_PREFIXES) or b""


def quad_lines(name: str, ntriples: list[str]) -> list[str]:
    """N-Triples lines as N-Quads lines of the graph ``name``."""
    return [f"{line[:-1].rstrip()} <{name}> ." for line in ntriples]


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
    nq, quads, spans = _parsed(graphs)
    return _part(nq, quads, _counts(quads, spans), owner, roots)


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
    return _part(nq, quads, _counts(quads, spans), owner, roots), turtle


def _part(
    nq: bytes, quads: list[ox.Quad], counts: dict[str, Counts], owner: str, roots: tuple[str, ...]
) -> DumpPart:
    trig = (
        (ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=_PREFIXES) or b"") if quads else b""
    )
    return DumpPart(nq, _without_prefixes(trig), _sizes(counts, owner, roots))


def _sizes(counts: dict[str, Counts], owner: str, roots: tuple[str, ...]) -> dict[str, Any]:
    owns = owner_test(roots, owner) if owner else None
    sizes = {name: c.as_part(owns) for name, c in sorted(counts.items())}
    if owns is not None:  # a subject owned in two graphs of the part counts once in all
        owned = {e for c in counts.values() for e in c.entities}
        sizes[""] = {"owner": owner, "own": sum(1 for iri in owned if owns(iri))}
    return sizes


def _without_prefixes(trig: bytes) -> bytes:
    """The TriG without its lines that begin with ``@`` (its prefixes, first: a line of
    statements begins with a term, ``}`` or a tab; else each such line is left out)."""
    start = 0
    while trig.startswith(b"@", start):
        start = trig.index(b"\n", start) + 1
    body = trig[start:]
    if b"\n@" in body:
        return b"".join(
            line for line in body.splitlines(keepends=True) if not line.startswith(b"@")
        )
    return body


def contract_files(
    graphs: list[tuple[str, Graph]], ctx: dict[str, Any], owner: str, roots: tuple[str, ...]
) -> tuple[DumpPart, dict[str, bytes]]:
    """A contract's part of the dumps (its graph and its facts, ``graphs``: distinct
    names), and its files: the Turtle of its first graph, and its JSON-LD compacted
    with the published context ``ctx`` (embedded: the build does not know the URL it
    will be served at). Blank nodes labelled by structure in all of them, in any run.

    Each graph is written in one pass (``app.rdf.triples_text.written``): its lines,
    each term checked as Oxigraph's strict parser checks it, its Turtle statements
    (``app.rdf.turtle_text``, Oxigraph's layout), the first graph's JSON-LD nodes and
    the VoID sizes, as UTF-8 pieces each file joins once; nothing is parsed back.
    What earlier contracts of this process had written alike is taken from
    :func:`_known`. A graph that way cannot vouch for goes the strict way
    (:func:`contract_part`), with the same bytes when it succeeds; a JSON-LD it
    cannot write, the long way (``app.rdf.context.compacted``).
    """
    terms = Terms(_PREFIXES)
    ctx_json = json.dumps(ctx)
    compactor, head = prepared(ctx_json)
    known = _known(ctx_json)
    known.bound()
    try:
        if len({name for name, _ in graphs}) != len(graphs):
            raise Unchecked("a graph named twice")
        done = [written(graphs[0][1], graphs[0][0], terms, compactor, known)]
        done += [written(graph, name, terms, None, known) for name, graph in graphs[1:]]
        for name, _ in graphs:
            ox.NamedNode(name)
    except (Unchecked, ValueError):
        canonical_first = canonical(graphs[0][1])
        named = [(name, sorted_ntriples(g)) for name, g in graphs[1:]]
        part, turtle = contract_part([(graphs[0][0], lines(canonical_first)), *named], owner, roots)
        return part, _files(turtle, canonical_first, ctx)
    nq = b"".join([piece for w in done for piece in w.nquads])
    trig: list[bytes | memoryview] = []
    counts = {}
    for (name, _), w in zip(graphs, done, strict=True):
        if w.triples:
            trig_block(terms.iri(name), w.statements, trig)
            counts[name] = Counts.known(w.triples, w.entities, w.properties, w.classes)
    part = DumpPart(nq, b"".join(trig), _sizes(counts, owner, roots))
    first = done[0]
    turtle = turtle_text(first.statements, _PREFIXES)
    if first.jsonld is None:
        return part, _files(turtle, first.graph, ctx)
    return part, {"contrat.ttl": turtle, "contrat.jsonld": jsonld_file(head, first.jsonld)}


@lru_cache(maxsize=4)
def _known(ctx_json: str) -> Known:
    """The texts known in this process for this module's prefixes and a context."""
    return Known()


def _files(turtle: bytes, graph: Graph, ctx: dict[str, Any]) -> dict[str, bytes]:
    return {"contrat.ttl": turtle, "contrat.jsonld": compacted(graph, ctx)}
