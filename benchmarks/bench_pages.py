"""The site's pages at national scale: each kind of page, timed on a running server.

    python benchmarks/bench_pages.py --url http://127.0.0.1:8000 [--per-kind 8]

Starting from the index, it follows the links of the pages (HTML, as a browser
asks), at most ``--per-kind`` pages of each kind (index, contract, element,
theme, a theme's later pages, dispositif, generation, thesaurus, named graph,
source text, dataset), plus the derived dumps; then prints, per kind, the
pages timed, the median, p95 and slowest time and the largest page. Serve the
825 synthetic contracts of ``bench_build.py`` to see a national-scale site:

    python benchmarks/bench_build.py --contracts 825 --workdir /tmp/b825
    CVKG_DATA_DIR=/tmp/b825/synthetic-825/contrats \\
    CVKG_SOURCES_DIR=/tmp/b825/synthetic-825/sources \\
    CVKG_BUILD_DIR=/tmp/b825/synthetic-825/build cvkg serve --port 8801

Measured so (2026-12-01, docs/linked-data.md): before the fixes of that day a
contract's page took ≈ 300 ms, « Santé » 9.9 s, a generation 5.9 s, the
synthèse's graph page 7.8 s.

Not part of the test suite: the timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import collections
import re
import statistics
import sys
import time

import httpx

START = ["/id/", "/id/themes", "/id/dispositifs", "/id/generations", "/sources/", "/dataset"]
START += ["/id/graph/synthese"]
DUMPS = ["/dumps/cvkg.ttl", "/dumps/cvkg.jsonld"]
KINDS = [  # first match wins
    ("thème, page suivante", r"^/id/theme/[^/?]+\?page=\d+"),
    ("thème", r"^/id/theme/[^/?]+$"),
    ("dispositif", r"^/id/dispositif/[^/?]+$"),
    ("génération", r"^/id/generation/[^/?]+$"),
    ("élément", r"^/id/contrat/[^/]+/.+"),
    ("contrat", r"^/id/contrat/[^/]+$"),
    ("graphe nommé", r"^/id/graph/"),
    ("source (page)", r"^/id/source/"),
    ("source (texte)", r"^/sources/.+"),
    ("thésaurus", r"^/id/(themes|dispositifs|generations|indicateurs|unites)$"),
    ("index", r"^/(id/|sources/|dataset)$"),
]
LINK = re.compile(r'href="(/(?:id|sources)/[^"#]*)[^"]*"')  # without its #fragment


def kind_of(path: str) -> str | None:
    return next((name for name, pattern in KINDS if re.search(pattern, path)), None)


def crawl(client: httpx.Client, per_kind: int) -> dict[str, list[tuple[float, int, str]]]:
    """(seconds, bytes, path) of the pages timed, by kind."""
    timed: dict[str, list[tuple[float, int, str]]] = collections.defaultdict(list)
    queue, seen = collections.deque(START), set()
    while queue:
        path = queue.popleft().replace("&amp;", "&")
        kind = kind_of(path)
        if path in seen or kind is None or len(timed[kind]) >= per_kind or "format=" in path:
            continue
        seen.add(path)
        start = time.perf_counter()
        response = client.get(path, headers={"Accept": "text/html"})
        timed[kind].append((time.perf_counter() - start, len(response.content), path))
        if response.status_code != 200:
            print(f"  {response.status_code} {path}", file=sys.stderr)
        queue.extend(LINK.findall(response.text))
    return timed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--per-kind", type=int, default=8)
    parser.add_argument("--no-dumps", action="store_true", help="without the derived dumps")
    args = parser.parse_args()
    with httpx.Client(base_url=args.url, timeout=600) as client:
        contracts = client.get("/api/contrats").json().get("count", "?")
        timed = crawl(client, args.per_kind)
        if not args.no_dumps:
            for path in DUMPS:
                for attempt in ("premier", "suivant"):
                    start = time.perf_counter()
                    with client.stream("GET", path) as response:
                        size = sum(len(chunk) for chunk in response.iter_raw())
                    timed[f"dump {attempt}"].append((time.perf_counter() - start, size, path))
    print(f"{args.url} : {contracts} contrats ; ms par page (HTML)")
    columns = ("pages", 5), ("médiane", 8), ("p95", 8), ("max", 8), ("Ko max", 9)
    print(f"{'sorte':<22} " + " ".join(f"{c:>{w}}" for c, w in columns) + "  la plus lente")
    for kind, rows in timed.items():
        ms = sorted(t * 1000 for t, _, _ in rows)
        slowest = max(rows)[2]
        p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
        biggest = max(size for _, size, _ in rows) // 1024
        print(
            f"{kind:<22} {len(ms):>5} {statistics.median(ms):>8.1f} {p95:>8.1f} {ms[-1]:>8.1f} "
            f"{biggest:>9}  {slowest}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
