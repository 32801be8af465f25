"""Draft a 100-page PDF contract, then a Word one of the same size, and print the times
(target: ≤ 10 s each on the project machine).

The PDF is generated with reportlab: full pages of axes, wrapped objectives, bullets
and narrative paragraphs, a running header and footer, page numbers and a sommaire.
The Word file (python-docx): per axis, headings, paragraphs and a table of
objectives and actions; 2,000 paragraphs and 200 tables at 100 « pages ». Then a
Word table of 15 rows a « page » in one piece (1,500 rows at 100), no header, its
first cells short labels: each row once looked at as the start of a fiche action.

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


def make_long_docx(path: Path, pages: int) -> None:
    import docx

    d = docx.Document()
    d.add_heading("Contrat de ville de Valbourg", 0)
    text = "Les habitants des quartiers prioritaires expriment des besoins nouveaux. " * 2
    for a in range(1, pages // 5 + 1):
        d.add_heading(f"Axe {a} : Orientation numéro {a}", 1)
        for o in range(1, 11):
            d.add_heading(f"Objectif {a}.{o} : Renforcer l'action publique numéro {o}", 2)
            for _ in range(8):
                d.add_paragraph(text)
            table = d.add_table(rows=3, cols=3)
            for c, head in enumerate(("Objectifs opérationnels", "Actions", "Pilotes")):
                table.cell(0, c).text = head
            for r in (1, 2):
                table.cell(r, 0).text = f"Réduire les inégalités {a}.{o}.{r}"
                table.cell(r, 1).text = f"Soutenir les initiatives locales {a}.{o}.{r}"
                table.cell(r, 2).text = "Ville"
    d.save(str(path))


def make_long_table(path: Path, pages: int) -> None:
    import docx

    d = docx.Document()
    d.add_heading("Contrat de ville de Grandtab", 0)
    table = d.add_table(rows=0, cols=2)
    for i in range(15 * pages):
        cells = table.add_row().cells
        cells[0].text = f"Emploi {i}"
        cells[1].text = f"Objectif numéro {i} de la thématique"
    d.save(str(path))


def _time(document: Path, tmp: Path) -> tuple[float, int, int]:
    started = time.perf_counter()
    result = import_document(document, tmp / f"{document.stem}.yaml", tmp / "sources")
    return time.perf_counter() - started, sum(result.per_class.values()), result.flagged


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
        counts = f"{total} éléments ({flagged} à vérifier)"
        print(f"PDF : {n} pages, {lines} lignes, {counts} : {elapsed:.2f} s")
        word = Path(tmp) / "contrat-word.docx"
        make_long_docx(word, pages)
        elapsed, total, flagged = _time(word, Path(tmp))
        print(f"Word : {total} éléments ({flagged} à vérifier) : {elapsed:.2f} s")
        long_table = Path(tmp) / "tableau-long.docx"
        make_long_table(long_table, pages)
        elapsed, total, flagged = _time(long_table, Path(tmp))
        print(f"Word, un tableau de {15 * pages} lignes : {total} éléments : {elapsed:.2f} s")


if __name__ == "__main__":
    main()
