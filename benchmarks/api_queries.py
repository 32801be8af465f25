"""Time every SPARQL file of app/queries, and the comparative API, on a synthetic graph.

For each size N (number of contracts) the graph comes from the seeded
generator (``benchmarks/generate.py``). Then:

1. every ``app/queries/*.rq`` runs with its parameters bound as the API binds
   them (one theme, one or two contracts, a batch of ``catalog.BATCH``
   contracts for the national-size answers, every contract for ``UNDEF``), on
   an in-memory store (``--rocksdb``: also on the on-disk store opened
   read-only, which the API's queries run on through the server's workers),
   ``--repeat`` times; the table gives the median and the worst run. The
   budget is 1 s per query at 2 000 contracts.
2. unless ``--no-http``, a real server (``cvkg serve --data``) answers each API
   endpoint, once its start-up preparation is over (catalogues,
   search index, matrix — timed too): first call and the median of
   ``--calls`` repeated calls (answers are cached per data version; target
   ≤ 10 ms), then full-text searches on the built index (target ≤ 50 ms),
   and the resident memory (RSS, PSS, USS: ``benchmarks/memory.py``) of the
   server and of each query worker, once the API is ready and after the calls.
   ``--serve-store DIR`` serves an already loaded store instead of loading
   the dump at each run (minutes at 2 000 contracts); ``--workers N`` sets
   ``CVKG_QUERY_WORKERS``.

    python benchmarks/api_queries.py --contracts 500 --contracts 2000
    python benchmarks/api_queries.py --contracts 2000 --no-memory --calls 10 \
        --serve-store /tmp/memoire-bench/store
    python benchmarks/api_queries.py --contracts 2000 --no-memory --rocksdb \
        --only sante-mentale,matrice,themes-nouveaux,dispositifs-partages --no-http
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pyoxigraph as ox

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from app import queries  # noqa: E402
from app.api.catalog import BATCH  # noqa: E402
from app.config import DEFAULT_BASE_IRI as BASE  # noqa: E402
from app.server.store import prepare_store  # noqa: E402
from benchmarks import memory  # noqa: E402
from benchmarks.api_server import api_server, wait_api_ready  # noqa: E402
from benchmarks.generate import generate  # noqa: E402

BUDGET_S = 1.0
CACHED_TARGET_MS = 10.0
SEARCH_TARGET_MS = 50.0
SEARCHES = [
    "santé mentale",
    "insertion professionnelle des jeunes",
    "EMPLOI",
    "prévention",
    "accès aux soins",
    "tranquillité publique quartiers",
    "numérique",
    "xylophone",
]


def synthetic_values(store: ox.Store) -> dict[str, list[str]]:
    """A realistic value for each parameter name used in app/queries."""
    contrats = [
        r["c"].value
        for r in store.query(
            "SELECT ?c WHERE { ?c a <https://w3id.org/contrats-de-ville/onto#Contrat> } "
            "ORDER BY ?c",
            use_default_graph_as_union=True,
        )
    ]
    elements = [
        r["e"].value
        for r in store.query(
            "SELECT ?e WHERE { ?e <https://w3id.org/contrats-de-ville/onto#theme> "
            f"<{BASE}theme/sante-mentale> }} LIMIT 100",
            use_default_graph_as_union=True,
        )
    ]
    return {
        "theme": [BASE + "theme/sante-mentale"],
        "schema": [BASE + "themes"],
        "contrat": contrats[:1],
        "contrats": contrats[:2],
        "batch": contrats[:BATCH],
        "element": elements,
        "dispositif": [BASE + "dispositif/d00"],
        "ressource": contrats[:1],
    }


# How the API binds ?contrat in each query (others: one contract).
CONTRAT_BINDING = {
    "contrats": None,
    "concepts-par-contrat": "contrats",
    "libelles": "batch",
}


def _time(run: Callable[[], object], repeat: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return times, result


def time_queries(
    store: ox.Store, repeat: int, only: set[str] | None = None
) -> list[tuple[str, float, float, int]]:
    """(name, median s, worst s, rows) for every query file (or those in ``only``).

    Each run includes serialising the answer as SPARQL JSON, as an endpoint would.
    """
    values = synthetic_values(store)
    values["synthese"] = [BASE + "graph/synthese"]
    table = []
    for query in queries.all_queries():
        if only and query.name not in only:
            continue
        params: dict[str, list[str] | None] = {}
        for p in query.params:
            if p.name == "contrat" and query.name in CONTRAT_BINDING:
                key = CONTRAT_BINDING[query.name]
                params[p.name] = None if key is None else values[key]
            else:
                params[p.name] = values.get(p.name, values["contrat"])
        text = query.bind(params, base=BASE)

        def run(text: str = text) -> None:
            result = store.query(text, use_default_graph_as_union=True)
            if isinstance(result, ox.QuerySolutions):
                result.serialize(format=ox.QueryResultsFormat.JSON)

        times, _ = _time(run, repeat)
        answer = store.query(text, use_default_graph_as_union=True)
        rows = len(list(answer)) if isinstance(answer, ox.QuerySolutions) else 1
        table.append((query.name, statistics.median(times), max(times), rows))
    return table


def print_query_table(title: str, table: list[tuple[str, float, float, int]]) -> int:
    """Print the table; the number of queries over budget."""
    print(f"\n## {title}\n")
    print(f"| requête | médiane (s) | pire (s) | lignes | ≤ {BUDGET_S:g} s |")
    print("|---|---:|---:|---:|:-:|")
    over = 0
    for name, median, worst, rows in table:
        ok = worst <= BUDGET_S
        over += not ok
        print(f"| {name}.rq | {median:.3f} | {worst:.3f} | {rows} | {'✓' if ok else '✗'} |")
    return over


def _memory(pid: int, when: str) -> None:
    print(f"mémoire résidente {when} (Mo) :\n{memory.report(pid)}", file=sys.stderr)


def time_sparql_matrix(client: httpx.Client, calls: int) -> list[tuple[str, float, float]]:
    """``matrice.rq`` over ``/sparql`` in each results format, cold: a distinct comment
    per run, so no result cache answers (the engine, the serialization, the transfer).

    Rows: ``(label, first ms, median ms)``; the answer must be whole (``CVKG_MAX_ROWS``
    ≥ its rows, else the label says it was cut).
    """
    text = queries.load("matrice").for_data(BASE)
    table = []
    for media_type in ("application/sparql-results+json", "text/csv", "text/tab-separated-values"):
        times, cut = [], ""
        for run in range(min(calls, 5)):
            start = time.perf_counter()
            response = client.post(
                "/sparql",
                data={"query": f"{text}\n# {media_type} {run} {time.time()}"},
                headers={"Accept": media_type},
            )
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, response.text[:300]
            cut = " TRONQUÉ" if "cvkg-truncated" in response.headers else ""
        label = f"/sparql matrice.rq {media_type} ({len(response.content)} o{cut})"
        table.append((label, times[0] * 1000, statistics.median(times) * 1000))
    return table


def time_api(
    data: Path, calls: int, workdir: Path, store: Path | None = None, workers: int | None = None
) -> list[tuple[str, float, float]]:
    """(endpoint, first call ms, median repeated call ms) through a live server.

    httpx asks for gzip, as browsers and pandas do; its time includes the
    transfer and decompression of the body, not its parsing. "first" is the
    first call once ``/healthz`` says ``api_ready``.
    """
    urls = [  # {a}, {b}: the first two contracts, asked of the server once it is up
        "/api/themes",
        "/api/themes/sante-mentale",
        "/api/themes/sante",
        "/api/themes/sante?limit=5000",
        "/api/themes/sante?limit=5000&format=csv",
        "/api/contrats",
        "/api/contrats?limit=5000",
        "/api/contrats/{a}",
        "/api/compare?contrat={a}&contrat={b}",
        "/api/matrix",
        "/api/matrix?format=csv",
        "/api/matrix.svg",
        "/api/matrix.png",
        "/api/generations",
        "/api/dispositifs",
        "/api/dispositifs/d00",
    ]
    table: list[tuple[str, float, float]] = []
    with (
        api_server(data, workdir, store, workers) as server,
        httpx.Client(base_url=server.url, timeout=600) as client,
    ):
        # The server prepares the API in the background (catalogues, search
        # index, matrix); wait for it, so that timings do not share the CPU with it.
        ready = wait_api_ready(client)
        table.append(("préparation au démarrage (attendue)", ready * 1000, float("nan")))
        _memory(server.process.pid, "une fois l'API prête")
        first_two = client.get("/api/contrats", params={"limit": 2}).json()["contrats"]
        ids = {"a": first_two[0]["id"], "b": first_two[1]["id"]}
        for url in (u.format(**ids) for u in urls):
            first, response = _time(lambda url=url: client.get(url), 1)
            assert response.status_code == 200, (url, response.text[:300])  # type: ignore[attr-defined]
            repeated, _ = _time(lambda url=url: client.get(url), calls)
            table.append((url, first[0] * 1000, statistics.median(repeated) * 1000))
        table += time_sparql_matrix(client, calls)
        for q in SEARCHES:
            times, response = _time(lambda q=q: client.get("/api/search", params={"q": q}), calls)
            total = response.json()["total"]  # type: ignore[attr-defined]
            table.append(
                (
                    f"/api/search?q={q} ({total} found)",
                    times[0] * 1000,
                    statistics.median(times) * 1000,
                )
            )
        _memory(server.process.pid, "après ces appels")
    return table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contracts", type=int, action="append", help="N (repeatable)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per query")
    parser.add_argument("--calls", type=int, default=30, help="repeated HTTP calls per endpoint")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "cvkg-bench")
    parser.add_argument("--no-http", action="store_true", help="only the SPARQL files")
    parser.add_argument(
        "--serve-store",
        type=Path,
        help="HTTP: serve this already loaded store (benchmarks/serve_store.py) "
        "instead of loading the dump (cvkg serve --data)",
    )
    parser.add_argument("--workers", type=int, help="HTTP: CVKG_QUERY_WORKERS (default: server's)")
    parser.add_argument(
        "--no-memory", action="store_true", help="skip the files on an in-memory store"
    )
    parser.add_argument("--only", help="comma-separated query names (default: every file)")
    parser.add_argument(
        "--store", type=Path, help="time the files on this existing store (read-only) instead"
    )
    parser.add_argument(
        "--rocksdb",
        action="store_true",
        help="also time the files on the on-disk store (read-only)",
    )
    args = parser.parse_args()
    over = 0
    for n in args.contracts or [500]:
        workdir = args.workdir / f"n{n}"
        workdir.mkdir(parents=True, exist_ok=True)
        data = workdir / "synthetic.nq"
        if not data.is_file():
            quads = generate(n, data)
            print(f"{n} contrats : {quads} quads générés", file=sys.stderr)
        only = set(args.only.split(",")) if args.only else None
        store = ox.Store()
        if not args.no_memory:
            start = time.perf_counter()
            store.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
            print(
                f"{n} contrats chargés en mémoire en {time.perf_counter() - start:.1f} s",
                file=sys.stderr,
            )
            over += print_query_table(
                f"{n} contrats — app/queries en mémoire (médiane / pire de {args.repeat})",
                time_queries(store, args.repeat, only),
            )
        if args.store:
            store = ox.Store.read_only(str(args.store))
            over += print_query_table(
                f"{n} contrats — app/queries sur {args.store} en lecture seule "
                f"(médiane / pire de {args.repeat})",
                time_queries(store, args.repeat, only),
            )
        elif args.rocksdb:
            store_dir = prepare_store(data, workdir / "store")
            store = ox.Store.read_only(str(store_dir))
            over += print_query_table(
                f"{n} contrats — app/queries sur RocksDB optimisé, en lecture seule "
                f"(médiane / pire de {args.repeat})",
                time_queries(store, args.repeat, only),
            )
        if args.no_http:
            continue
        print(f"\n## {n} contrats — API par HTTP (premier appel, médiane de {args.calls})\n")
        print("| appel | premier (ms) | répété, médiane (ms) |")
        print("|---|---:|---:|")
        rows = time_api(data, args.calls, workdir, args.serve_store, args.workers)
        for url, first, median in rows:
            print(f"| `{url}` | {first:.1f} | {median:.1f} |")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
