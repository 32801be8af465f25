"""Counts per contract and class, read back from the built dump (what users will query)."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

QUERY = """
PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#>
SELECT ?id ?classe (COUNT(?e) AS ?n) WHERE {
  ?e cdv:contrat ?c ; a ?t .
  ?c <http://purl.org/dc/terms/identifier> ?id .
  BIND (STRAFTER(STR(?t), "#") AS ?classe)
} GROUP BY ?id ?classe ORDER BY ?id ?classe
"""


def stats_from_dump(dump: Path) -> dict[str, Counter[str]]:
    store = ox.Store()
    store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    result: dict[str, Counter[str]] = {}
    for row in store.query(QUERY, use_default_graph_as_union=True):  # type: ignore[union-attr]
        result.setdefault(row["id"].value, Counter())[row["classe"].value] = int(row["n"].value)
    return result


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
