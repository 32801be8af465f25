"""Time a fixed mix of research queries three ways on the same synthetic data:
in-process pyoxigraph, through the HTTP endpoint, and through rdflib.

    python benchmarks/bench_endpoint.py --contracts 500
    python benchmarks/bench_endpoint.py --contracts 2000 --no-rdflib

Each way produces the same thing, the serialized answer (SPARQL JSON for
SELECT/ASK, Turtle for CONSTRUCT), so the endpoint's overhead is HTTP, the
worker hop and the row-capped serialization. Also measured: loading the
N-Quads into the store (wall time, CPU time, peak memory of the loading
process). Targets: endpoint ≤ in-process + max(30 %, 3 ms); loading 2 000
contracts ≤ 10 s and ≤ 0.5 GB.

Not part of the test suite: it takes minutes. The machine's load average is
printed, since other work on the machine skews every figure.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402

from app.server.live import PROJECT_ROOT, free_port  # noqa: E402

PREFIXES = """PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
GEN = "<https://w3id.org/contrats-de-ville/id/generation/2024-2030>"
MIX: dict[str, str] = {
    "contrats": """SELECT ?c ?titre ?gen WHERE { ?c a cdv:Contrat ; dcterms:title ?titre ;
        cdv:generation/skos:notation ?gen } ORDER BY ?c""",
    "sante-mentale": """SELECT ?c (COUNT(DISTINCT ?e) AS ?n) WHERE {
        ?sm skos:prefLabel "Santé mentale"@fr . ?t skos:broader* ?sm .
        ?e cdv:theme ?t ; cdv:contrat ?c } GROUP BY ?c ORDER BY DESC(?n)""",
    "arbre-contrat": """SELECT ?e ?parent ?rang ?code ?label WHERE {
        ?c dcterms:identifier "$ID" . ?e cdv:contrat ?c ; skos:prefLabel ?label .
        OPTIONAL { ?e cdv:partieDe ?parent } OPTIONAL { ?e cdv:rang ?rang }
        OPTIONAL { ?e skos:notation ?code } } ORDER BY ?parent ?rang""",
    "dispositifs": """SELECT ?d ?nom (COUNT(DISTINCT ?c) AS ?contrats) WHERE {
        ?e cdv:mobilise ?d ; cdv:contrat ?c . ?d skos:prefLabel ?nom }
        GROUP BY ?d ?nom ORDER BY DESC(?contrats)""",
    "themes-generation": """SELECT ?top ?gen (COUNT(?e) AS ?n) WHERE {
        ?e cdv:theme ?t ; cdv:contrat ?c . ?c cdv:generation ?gen .
        ?t skos:broader* ?top . FILTER NOT EXISTS { ?top skos:broader ?x } }
        GROUP BY ?top ?gen""",
    "texte": """SELECT ?e ?label WHERE { ?e a cdv:ObjectifOperationnel ; skos:prefLabel ?label
        FILTER(CONTAINS(LCASE(?label), "précarité alimentaire")) } LIMIT 200""",
    "ask": f"""ASK {{ ?c cdv:generation {GEN} }}""",
    "construct-contrat": """CONSTRUCT { ?e ?p ?o } WHERE {
        ?c dcterms:identifier "$ID" . ?e cdv:contrat ?c ; ?p ?o }""",
    "objectifs-2024": f"""SELECT ?e ?label WHERE {{ ?c cdv:generation {GEN} .
        ?e cdv:contrat ?c ; a cdv:ObjectifOperationnel ; skos:prefLabel ?label }} LIMIT 5000""",
}


def timed(runs: list[Callable[[], object]], repeat: int, warmup: int = 6) -> list[list[float]]:
    """Durations (ms) of each way, interleaved so that all see the same machine load.

    Six warm-up runs: the endpoint's two workers each need a few queries before
    their caches and allocators reach a steady state.
    """
    for run in runs:
        for _ in range(warmup):
            run()
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(repeat):
        for run, sink in zip(runs, times, strict=True):
            start = time.perf_counter()
            run()
            sink.append((time.perf_counter() - start) * 1000)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def load_store(dump: Path, store_dir: Path) -> tuple[float, float, float]:
    """Load in a child process: (wall s, CPU s, peak MB) of the loader alone."""
    shutil.rmtree(store_dir, ignore_errors=True)
    code = (
        "import sys; from pathlib import Path; from app.server.store import prepare_store; "
        "prepare_store(Path(sys.argv[1]), Path(sys.argv[2]))"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code, str(dump), str(store_dir)], check=True, cwd=PROJECT_ROOT
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024


def start_endpoint(store_dir: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CVKG_")}
    env["CVKG_QUERY_TIMEOUT"] = "120"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                str(Path(__file__).with_name("serve_store.py")),
                "--store",
                str(store_dir),
                "--port",
                str(port),
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(log.read_text())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contracts", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--rdflib-repeat", type=int, default=5)
    parser.add_argument("--no-rdflib", action="store_true")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/cvkg-bench"))
    args = parser.parse_args()

    from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat, Store
    from pyoxigraph import serialize as ox_serialize

    from app.config import DEFAULT_BASE_IRI
    from app.prefixes import project_prefixes

    args.workdir.mkdir(parents=True, exist_ok=True)
    dump = args.workdir / f"synthetic-{args.contracts}.nq"
    if not dump.exists():
        quads = generate(args.contracts, dump)
        print(f"généré : {dump} ({quads} quads)")
    print(f"charge de la machine au début : {os.getloadavg()}")
    store_dir = args.workdir / f"store-{args.contracts}"
    wall, cpu, peak = load_store(dump, store_dir)
    print(
        f"chargement de {args.contracts} contrats : {wall:.1f} s (CPU {cpu:.1f} s), "
        f"pic mémoire {peak:.0f} Mo"
    )

    store = Store.read_only(str(store_dir))
    quads = len(store)
    first = next(
        iter(
            store.query(
                "PREFIX dcterms: <http://purl.org/dc/terms/> "
                "SELECT ?id { ?c dcterms:identifier ?id } ORDER BY ?id LIMIT 1",
                use_default_graph_as_union=True,
            )
        )
    )["id"].value
    queries = {name: PREFIXES + q.replace("$ID", first) for name, q in MIX.items()}
    prefixes = project_prefixes(DEFAULT_BASE_IRI)

    def in_process(query: str) -> bytes:
        result = store.query(query, use_default_graph_as_union=True)
        if isinstance(result, (QuerySolutions, QueryBoolean)):
            return result.serialize(format=QueryResultsFormat.JSON)
        return ox_serialize(result, format=RdfFormat.TURTLE, prefixes=prefixes)

    process, url = start_endpoint(store_dir, args.workdir / "endpoint.log")
    client = httpx.Client(base_url=url, timeout=300)

    def through_endpoint(query: str) -> bytes:
        response = client.get("/sparql", params={"query": query})
        response.raise_for_status()
        return response.content

    rdflib_ds = None
    if not args.no_rdflib:
        import rdflib

        start = time.perf_counter()
        rdflib_ds = rdflib.Dataset(default_union=True)
        rdflib_ds.parse(dump, format="nquads")
        print(f"rdflib : chargement {time.perf_counter() - start:.1f} s")

    def through_rdflib(query: str) -> bytes:
        result = rdflib_ds.query(query)
        return result.serialize(format="turtle" if result.type == "CONSTRUCT" else "json")

    print(f"\n{quads} quads ; {args.repeat} répétitions (rdflib : {args.rdflib_repeat}) ; ms")
    header = (
        f"{'requête':<18} {'lignes':>6} {'in-proc méd':>11} {'p95':>7} {'endpoint méd':>12} "
        f"{'p95':>7} {'surcoût':>8} {'ratio':>6} {'rdflib méd':>10} {'rdflib/in':>9} cible"
    )
    print(header)
    ok_all = True
    for name, query in queries.items():
        start = time.perf_counter()
        rows = len(in_process(query))
        slow = time.perf_counter() - start > 0.5  # heavy queries: fewer runs
        inproc, http = timed(
            [lambda q=query: in_process(q), lambda q=query: through_endpoint(q)],
            5 if slow else args.repeat,
            warmup=2 if slow else 6,
        )
        m_in, m_http = statistics.median(inproc), statistics.median(http)
        overhead = m_http - m_in
        ok = m_http <= max(m_in * 1.3, m_in + 3)
        ok_all &= ok
        rd = ""
        rd_ratio = ""
        if rdflib_ds is not None:
            (times,) = timed([lambda q=query: through_rdflib(q)], args.rdflib_repeat, warmup=1)
            rd = f"{statistics.median(times):10.1f}"
            rd_ratio = f"{statistics.median(times) / m_in:9.1f}"
        print(
            f"{name:<18} {rows:>6} {m_in:11.2f} {p95(inproc):7.2f} {m_http:12.2f} "
            f"{p95(http):7.2f} {overhead:8.2f} {m_http / m_in:6.2f} {rd:>10} {rd_ratio:>9} "
            f"{'ok' if ok else 'DÉPASSÉE'}"
        )
    print("(« lignes » : octets de la réponse en process)")
    print(f"\ncible endpoint ≤ in-process + max(30 %, 3 ms) : {'tenue' if ok_all else 'non tenue'}")
    print(f"cible chargement (2 000 contrats ≤ 10 s, ≤ 500 Mo) : {wall:.1f} s, {peak:.0f} Mo")
    print(f"charge de la machine à la fin : {os.getloadavg()}")
    client.close()
    process.terminate()
    process.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
