"""This endpoint, Oxigraph's own server and (when installed) Virtuoso, side by side
on the same synthetic data, over HTTP on loopback.

    python benchmarks/bench_endpoint.py --contracts 500
    python benchmarks/bench_endpoint.py --contracts 2000 --virtuoso http://127.0.0.1:8890/sparql

Virtuoso: with Debian's ``virtuoso-opensource-7-bin`` installed (``virtuoso-t``
and ``isql-vt`` on the PATH; ``scripts/setup-virtuoso.sh`` installs it), the
benchmark loads the same dump into a Virtuoso of its own (``WORKDIR/virtuoso``,
free ports) and stops it at the end; ``--virtuoso URL`` uses one already loaded
instead, ``--no-virtuoso`` leaves it out.

The mix is the research questions of issue 11, each asked on the raw graph
(walking ``skos:broader*`` at query time) and, where the build precomputes
it, on the graph ``…/graph/synthese`` (``app/synthese.py``; the generator
writes those facts as the build does). Runs are interleaved (engine A, B, C,
A, B, C…) so all see the same machine load; the table gives medians, p95 and
the ratios to Oxigraph's server, and checks that every engine returns as many
rows. Then throughput of the one-contract tree at 8 and 32 clients, load
times and resident memory. Targets (issue 11): every query ≤ 1.1× Oxigraph's
server; throughput ≥ Oxigraph's; precomputed answers ≤ 20/300/30/50 ms.

Not part of the test suite: it takes minutes. The load average is printed,
since other work on the machine skews every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from engines import (  # noqa: E402
    Engine,
    Virtuoso,
    start_ours,
    start_oxigraph,
    start_virtuoso,
    virtuoso,
    virtuoso_installed,
)
from generate import generate  # noqa: E402

from app.queries import QUERY_DIR  # noqa: E402

PREFIXES = """PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
RAW: dict[str, str] = {
    "arbre-contrat": """SELECT ?e ?parent ?rang ?code ?label WHERE {
        ?e cdv:contrat <$C> ; skos:prefLabel ?label .
        OPTIONAL { ?e cdv:partieDe ?parent } OPTIONAL { ?e cdv:rang ?rang }
        OPTIONAL { ?e skos:notation ?code } } ORDER BY ?parent ?rang""",
    "sante-mentale": """SELECT ?c (COUNT(DISTINCT ?e) AS ?n) WHERE {
        ?sm skos:prefLabel "Santé mentale"@fr . ?t skos:broader* ?sm .
        ?e cdv:theme ?t ; cdv:contrat ?c } GROUP BY ?c ORDER BY DESC(?n)""",
    "matrice": """SELECT ?theme ?c (COUNT(DISTINCT ?e) AS ?n) WHERE {
        ?e cdv:contrat ?c ; cdv:theme ?t . ?t skos:broader* ?theme } GROUP BY ?theme ?c""",
    "themes-nouveaux": """SELECT ?theme WHERE {
        ?e cdv:theme ?t ; cdv:contrat ?c . ?c cdv:generation/skos:notation ?g .
        ?t skos:broader* ?theme } GROUP BY ?theme
        HAVING (SUM(IF(?g = "2015-2020", 1, 0)) = 0)""",
    "dispositifs-partages": """SELECT ?autre (COUNT(DISTINCT ?d) AS ?n) WHERE {
        ?e cdv:contrat <$C> ; cdv:mobilise ?d . ?e2 cdv:mobilise ?d ; cdv:contrat ?autre .
        FILTER (?autre != <$C>) } GROUP BY ?autre HAVING (COUNT(DISTINCT ?d) >= 3)""",
    "deux-contrats": """SELECT ?c ?concept (COUNT(?e) AS ?n) WHERE {
        VALUES ?c { <$C> <$D> } ?e cdv:contrat ?c .
        { ?e cdv:theme ?concept } UNION { ?e cdv:mobilise ?concept } } GROUP BY ?c ?concept""",
}
# The same questions on the precomputed graph: the app's own query files, and
# the format asked for (the matrix also as CSV, the form a spreadsheet or
# pandas.read_csv reads 79 k rows in: half the bytes of JSON, and pyoxigraph
# writes it ≈ 2.5× faster).
JSON = "application/sparql-results+json"
PRECOMPUTED = {
    "sante-mentale": ("sante-mentale", None, JSON),
    "matrice": ("matrice", None, JSON),  # the whole matrix: no VALUES ?contrat block any more
    "matrice-csv": ("matrice", None, "text/csv"),
    "themes-nouveaux": ("themes-nouveaux", None, JSON),
    "dispositifs-partages": ("dispositifs-partages", "<$C>", JSON),
}
ACCEPT = {"Accept": JSON}
TARGET_MS = {
    "sante-mentale": 20,
    "matrice": 300,
    "matrice-csv": 300,
    "themes-nouveaux": 30,
    "dispositifs-partages": 50,
}


def precomputed_query(name: str, values: str | None) -> str:
    text = (QUERY_DIR / f"{name}.rq").read_text(encoding="utf-8")
    if values is not None:
        start = text.index("VALUES ?contrat {")
        text = text[:start] + f"VALUES ?contrat {{ {values} }}" + text[text.index("}", start) + 1 :]
    return text


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def row_count(body: bytes, accept: str = JSON) -> int:
    """Rows of an answer. CSV: lines less the header (the matrix's values hold no line
    break); RFC 4180 ends them with CRLF, Virtuoso 7.2 with LF alone.

    >>> row_count(b"a,b\\r\\n1,2\\r\\n", "text/csv"), row_count(b"a,b\\n1,2\\n3,4", "text/csv")
    (1, 2)
    """
    if accept == "text/csv":
        return len(body.rstrip(b"\r\n").split(b"\n")) - 1
    return len(json.loads(body)["results"]["bindings"])


def compare(
    engines: list[Engine], name: str, query: str, repeat: int, accept: str = JSON
) -> list[str]:
    """Lines of the table: medians, p95, ratios to Oxigraph, rows per engine.

    Cold: every run sends a distinct text (a numbered comment), so no answer
    cache serves it: the engine's own speed. Warm: the same text again, which
    this endpoint answers from its result cache (CVKG_RESULT_CACHE_BYTES) when
    the answer fits; Oxigraph's server has no cache, its cold figure stands.
    Several of ours (``--store-mode disk,memory``) each get a ratio.
    """
    start = time.perf_counter()
    counts = [row_count(e.query(f"{query}\n# essai 0", accept), accept) for e in engines]
    heavy = time.perf_counter() - start > 3 * len(engines) / 2
    runs = max(2, repeat // 10) if heavy else repeat
    times: list[list[float]] = [[] for _ in engines]
    for run in range(1, runs + 1):
        for engine, sink in zip(engines, times, strict=True):
            t = time.perf_counter()
            engine.query(f"{query}\n# essai {run}", accept)
            sink.append((time.perf_counter() - t) * 1000)
    medians = [statistics.median(t) for t in times]
    reference = medians[[e.name for e in engines].index("oxigraph")]
    cells = " ".join(f"{m:9.1f} {p95(t):8.1f}" for m, t in zip(medians, times, strict=True))
    ours = [i for i, e in enumerate(engines) if e.name.startswith("cvkg")]
    ratios = " ".join(f"{medians[i] / reference:6.2f}" for i in ours)
    same = "=" if len(set(counts)) == 1 else f"≠ {counts}"
    lines = [f"{name + ' froid':<32} {counts[0]:>6} {cells} {ratios} {same}"]
    for i in ours:
        engine = engines[i]
        engine.query(query, accept)  # kept by the cache if it fits
        warm = []
        for _ in range(runs):
            t = time.perf_counter()
            engine.query(query, accept)
            warm.append((time.perf_counter() - t) * 1000)
        if engine.last_cached:
            m = statistics.median(warm)
            lines.append(
                f"{name + ' chaud ' + engine.name:<32} {counts[0]:>6} {m:9.1f} {p95(warm):8.1f} "
                f"{m / reference:6.2f}   (Oxigraph : son chiffre froid)"
            )
    return lines


async def throughput(
    url: str, queries: list[str], clients: int, seconds: float, *, cold: bool, one_address: bool
) -> tuple[float, int]:
    """Requests per second with ``clients`` concurrent clients for ``seconds``, and
    how many requests were answered.

    Each client has its own loopback address (127.0.1.N), as distinct clients
    would: this endpoint's fair share counts per address (``one_address``: all
    from 127.0.0.1, one client as far as the fair share knows). ``cold``: each
    request's text is distinct (a numbered comment), so no cache answers.
    """
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker(index: int) -> None:
        nonlocal done
        address = "127.0.0.1" if one_address else f"127.0.1.{index + 1}"
        transport = httpx.AsyncHTTPTransport(local_address=address)
        async with httpx.AsyncClient(timeout=600, transport=transport) as client:
            while time.perf_counter() < deadline:
                query = random.choice(queries)
                if cold:
                    query += f"\n# {index}-{done}"
                response = await client.post(url, data={"query": query}, headers=ACCEPT)
                response.raise_for_status()
                done += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(clients)))
    return done / (time.perf_counter() - start), done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contracts", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=8.0, help="per throughput run")
    parser.add_argument(
        "--virtuoso",
        default=os.environ.get("CVKG_BENCH_VIRTUOSO"),
        help="the SPARQL URL of a Virtuoso already loaded with the same dump",
    )
    parser.add_argument(
        "--no-virtuoso", action="store_true", help="without Virtuoso, even when installed"
    )
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/cvkg-bench"))
    parser.add_argument(
        "--store",
        type=Path,
        help="an already loaded, optimised store: both servers open it "
        "read-only (no load, no load time)",
    )
    parser.add_argument("--workers", type=int, help="CVKG_QUERY_WORKERS of this endpoint")
    parser.add_argument(
        "--store-mode",
        default="disk",
        help="CVKG_STORE_MODE of this endpoint: disk, memory, or disk,memory (both, interleaved)",
    )
    parser.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="another CVKG_ setting of this endpoint, e.g. WORKER_PRIVATE_MEMORY=0 (repeatable)",
    )
    parser.add_argument("--queries", help="only these questions (names, comma-separated)")
    parser.add_argument(
        "--one-address", action="store_true", help="throughput clients all from 127.0.0.1"
    )
    args = parser.parse_args()

    args.workdir.mkdir(parents=True, exist_ok=True)
    dump = args.workdir / f"synthetic-synthese-{args.contracts}.nq"
    if args.store is None and not dump.exists():
        print(f"généré : {dump} ({generate(args.contracts, dump)} quads)")
    print(f"charge de la machine au début : {os.getloadavg()}")
    env = {"CVKG_QUERY_WORKERS": str(args.workers)} if args.workers else {}
    for setting in args.setting:
        name, equals, value = setting.partition("=")
        if not equals or not name:
            parser.error(f"--setting {setting!r} : NOM=VALEUR attendu")
        env[f"CVKG_{name.removeprefix('CVKG_').upper()}"] = value
    modes = args.store_mode.split(",")
    engines: list[Engine] = []
    store = args.store
    for mode in modes:
        name = "cvkg" if len(modes) == 1 else f"cvkg-{mode[:3]}"
        mode_env = {**env, "CVKG_STORE_MODE": mode}
        engines.append(start_ours(dump, args.workdir, store=store, env=mode_env, name=name))
        store = store or args.workdir / "store-cvkg"  # loaded once for every mode
    engines.append(start_oxigraph(dump, args.workdir, store=args.store))
    if args.virtuoso and not args.no_virtuoso:
        engines.append(virtuoso(args.virtuoso))
    elif not args.no_virtuoso and virtuoso_installed():
        if dump.exists():
            try:
                engines.append(start_virtuoso(dump, args.workdir))
            except (RuntimeError, OSError, ValueError) as exc:  # the others still compare
                print(f"Virtuoso laissé de côté : {exc}")
        else:  # --store: the benchmark generated no dump to load
            print(f"Virtuoso installé mais laissé de côté : pas de dump {dump} à lui charger")
    wanted = set(args.queries.split(",")) if args.queries else None
    try:
        probe = PREFIXES + "SELECT ?c WHERE { ?c a cdv:Contrat } ORDER BY ?c"
        rows = json.loads(engines[len(modes)].query(probe))["results"]["bindings"]
        contracts = [b["c"]["value"] for b in rows]
        first, second = contracts[0], contracts[1]
        names = " ".join(f"{e.name + ' méd':>9} {'p95':>8}" for e in engines)
        ratio_names = " ".join(f"{e.name[-3:] + '/ox':>6}" for e in engines if e.name != "oxigraph")
        for e in engines[: len(modes)]:
            print(
                f"\n{e.name} : écoute {e.start_s:.1f} s après le lancement, "
                f"prêt (préparation de l'API finie) {e.ready_s:.0f} s après l'écoute ; "
                f"malloc des processus de requête : {e.allocator}"
            )
        print(f"\n{len(contracts)} contrats ; ms ; ratio = cvkg / Oxigraph (≤ 1.1 visé)")
        print("froid : texte distinct à chaque essai (aucun cache) ; chaud : cache de cvkg")
        print(f"{'requête':<32} {'lignes':>6} {names} {ratio_names} lignes")
        for name, query in RAW.items():
            if wanted is None or name in wanted:
                text = PREFIXES + query.replace("$C", first).replace("$D", second)
                print("\n".join(compare(engines, f"{name} (brut)", text, args.repeat)), flush=True)
        for name, (file, values, accept) in PRECOMPUTED.items():
            if wanted is None or f"{name}-synthese" in wanted:
                text = precomputed_query(file, values and values.replace("$C", first))
                lines = compare(engines, f"{name} (synthèse)", text, args.repeat, accept)
                lines[0] += f"  cible {TARGET_MS[name]} ms"
                print("\n".join(lines), flush=True)
        trees = [PREFIXES + RAW["arbre-contrat"].replace("$C", c) for c in contracts[:200]]
        where = "une seule adresse" if args.one_address else "une adresse par client"
        print(
            f"\ndébit, arbre d'un contrat parmi 200 (req/s ; {where} ; entre parenthèses, "
            "ms de CPU du serveur et de ses processus par requête) :"
        )
        for cold in (True, False):
            if not cold:
                for tree in trees:  # every answer in the cache before the warm runs
                    for e in engines[: len(modes)]:
                        e.query(tree)
            for clients in (8, 32):
                cells = []
                for e in engines:
                    spent = e.cpu_s()
                    rate, answered = asyncio.run(
                        throughput(
                            e.url,
                            trees,
                            clients,
                            args.seconds,
                            cold=cold,
                            one_address=args.one_address,
                        )
                    )
                    cpu_ms = (e.cpu_s() - spent) * 1000 / max(answered, 1)
                    cpu = f"{cpu_ms:.2f}" if e.pid else "?"  # a server whose process is unknown
                    cells.append(f"{e.name} {rate:7.1f} ({cpu})")
                label = "froid" if cold else "chaud (cache de cvkg)"
                print(f"  {clients:>2} clients, {label} : " + " ; ".join(cells), flush=True)
        print("\nchargement et mémoire :")
        for e in engines:
            load = f"chargement {e.load_s:6.1f} s (pic {e.load_peak_mb:5.0f} Mo)"
            if isinstance(e, Virtuoso) and e.folder is None:  # given by URL, loaded beforehand
                load = f"chargé à part en {e.load_s:.1f} s" if e.load_s else "chargé à part"
            elif isinstance(e, Virtuoso):
                load = f"chargement {e.load_s:6.1f} s (setup-virtuoso.sh, {e.folder})"
            elif args.store:
                load = f"base donnée ({args.store})"
            if not e.pid:
                print(f"  {e.name:<9} {load} ; mémoire : processus inconnu (VIRTUOSO_DIR)")
                continue
            rss, pss = e.memory_mb()
            print(
                f"  {e.name:<9} {load} ; après la série (serveur + workers) : "
                f"RSS {rss:6.0f} Mo, PSS {pss:6.0f} Mo"
            )
    finally:
        for e in engines:
            e.stop()
    print(f"charge de la machine à la fin : {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
