"""What the document prints about itself: title, generation, date — and the contract id.

Filled only when printed; a period that is not printed stays out of the draft.
"""

from __future__ import annotations

import re
import unicodedata

from app.importer.lines import Line

_GENERATIONS = (
    (re.compile(r"\b2015\s*[-–à/]\s*2020\b"), "2015-2020"),
    (re.compile(r"\b2024\s*[-–à/]\s*2030\b"), "2024-2030"),
)
_MONTHS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
# A printed date, « 21 février 2014 », « 1er juin 2024 »: groups day, month, year (iso_date).
DAY = r"(\d{1,2})(?:er)?\s+(" + "|".join(_MONTHS.split()) + r")\s+(\d{4})"
_DATE = re.compile(r"^\s*(?:le\s+)?" + DAY + r"\s*$", re.I)
_SIGNED = re.compile(r"^\s*fait à .*?\ble\s+" + DAY, re.I)
_STOP = {
    "la",
    "le",
    "les",
    "de",
    "du",
    "des",
    "pour",
    "et",
    "l",
    "d",
    "un",
    "une",
    "au",
    "aux",
    "en",
}


def generation(lines: list[Line]) -> tuple[str, int] | None:
    for i, line in enumerate(lines):
        for pattern, value in _GENERATIONS:
            if pattern.search(line.text):
                return value, i + 1
    return None


def date(lines: list[Line], within: int = 40) -> str | None:
    """A date printed alone near the top, else the signing date (« Fait à …, le 3 mars 2024 »)."""
    for line in lines[:within]:
        if m := _DATE.match(line.text):
            return iso_date(m)
    for line in lines:
        if (m := _SIGNED.search(line.text)) is not None:
            return iso_date(m)
    return None


def iso_date(m: re.Match[str]) -> str:
    """A match of ``DAY`` as an ISO date."""
    month = _MONTHS.split().index(m.group(2).lower()) + 1
    return f"{int(m.group(3)):04d}-{month:02d}-{int(m.group(1)):02d}"


def title(lines: list[Line], elements_at: set[int]) -> tuple[str, int] | None:
    """The Title-styled paragraph, else the first short line of the document — unless that
    line is already an element (``elements_at``: 1-based lines where elements start)."""
    for i, line in enumerate(lines):
        if line.text.strip() and i + 1 in elements_at:
            return None
        if line.title and line.text.strip():
            return re.sub(r"\s+", " ", line.text).strip(), i + 1
        if line.heading is not None and line.page is not None and line.text.strip():
            # a PDF title in large type, maybe wrapped over several lines
            parts = [line.text.strip()]
            for nxt in lines[i + 1 : i + 4]:
                if nxt.heading != line.heading or not nxt.text.strip():
                    break
                parts.append(nxt.text.strip())
            return re.sub(r"\s+", " ", " ".join(parts)).lstrip("# "), i + 1
        if line.text.strip():
            break
    for i, line in enumerate(lines[:30]):
        text = re.sub(r"\s+", " ", line.text.replace("**", "")).strip()
        if line.heading is not None:
            text = text.lstrip("#").strip()  # a Markdown title
        if i + 1 in elements_at:
            return None
        if line.cells is not None or "\t" in line.text or len(text) < 8:
            continue
        if len(text) <= 150 and not re.match(r"^[\d#IVX]+\s*[.)\-–]", text):
            return text, i + 1
        return None
    return None


def slug(text: str, words: int = 3) -> str:
    folded = unicodedata.normalize("NFD", text.replace("’", "'"))
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    parts = [w for w in re.split(r"[^a-z0-9]+", folded) if w and w not in _STOP]
    return "-".join(parts[:words]) or "contrat"


def contract_id(printed: str | None, sha256: str) -> str:
    """docs/data-format.md: a readable slug of what is printed + the first 8 hex of the hash."""
    return f"{slug(printed) if printed else 'contrat'}-{sha256[:8]}"
