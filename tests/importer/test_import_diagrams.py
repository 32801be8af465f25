"""Word diagrams (SmartArt): the strategy drawn as an « arbre des objectifs », read from
the diagram's data model as the outline it is."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import docx
from test_import_layouts import _exact

Outline = list[tuple[str, "Outline"]]
_NS = (
    'xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)


def _data_model(outline: Outline) -> str:
    """A diagram's data model as Word writes it: the document point, a point per node
    (its text in DrawingML paragraphs), the transition and presentation points that lay
    it out, and the links: ``parOf`` (parent → child, by rank) and ``presOf``."""
    points = [
        '<dgm:pt modelId="{doc}" type="doc"><dgm:prSet/><dgm:spPr/><dgm:t><a:bodyPr/>'
        '<a:lstStyle/><a:p><a:endParaRPr lang="fr-FR"/></a:p></dgm:t></dgm:pt>'
    ]
    links: list[str] = []
    count = 0

    def add(parent: str, nodes: Outline) -> None:
        nonlocal count
        for rank, (text, children) in enumerate(nodes):
            count += 1
            node = f"{{n{count}}}"
            paragraphs = "".join(
                f'<a:p><a:r><a:rPr lang="fr-FR"/><a:t>{escape(line)}</a:t></a:r></a:p>'
                for line in text.split("\n")
            )
            points.append(
                f'<dgm:pt modelId="{node}"><dgm:prSet phldrT="[Texte]"/><dgm:spPr/>'
                f"<dgm:t><a:bodyPr/><a:lstStyle/>{paragraphs}</dgm:t></dgm:pt>"
            )
            for kind in ("parTrans", "sibTrans", "pres"):
                points.append(
                    f'<dgm:pt modelId="{{{kind}{count}}}" type="{kind}"><dgm:prSet/>'
                    "<dgm:spPr/><dgm:t><a:bodyPr/><a:lstStyle/><a:p><a:endParaRPr "
                    'lang="fr-FR"/></a:p></dgm:t></dgm:pt>'
                )
            links.append(
                f'<dgm:cxn modelId="{{c{count}}}" srcId="{parent}" destId="{node}" '
                f'srcOrd="{rank}" destOrd="0" parTransId="{{parTrans{count}}}" '
                f'sibTransId="{{sibTrans{count}}}"/>'
            )
            links.append(
                f'<dgm:cxn modelId="{{x{count}}}" type="presOf" srcId="{node}" '
                f'destId="{{pres{count}}}" srcOrd="0" destOrd="0"/>'
            )
            add(node, children)

    add("{doc}", outline)
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><dgm:dataModel {_NS}>'
        f"<dgm:ptLst>{''.join(points)}</dgm:ptLst><dgm:cxnLst>{''.join(links)}</dgm:cxnLst>"
        "<dgm:bg/><dgm:whole/></dgm:dataModel>"
    )


def _add_diagram(d, outline: Outline, number: int) -> None:  # type: ignore[no-untyped-def]
    """A SmartArt anchored in a paragraph of its own: the data part, related to the
    document, and the drawing that names it (``dgm:relIds``)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    part = Part(
        PackURI(f"/word/diagrams/data{number}.xml"),
        "application/vnd.openxmlformats-officedocument.drawingml.diagramData+xml",
        _data_model(outline).encode("utf-8"),
        d.part.package,
    )
    rid = d.part.relate_to(part, RT.DIAGRAM_DATA)
    run = parse_xml(
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        f'{_NS}><w:drawing><wp:inline><wp:extent cx="5486400" cy="3200400"/>'
        f'<wp:docPr id="{number}" name="Diagramme {number}"/><a:graphic><a:graphicData '
        'uri="http://schemas.openxmlformats.org/drawingml/2006/diagram">'
        f'<dgm:relIds r:dm="{rid}" r:lo="" r:qs="" r:cs=""/></a:graphicData></a:graphic>'
        "</wp:inline></w:drawing></w:r>"
    )
    d.add_paragraph()._p.append(run)


def test_a_strategy_drawn_as_a_smartart(tmp_path: Path, run_import) -> None:
    """The strategy only in a SmartArt (an « arbre des objectifs »): python-docx reads no
    diagram, so the import failed, « aucun élément de stratégie reconnu ». A node of two
    lines is one label; the diagram's layout points (transitions, presentation) are not
    text."""
    d = docx.Document()
    d.add_heading("Contrat de ville de Dessinville 2024-2030", 0)
    d.add_paragraph("L'arbre des objectifs du contrat :")
    _add_diagram(
        d,
        [
            (
                "Axe 1 : Emploi et\ninsertion",
                [
                    ("Objectif 1.1 : Lever les freins à l'emploi", []),
                    ("Objectif 1.2 : Soutenir la création d'activité", []),
                ],
            ),
            ("Axe 2 : Santé", [("Objectif 2.1 : Améliorer l'accès aux soins", [])]),
        ],
        1,
    )
    d.add_paragraph("Le comité de pilotage suit la mise en œuvre du contrat.")
    d.save(str(tmp_path / "dessin.docx"))
    elements = _exact(
        run_import(tmp_path / "dessin.docx"),
        """
Emploi et insertion
  Lever les freins à l'emploi
  Soutenir la création d'activité
Santé
  Améliorer l'accès aux soins
""",
    )
    assert [(e["classe"], e.get("code")) for e in elements] == [
        ("Axe", "1"),
        ("ObjectifStrategique", "1.1"),
        ("ObjectifStrategique", "1.2"),
        ("Axe", "2"),
        ("ObjectifStrategique", "2.1"),
    ]


def test_a_smartart_of_plain_labels_keeps_its_hierarchy(tmp_path: Path, run_import) -> None:
    """Boxes without level words: the hierarchy is the diagram's, the classes guessed
    from it and flagged for the curator."""
    d = docx.Document()
    d.add_heading("Contrat de ville de Dessinville 2024-2030", 0)
    _add_diagram(
        d,
        [
            ("Cohésion sociale", [("Réussite éducative", [("Ouvrir une cité éducative", [])])]),
            ("Cadre de vie", [("Gestion urbaine de proximité", [])]),
        ],
        1,
    )
    d.save(str(tmp_path / "boites.docx"))
    elements = _exact(
        run_import(tmp_path / "boites.docx"),
        """
Cohésion sociale
  Réussite éducative
    Ouvrir une cité éducative
Cadre de vie
  Gestion urbaine de proximité
""",
    )
    assert all("a_verifier" in e for e in elements)
