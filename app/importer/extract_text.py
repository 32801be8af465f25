"""Plain text and Markdown: the file is its own rendering, line for line."""

from __future__ import annotations

import re
from pathlib import Path

from app.importer.errors import ImportFailure
from app.importer.lines import Line, Rendering

_MD_HEADING = re.compile(r"^(#{1,6})\s+(?=\S)")
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
    if rendering.lines and rendering.lines[-1].text == "":
        rendering.lines.pop()  # the final newline ends the last line, it adds none
    else:
        rendering.final_newline = False
    return rendering
