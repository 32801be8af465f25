"""Plain text and Markdown: the file is its own rendering, line for line."""

from __future__ import annotations

import re
from pathlib import Path

from app.importer.errors import ImportFailure
from app.importer.lines import Line, Rendering

_MD_HEADING = re.compile(r"^(#{1,6})\s+(?=\S)")
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$")
_PIPE = re.compile(r"(?<!\\)\|")  # unescaped: a row holds one; outer pipes optional
_OTHER_BREAKS = re.compile("[\v\x1c\x1d\x1e\x85\u2028\u2029]")


def read_text(path: Path) -> Rendering:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # older Windows exports
    if "\x00" in text:
        raise ImportFailure(path, "fichier binaire, pas un texte")
    markdown = path.suffix.lower() == ".md"
    rendering = Rendering()
    page = 1
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        # A form feed is a page break: it gives the page, it is not text (and the label
        # check reads the rendering with str.splitlines, which would count it as a line).
        page += raw.count("\f")
        raw = _OTHER_BREAKS.sub(" ", raw.replace("\f", ""))
        m = _MD_HEADING.match(raw) if markdown else None
        rendering.lines.append(Line(raw, heading=len(m.group(1)) if m else None, page=page))
    _pipe_tables(rendering.lines)
    if rendering.lines and rendering.lines[-1].text == "":
        rendering.lines.pop()  # the final newline ends the last line, it adds none
    else:
        rendering.final_newline = False
    return rendering


def _pipe_tables(lines: list[Line]) -> None:
    """Markdown pipe tables (« | Axe | Objectif | » over « |---|---| »): each row's cells,
    as a Word table's; the line stays the file's own text, the rule line is layout."""
    for k, line in enumerate(lines):
        if k == 0 or not _PIPE_RULE.match(line.text) or not _PIPE.search(lines[k - 1].text):
            continue
        lines[k - 1].cells = _cells(lines[k - 1].text)
        for row in lines[k + 1 :]:
            if not _PIPE.search(row.text):
                break
            row.cells = _cells(row.text)


def _cells(text: str) -> list[str]:
    inner = text.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [cell.strip() for cell in _PIPE.split(inner)]  # an escaped pipe stays as printed
