"""Counts per contract and class, read back from the built dump (what users will query)."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, RDF

from app.rdf.namespaces import CDV

CONTRAT = ox.NamedNode(str(CDV.contrat))
TYPE = ox.NamedNode(str(RDF.type))
IDENTIFIER = ox.NamedNode(str(DCTERMS.identifier))


def stats_from_dump(dump: Path) -> dict[str, Counter[str]]:
    """For each contract (its ``dcterms:identifier``), how many of its elements
    (``cdv:contrat``) each class has (``rdf:type``, named by what follows ``#``),
    in the order of the identifiers.

    Why read the dump quad by quad rather than load it and ask SPARQL: loaded in
    memory, the dump of 825 contracts (3.8 M quads) took 15 s and 1.6 GB; read
    as it comes, keeping only those three properties, 7.5 s and ≈ 300 MB.
    """
    contracts: defaultdict[ox.NamedNode | ox.BlankNode, set[Any]] = defaultdict(set)
    types: defaultdict[ox.NamedNode | ox.BlankNode, set[Any]] = defaultdict(set)
    identifiers: defaultdict[ox.NamedNode | ox.BlankNode, set[Any]] = defaultdict(set)
    wanted = {CONTRAT: contracts, TYPE: types, IDENTIFIER: identifiers}
    for quad in ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS):
        found = wanted.get(quad.predicate)
        if found is not None:
            found[quad.subject].add(quad.object)
    counts: dict[str, Counter[str]] = {}
    for element, of in contracts.items():
        for contract in of:
            for ident in identifiers.get(contract, ()):
                for kind in types.get(element, ()):
                    classe = kind.value.split("#", 1)[1] if "#" in kind.value else ""
                    counts.setdefault(ident.value, Counter())[classe] += 1
    return dict(sorted(counts.items()))


def format_stats(stats: dict[str, Counter[str]], fmt: str = "text") -> str:
    classes = sorted({k for c in stats.values() for k in c})
    if fmt == "json":
        return json.dumps({cid: dict(c) for cid, c in stats.items()}, ensure_ascii=False, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        w = csv.writer(out)
        w.writerow(["contrat", *classes, "total"])
        for cid, c in stats.items():
            w.writerow([cid, *(c.get(k, 0) for k in classes), sum(c.values())])
        return out.getvalue()
    width = max([len(cid) for cid in stats] + [7])
    head = "contrat".ljust(width) + "".join(f" {k[:22]:>22}" for k in classes) + f" {'total':>7}"
    rows = [head]
    for cid, c in stats.items():
        rows.append(
            cid.ljust(width)
            + "".join(f" {c.get(k, 0):>22}" for k in classes)
            + f" {sum(c.values()):>7}"
        )
    return "\n".join(rows)
