"""Admin writes at national scale, on a running server: how long each takes, and
how long the query after it waits.

    python benchmarks/bench_writes.py --url http://127.0.0.1:8801 --token SECRET

Serve the 825 synthetic contracts of ``bench_build.py`` with an admin token:

    python benchmarks/bench_build.py --contracts 825 --workdir /tmp/b825
    CVKG_ADMIN_TOKEN=SECRET CVKG_DATA_DIR=/tmp/b825/synthetic-825/contrats \\
    CVKG_SOURCES_DIR=/tmp/b825/synthetic-825/sources \\
    CVKG_BUILD_DIR=/tmp/b825/synthetic-825/build cvkg serve --port 8801

The writes, each into its own annotation graph (dropped after):

* one note about one element (validated: it cites a resource of the dataset);
* a note on each of 1,000 elements (1,000 descriptions read for the check);
* ``COPY`` of the synthèse (694,680 triples at 825 contracts), refused: 413
  past ``CVKG_MAX_WRITE_TRIPLES``.

Measured so (2026-12-01, 2 cores, docs/sparql-endpoint.md « Writes »): the
refused ``COPY`` took 3 GB and had not ended after 9 minutes before the
limits; with them, 59-67 s (the copy, then its undoing: Oxigraph's own cost)
and +400 MB of the server's resident memory. The query after a large write
waited 8-16 s while each worker replayed its log; 0.01 s since the store is
flushed after each write. One note on one element: 1.3 s (the first write
loads the shapes); on 1,000 elements: 3.2 s.

Not part of the test suite: the timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import sys
import time

import httpx

ANNOTATIONS = "graph/annotations/banc-ecritures-"
RDFS_COMMENT = "<http://www.w3.org/2000/01/rdf-schema#comment>"


def writes(base: str) -> list[tuple[str, str]]:
    """(name, SPARQL update) of each write timed, in order."""
    notes = (
        f"PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#> INSERT {{ GRAPH "
        f'<{base}{ANNOTATIONS}{{name}}> {{ ?e {RDFS_COMMENT} "note"@fr }} }} WHERE {{ '
        "{ SELECT ?e WHERE { GRAPH ?g { ?e a cdv:ObjectifOperationnel } } ORDER BY ?e "
        "LIMIT {n} } }"
    )
    return [
        ("une note sur un élément", notes.replace("{name}", "une").replace("{n}", "1")),
        ("une note sur 1 000 éléments", notes.replace("{name}", "mille").replace("{n}", "1000")),
        (
            "COPY de la synthèse (refusée)",
            f"COPY <{base}graph/synthese> TO <{base}{ANNOTATIONS}copie>",
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--base", default="https://w3id.org/contrats-de-ville/id/")
    args = parser.parse_args()
    sparql = args.url.rstrip("/") + "/sparql"
    auth = {"Authorization": f"Bearer {args.token}"}
    with httpx.Client(timeout=1800) as client:
        print(f"{'écriture':34} {'statut':>6} {'durée':>9} {'requête suivante':>17}")
        for name, update in writes(args.base):
            start = time.perf_counter()
            response = client.post(sparql, data={"update": update}, headers=auth)
            took = time.perf_counter() - start
            start = time.perf_counter()
            client.get(sparql, params={"query": "ASK {}"}).raise_for_status()
            after = time.perf_counter() - start
            print(f"{name:34} {response.status_code:>6} {took:>8.2f}s {after:>16.2f}s")
            if response.status_code >= 400:
                print(f"  {response.text[:160]}")
        for suffix in ("une", "mille", "copie"):
            drop = f"DROP SILENT GRAPH <{args.base}{ANNOTATIONS}{suffix}>"
            client.post(sparql, data={"update": drop}, headers=auth).raise_for_status()
    return 0


if __name__ == "__main__":
    sys.exit(main())
