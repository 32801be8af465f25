"""The text of a Word paragraph as Word shows it, and the text boxes anchored in it.

python-docx's ``Paragraph.text`` reads only the runs directly in a paragraph; a
contract's words also sit in tracked insertions, content controls, fields and
text boxes (``extract_docx`` reads the document's structure, this its words).
"""

from __future__ import annotations

from typing import Any

_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SKIPPED = frozenset(
    {f"{_W}del", f"{_W}moveFrom", f"{_W}txbxContent", f"{{{_MC}}}Fallback", f"{_W}pPr"}
)


def text_of(element: Any) -> str:
    """A paragraph's text as Word shows it once its tracked changes are accepted.

    python-docx's ``Paragraph.text`` reads only the runs directly in the paragraph
    (and hyperlinks): it drops tracked insertions (``w:ins``), inline content
    controls (``w:sdt``), smart tags and field results. Here every ``w:t`` counts,
    except in deletions, moved-from text, text boxes (read on their own) and the
    VML copy of a shape; field codes are ``w:instrText``, never ``w:t``.
    """
    parts: list[str] = []
    skip, text, tab, breaks = _SKIPPED, f"{_W}t", f"{_W}tab", (f"{_W}br", f"{_W}cr")
    hyphen = f"{_W}noBreakHyphen"

    def walk(node: Any) -> None:
        for child in node.iterchildren():
            tag = child.tag
            if tag in skip:
                continue
            if tag == text:
                parts.append(child.text or "")
            elif tag == tab:
                parts.append("\t")
            elif tag in breaks:
                parts.append("\n")
            elif tag == hyphen:
                parts.append("-")
            else:
                walk(child)

    walk(element)
    return "".join(parts)


def text_boxes(element: Any) -> list[Any]:
    """The text boxes anchored in a paragraph (shapes, « encadrés », diagrams drawn in
    Word), outermost only, each once: Word writes a box twice, as a shape and as its
    VML fallback (``mc:Fallback``) for older readers."""
    box_tag, fallback = f"{_W}txbxContent", f"{{{_MC}}}Fallback"
    boxes = []
    for box in element.iter(box_tag):
        above = box.getparent()
        while above is not None and above is not element:
            if above.tag in (box_tag, fallback):
                break
            above = above.getparent()
        else:
            boxes.append(box)
    return boxes
