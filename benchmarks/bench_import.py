"""Draft a 100-page PDF contract and print the time (target: ≤ 10 s on the project machine).

The PDF is generated with reportlab: full pages of axes, wrapped objectives, bullets
and narrative paragraphs, a running header and footer, page numbers and a sommaire.

    .venv/bin/python benchmarks/bench_import.py [PAGES]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from app.importer.run import import_document


def make_long_pdf(path: Path, pages: int) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()

    def frame(canvas, doc):  # type: ignore[no-untyped-def]
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(72, A4[1] - 40, "Contrat de ville — Engagements Quartiers 2030")
        canvas.drawRightString(A4[0] - 72, 30, f"Page {doc.page}")
        canvas.restoreState()

    story = [Paragraph("Contrat de ville de Valbourg", styles["Title"])]
    story.append(Paragraph("Sommaire", styles["Heading2"]))
    story += [
        Paragraph(f"Axe {n} – Orientation numéro {n} ........ {n + 1}", styles["Normal"])
        for n in range(1, pages)
    ]
    text = "Les habitants des quartiers prioritaires expriment des besoins nouveaux. " * 4
    for n in range(1, pages):
        story += [PageBreak(), Paragraph(f"Axe {n} – Orientation numéro {n}", styles["Heading1"])]
        story.append(Paragraph(text, styles["Normal"]))
        for k in range(1, 4):
            story.append(
                Paragraph(
                    f"{n}.{k} Renforcer l'action publique numéro {k} de l'axe {n} auprès des "
                    "habitants des quartiers prioritaires et de leurs associations",
                    styles["Heading2"],
                )
            )
            story.append(Paragraph(text, styles["Normal"]))
            story += [
                Paragraph(
                    f"• Action {n}.{k}.{j} : soutenir les initiatives locales", styles["Normal"]
                )
                for j in range(1, 4)
            ]
    SimpleDocTemplate(str(path), pagesize=A4).build(story, onFirstPage=frame, onLaterPages=frame)


def main() -> None:
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "contrat.pdf"
        make_long_pdf(pdf, pages)
        import pypdfium2 as pdfium

        n = len(pdfium.PdfDocument(str(pdf)))
        started = time.perf_counter()
        result = import_document(pdf, Path(tmp) / "contrat.yaml", Path(tmp) / "sources")
        elapsed = time.perf_counter() - started
        lines = len(
            (Path(tmp) / "sources" / "contrat.txt").read_text(encoding="utf-8").splitlines()
        )
    total = sum(result.per_class.values())
    flagged = result.flagged
    print(f"{n} pages, {lines} lignes, {total} éléments ({flagged} à vérifier) : {elapsed:.2f} s")


if __name__ == "__main__":
    main()
