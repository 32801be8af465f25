"""Lines that are layout, not content: page numbers, running headers and footers,
tables of contents, signature blocks, stray glyphs.

They stay in the text rendering (a curator sees the whole page) but no element
or description is drawn from them.
"""

from __future__ import annotations

import re
from collections import Counter

from app.importer.lines import Line

_PAGE_NUMBER = re.compile(
    r"^\s*(?:(?:page|p\.)\s*)?[-–—]?\s*\d{1,3}\s*[-–—]?\s*(?:(?:/|sur)\s*\d{1,3})?\s*$", re.I
)
_TOC_ENTRY = re.compile(r"(?:\.{3,}|…{2,}|(?:\. ){3,}|_{3,})\s*\d{1,3}\s*$|\s\d{1,3}\s*$")
_TOC_TITLE = re.compile(r"^\s*(sommaire|table des mati[eè]res|contenu)\s*:?\s*$", re.I)
# The signature block starts at its own heading (« Les signataires : », « Signatures »)
# or at « Fait à <lieu>, le <date> »; a sentence of the body that begins with
# « Les signataires s'engagent … » does not end the document.
_SIGNATURES = re.compile(
    r"^\s*(?:fait à\b.{0,80}$|(?:les |liste des )?(?:signataires|signatures)\s*:?\s*$)", re.I
)
_SIGNATORY = re.compile(
    r"^\s*(?:pour (?:l'|l’|la |le |les )\S.*|(?:le|la|les) (?:préf[eè]te?|maire|président|"
    r"présidente|directeur|directrice|sous-préf[eè]te?|procureur|recteur|rectrice)\b.*)$",
    re.I,
)
_MARKS = re.compile(r"^[\s#*•\-–]+")  # Markdown heading marks, bullets: not the entry's text
_GLYPHS_ONLY = re.compile(r"^[\W_\ufffd]*$")


def _page_breaks(lines: list[Line]) -> list[int]:
    """Page of each line: from the extractor, or counted from form feeds in a text file."""
    if any(line.page not in (None, 1) for line in lines):
        return [line.page or 0 for line in lines]
    # No page breaks in the file: a printed page number ends its page (« Page 3 », « - 3 - »)
    page, pages = 0, []
    for line in lines:
        pages.append(page)
        if _PAGE_NUMBER.match(line.text) and line.text.strip():
            page += 1
    return pages


def _running_lines(lines: list[Line]) -> set[int]:
    """Lines repeated at the top or bottom of most pages of a text file (headers, footers).

    PDF renderings come without them: the PDF extractor drops them by their position."""
    pages = _page_breaks(lines)
    by_page: dict[int, list[int]] = {}
    for i, line in enumerate(lines):
        if line.text.strip():
            by_page.setdefault(pages[i], []).append(i)
    if len(by_page) < 3:
        return set()
    edge: Counter[str] = Counter()
    edges: dict[str, list[int]] = {}
    for idx in by_page.values():
        for i in {idx[0], idx[-1]}:
            if len(lines[i].text.strip()) > 100:
                continue
            key = re.sub(r"^\d+\b|\b\d+$", "#", lines[i].text.replace("\f", "").strip())
            edge[key] += 1
            edges.setdefault(key, []).append(i)
    threshold = max(3, len(by_page) // 2)
    return {i for key, n in edge.items() if n >= threshold for i in edges[key]}


def _toc(lines: list[Line]) -> set[int]:
    """Table-of-contents lines: dot leaders to a page number, or a block under « Sommaire »."""
    found = set()
    for i, line in enumerate(lines):
        text = _MARKS.sub("", line.text).strip()
        if re.search(r"(?:\.{4,}|…{2,}|(?:\. ){4,}|_{4,})\s*\d{1,3}\s*$", text):
            found.add(i)
        elif _TOC_TITLE.match(text):
            found.add(i)
            found.update(_repeated_contents(lines, i))
            wrapped: list[int] = []
            listed: set[str] = set()
            for j in range(i + 1, min(len(lines), i + 120)):
                entry = lines[j].text.replace("\f", "").strip()
                if not entry:
                    continue
                if entry in listed:
                    break  # the body starts: its first heading was listed above
                if _TOC_ENTRY.search(entry) or _PAGE_NUMBER.match(entry):
                    listed.add(_TOC_ENTRY.sub("", entry).strip())
                    found.update(wrapped)  # an entry wrapped over two lines
                    found.add(j)
                    wrapped = []
                elif wrapped:
                    break
                else:
                    wrapped.append(j)
    return found


def _repeated_contents(lines: list[Line], title: int) -> list[int]:
    """A sommaire without page numbers: its lines up to where its first entry comes again."""
    seen: dict[str, int] = {}
    for j in range(title + 1, min(len(lines), title + 150)):
        key = _TOC_ENTRY.sub("", _MARKS.sub("", lines[j].text.replace("\f", ""))).strip().casefold()
        if not key:
            continue
        if key in seen:
            return (
                [k for k in range(title + 1, j) if lines[k].text.strip()]
                if seen[key] == min(seen.values())
                else []
            )
        seen[key] = j
    return []


def noise_lines(lines: list[Line], headers_removed: bool = False) -> set[int]:
    """0-based indices of lines that carry no content."""
    noise = _toc(lines) if headers_removed else _running_lines(lines) | _toc(lines)
    for i, line in enumerate(lines):
        text = line.text.replace("\f", "").strip()
        if line.cells is None and (_PAGE_NUMBER.match(text) or (text and _GLYPHS_ONLY.match(text))):
            noise.add(i)
        elif _SIGNATORY.match(text) and len(text) < 90:
            noise.add(i)
        elif _SIGNATURES.match(text):
            noise.update(range(i, len(lines)))
            break
    return noise
