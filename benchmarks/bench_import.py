"""Draft a 100-page PDF contract and print the time (target: ≤ 10 s on the project machine).

.venv/bin/python benchmarks/bench_import.py [PAGES]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "importer"))

from documents import make_pdf  # noqa: E402

from app.importer.run import import_document  # noqa: E402


def main() -> None:
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "contrat.pdf"
        make_pdf(pdf, repeat=max(1, pages // 2))
        import pypdfium2 as pdfium

        n = len(pdfium.PdfDocument(str(pdf)))
        started = time.perf_counter()
        result = import_document(pdf, Path(tmp) / "contrat.yaml", Path(tmp) / "sources")
        elapsed = time.perf_counter() - started
    total = sum(result.per_class.values())
    print(f"{n} pages, {total} éléments ({result.flagged} à vérifier) : {elapsed:.2f} s")


if __name__ == "__main__":
    main()
