"""Contracts in other layouts (Word, PDF, text, ODT), each against a tree written by hand."""

from __future__ import annotations

from pathlib import Path

from documents import (
    CANVAS_PDF_EXPECTED,
    DOCX_EXPECTED,
    INDENTED_EXPECTED,
    INDENTED_TEXT,
    LEVEL_WORDS_PDF_EXPECTED,
    MERGED_ROWS_EXPECTED,
    MIXED_COLUMNS_EXPECTED,
    ODT_EXPECTED,
    PDF_EXPECTED,
    ROMAN_EXPECTED,
    ROMAN_TEXT,
    TEXT_CONTRACT,
    TEXT_EXPECTED,
    make_canvas_pdf,
    make_docx,
    make_level_words_pdf,
    make_merged_rows_docx,
    make_mixed_columns_docx,
    make_odt,
    make_pdf,
)
from tree_compare import compare, pairs_of, tree

from app.curation.loader import load_contrat
from app.curation.provenance import check_provenance
from app.importer.run import NOT_FOUND


def _check(result, expected: str) -> None:
    assert result.code == 0, result.stderr
    elements = result.draft["elements"]
    score = compare(tree(expected), pairs_of(elements))
    assert score.recall >= 0.9, (score, [(e["label"], e.get("parent")) for e in elements])
    assert score.precision >= 0.9, (score, [(e["label"], e.get("parent")) for e in elements])
    assert not [e for e in elements if e.get("a_verifier") == NOT_FOUND]
    # the written file, read back by the project's own loader and label check
    assert check_provenance(load_contrat(result.draft_path), result.sources) == []
    lines = (
        (result.sources / result.draft["source"]["fichier"])
        .read_text(encoding="utf-8")
        .splitlines()
    )
    for e in elements:
        assert e["label"].split()[0] in lines[e["ligne"] - 1], e


def test_text_with_bullets_pages_and_sommaire(tmp_path: Path, run_import) -> None:
    doc = tmp_path / "valbourg.txt"
    doc.write_text(TEXT_CONTRACT, encoding="utf-8")
    result = run_import(doc)
    _check(result, TEXT_EXPECTED)
    assert result.draft["generation"] == "2024-2030"
    emploi = next(e for e in result.draft["elements"] if e["label"] == "Favoriser l'emploi")
    assert emploi["ligne"] == 21  # the heading, not its sommaire entry (line 5)
    jeunes = next(e for e in result.draft["elements"] if e["label"].startswith("Lever les freins"))
    assert jeunes["resultats_attendus"][0]["texte"].startswith("hausse du nombre")
    cohesion = next(
        e for e in result.draft["elements"] if e["label"] == "Renforcer la cohésion sociale"
    )
    assert cohesion["description"][0]["texte"].startswith("Le diagnostic partagé")


def test_word_headings_tables_merged_cells(tmp_path: Path, run_import) -> None:
    doc = tmp_path / "valbourg.docx"
    make_docx(doc)
    result = run_import(doc)
    _check(result, DOCX_EXPECTED)
    by_label = {e["label"]: e for e in result.draft["elements"]}
    assert by_label["Cohésion sociale et vivre ensemble"]["classe"] == "Axe"
    assert by_label["Cohésion sociale et vivre ensemble"]["code"] == "1"
    assert by_label["Favoriser la réussite éducative"]["classe"] == "ObjectifStrategique"
    assert by_label["Créer des cafés des parents"]["classe"] == "ModaliteAction"
    assert result.draft["source"]["original"]["format"] == "docx"
    assert result.draft["source"]["titre"] == "Contrat de ville de Valbourg"


def test_pdf_outline_running_headers_wrapped_lines(tmp_path: Path, run_import) -> None:
    doc = tmp_path / "valbourg.pdf"
    make_pdf(doc)
    result = run_import(doc)
    _check(result, PDF_EXPECTED)
    rendering = result.rendering
    assert "Communauté d'agglomération de Valbourg" not in rendering  # running footer dropped


def test_odt_headings_and_lists(tmp_path: Path, run_import) -> None:
    doc = tmp_path / "valbourg.odt"
    make_odt(doc)
    result = run_import(doc)
    _check(result, ODT_EXPECTED)
    pilier = next(e for e in result.draft["elements"] if e["label"] == "Habitat et cadre de vie")
    assert pilier["classe"] == "Pilier"


def test_text_roman_letters_and_signatures(tmp_path: Path, run_import) -> None:
    doc = tmp_path / "valdore.txt"
    doc.write_text(ROMAN_TEXT, encoding="utf-8")
    result = run_import(doc)
    _check(result, ROMAN_EXPECTED)
    assert result.draft["generation"] == "2015-2020"
    assert result.draft["source"]["date"] == "2015-07-03"  # « Fait à Valdoré, le 3 juillet 2015 »
    by_label = {e["label"]: e for e in result.draft["elements"]}
    assert (
        by_label["PILIER EMPLOI"]["classe"] == "Pilier"
        and by_label["PILIER EMPLOI"]["code"] == "III"
    )
    assert by_label["Développer l'atelier santé ville"]["indicateurs"][0]["texte"].startswith(
        "nombre"
    )


def test_pdf_level_words_captions_indicators(tmp_path: Path, run_import) -> None:
    doc = tmp_path / "vire.pdf"
    make_level_words_pdf(doc)
    result = run_import(doc)
    _check(result, LEVEL_WORDS_PDF_EXPECTED)
    by_label = {e["label"]: e for e in result.draft["elements"]}
    assert by_label["COHÉSION SOCIALE"]["classe"] == "Pilier"
    assert by_label["Soutenir la création d'activité"]["niveau"] == "Objectif opérationnel"
    assert not [e for e in result.draft["elements"] if e.get("a_verifier")]
    assert result.draft["source"]["titre"].endswith("Agglomération du Pays de Vire")


def test_word_tables_with_merged_heading_rows(tmp_path: Path, run_import) -> None:
    doc = tmp_path / "montfleury.docx"
    make_merged_rows_docx(doc)
    result = run_import(doc)
    _check(result, MERGED_ROWS_EXPECTED)
    assert result.draft["generation"] == "2024-2030"


def test_word_table_with_pilots_calendar_and_indicators(tmp_path: Path, run_import) -> None:
    doc = tmp_path / "colonnes.docx"
    make_mixed_columns_docx(doc)
    result = run_import(doc)
    _check(result, MIXED_COLUMNS_EXPECTED)
    by_label = {e["label"]: e for e in result.draft["elements"]}
    garde = by_label["Garde d'enfants à horaires atypiques"]
    assert garde["classe"] == "ModaliteAction"
    assert garde["indicateurs"] == [{"ligne": garde["ligne"], "texte": "Nombre de places créées"}]
    assert "CAF" not in by_label and "2025" not in by_label
    assert "titre" not in result.draft["source"]  # nothing but the strategy is printed
    assert result.draft["id"].startswith("emploi-")


def test_pdf_drawn_line_by_line_bold_headings(tmp_path: Path, run_import) -> None:
    doc = tmp_path / "saint-aubin.pdf"
    make_canvas_pdf(doc)
    result = run_import(doc)
    _check(result, CANVAS_PDF_EXPECTED)
    by_label = {e["label"]: e for e in result.draft["elements"]}
    assert by_label["Cohésion sociale"]["description"][0]["texte"].startswith("Les quartiers")
    rendering = result.rendering
    assert "Saint-Aubin – Contrat de ville\n" not in rendering and "- 2 -" not in rendering


def test_text_outline_by_indentation_only(tmp_path: Path, run_import) -> None:
    doc = tmp_path / "rocheval.txt"
    doc.write_text(INDENTED_TEXT, encoding="utf-8")
    result = run_import(doc)
    _check(result, INDENTED_EXPECTED)
    flagged = [e["label"] for e in result.draft["elements"] if e.get("a_verifier")]
    assert "Emploi" not in flagged and "Ouvrir une couveuse" in flagged  # no level word printed


def test_pdf_running_footer_counting_its_pages(tmp_path: Path, run_import) -> None:
    """A footer printing the page's number among the pages (« … 2/3 », as a browser
    prints a web page) is the same footer on every page: it was kept, glued to the
    last label of each page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path / "compteur.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    pages = [
        ("Axe 1 : Emploi", "Objectif 1.1 : Lever les freins à l'emploi"),
        ("Axe 2 : Santé", "Objectif 2.1 : Améliorer l'accès aux soins"),
        ("Axe 3 : Cadre de vie", "Objectif 3.1 : Rénover l'habitat"),
    ]
    for number, (axe, objectif) in enumerate(pages, start=1):
        c.setFont("Helvetica-Bold", 16)
        c.drawString(72, 760, axe)
        c.setFont("Helvetica", 11)
        c.drawString(72, 730, objectif)
        c.setFont("Helvetica", 8)
        c.drawString(72, 30, f"file:///srv/contrats/compteur.html {number}/{len(pages)}")
        c.showPage()
    c.save()
    result = run_import(path)
    assert result.code == 0, result.stderr
    rendering = result.rendering
    assert "compteur.html" not in rendering
    labels = [e["label"] for e in result.draft["elements"]]
    assert labels == [
        "Emploi",
        "Lever les freins à l'emploi",
        "Santé",
        "Améliorer l'accès aux soins",
        "Cadre de vie",
        "Rénover l'habitat",
    ]


def test_pdf_of_one_page_printed_by_a_browser(tmp_path: Path, run_import) -> None:
    """A browser stamps the date and time with the page's title at the top of each page
    it prints, and the address with the page count at the foot. On one page nothing
    repeats: the stamp was the draft's title, the address glued to the last label."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path / "imprime.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 8)
    c.drawString(20, 825, "02/12/2026 09:41")
    c.drawString(250, 825, "Contrat de ville d'Imprimeville")
    c.drawString(20, 12, "https://www.imprimeville.fr/contrat-de-ville")
    c.drawRightString(575, 12, "1/1")
    c.setFont("Helvetica-Bold", 18)
    c.drawString(72, 760, "Contrat de ville d'Imprimeville 2024-2030")
    c.setFont("Helvetica-Bold", 13)
    c.drawString(72, 720, "Axe 1 : Emploi")
    c.setFont("Helvetica", 11)
    c.drawString(72, 695, "Objectif 1.1 : Lever les freins à l'emploi")
    c.showPage()
    c.save()
    result = run_import(path)
    result.exact_tree("Emploi\n  Lever les freins à l'emploi\n")
    assert result.draft["source"]["titre"] == "Contrat de ville d'Imprimeville 2024-2030"
    rendering = result.rendering
    assert "09:41" not in rendering and "https://" not in rendering
