"""Time the review of a large draft: what each source line became, and the page.

A seeded synthetic document the size of a long contract (``--pages`` pages of
``LINES_PER_PAGE`` lines: numbered headings, objectives, narrative paragraphs,
running headers) and its draft (every heading and objective an element, every
tenth one flagged, one paragraph in three kept as a description, the running
headers declared in ``lignes_ignorees``) are written to a temporary folder;
then ``app.review.coverage.review`` and ``app.review.page.review_html`` run
``--repeat`` times (median and worst). No validation (``cvkg validate``) here:
that is the build's cost, timed by the build benchmarks.

    python benchmarks/bench_review.py --pages 100
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.review.coverage import review  # noqa: E402
from app.review.page import review_html  # noqa: E402

LINES_PER_PAGE = 45
WORDS = (
    "accompagner renforcer les habitants des quartiers prioritaires emploi santé éducation "
    "logement tranquillité publique jeunesse participation citoyenne mobilité insertion"
).split()


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def make_document(pages: int, seed: int = 8) -> tuple[list[str], dict[str, object]]:
    """The source lines and the draft (as a YAML mapping) of a synthetic contract."""
    rng = random.Random(seed)
    lines: list[str] = []
    elements: list[dict[str, object]] = []
    ignored: list[dict[str, object]] = []
    axe = objectif = 0
    for page in range(1, pages + 1):
        lines.append(f"Contrat de ville — page {page}")
        ignored.append({"ligne": len(lines), "raison": "en-tête courant"})
        while len(lines) < page * LINES_PER_PAGE - 1:
            roll = rng.random()
            if roll < 0.08 or not elements:
                axe += 1
                lines.append(f"{axe}. {_sentence(rng, 6).upper()}")
                elements.append(
                    {
                        "id": f"axe-{axe}",
                        "classe": "Axe",
                        "code": str(axe),
                        "label": lines[-1].split(". ", 1)[1],
                        "ligne": len(lines),
                    }
                )
            elif roll < 0.5:
                objectif += 1
                label = _sentence(rng, 12)
                lines.append(f"- {label}")
                e: dict[str, object] = {
                    "id": f"oo-{objectif}",
                    "classe": "ObjectifOperationnel",
                    "parent": f"axe-{axe}",
                    "label": label,
                    "ligne": len(lines),
                }
                if objectif % 10 == 0:
                    e["a_verifier"] = "niveau incertain"
                elements.append(e)
            else:
                text = _sentence(rng, 30)
                lines.append(text)
                if rng.random() < 0.33:
                    owner = elements[-1]
                    owner.setdefault("description", []).append(  # type: ignore[union-attr]
                        {"ligne": len(lines), "texte": text}
                    )
        lines.append(str(page))
        ignored.append({"ligne": len(lines), "raison": "numéro de page"})
    draft = {
        "id": "synthetique-00000000",
        "source": {"fichier": "synthetique.txt"},
        "elements": elements,
        "lignes_ignorees": ignored,
    }
    return lines, draft


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    lines, draft = make_document(args.pages)
    with tempfile.TemporaryDirectory(prefix="cvkg-bench-review-") as tmp:
        folder = Path(tmp)
        (folder / "synthetique.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        path = folder / "brouillon.yaml"
        path.write_text(yaml.safe_dump(draft, allow_unicode=True), encoding="utf-8")
        coverage, page = [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            r = review(path, folder)
            middle = time.perf_counter()
            html = review_html(r)
            coverage.append(middle - start)
            page.append(time.perf_counter() - middle)
    elements = len(draft["elements"])  # type: ignore[arg-type]
    print(
        f"{args.pages} pages, {len(lines)} lines, {elements} elements, "
        f"{len(r.flagged())} flagged, {r.count('non-reprise')} lines not taken up, "
        f"page {len(html) / 1e6:.1f} MB"
    )
    for name, times in (("coverage", coverage), ("page", page)):
        print(f"  {name:9} median {statistics.median(times):.2f} s, worst {max(times):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
