"""Texts a contract cites (« Vu la loi n° 2014-173 du 21 février 2014 … »), drafted for
``contexte.textes_cites`` (docs/data-format.md).

Only what the vocabulary names (``NATURES_TEXTE``: loi, décret, arrêté, instruction,
circulaire, orientations) and only with a full printed date: « la loi de 2014 » names no text
a reader could find. The label is the printed words from the article before the
nature word to the end of the clause, as they stand on the line (bold markers and
doubled spaces dropped, as the check of texts at their lines reads them); each
text is drafted once, at its first citation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.curation.provenance import normalise
from app.importer.lines import Line
from app.importer.metadata import DAY, iso_date

_DATE = re.compile(DAY, re.I)
_NATURES = {
    "loi": "loi",
    "circulaire": "circulaire",
    "circulaires": "circulaire",
    "instruction": "instruction",
    "instructions": "instruction",
    "orientations": "orientations",
    # every spelling the pattern below reads, with or without its accents
    **{f"d{e}cret{s}": "decret" for e in "ée" for s in ("", "s")},
    **{f"arr{a}t{e}{s}": "arrete" for a in "êe" for e in "ée" for s in ("", "s")},
}
# The article (kept in the label, as the curated files do), the nature word, then the
# clause up to its end: a full stop, a semicolon, a colon, or the end of the line.
_CITATION = re.compile(
    r"(?:\b(?:la|les|le|l['’]|une|des|aux|du|cette|ces)\s*)?"
    r"\b(?P<nature>loi|circulaires?|instructions?|orientations|d[ée]crets?"
    # « arrêté » is a participle too (« le programme arrêté le 3 mai 2024 »): a text
    # only when it names one (« l'arrêté du … », « n° … », « préfectoral »…)
    r"|arr[êe]t[ée]s?(?=\s+(?:du|n[°o]|pr[ée]fectora|minist[ée]rie|interminist[ée]rie)))\b"
    r"(?P<rest>[^.;:]*)",
    re.I,
)
# Where a cited text's name stops: « , qui … », « , dont … », « et notamment … ».
_AFTER = re.compile(r",\s+(?:qui|que|dont|lesquel|et\s+notamment|notamment|ainsi)\b", re.I)


@dataclass
class Cited:
    nature: str
    label: str
    ligne: int
    dates: list[str] = field(default_factory=list)


def cited_texts(lines: list[Line]) -> list[Cited]:
    """The texts cited in ``lines``, in order; table rows are strategy, not citations."""
    found: list[Cited] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for i, line in enumerate(lines):
        if line.cells is not None:
            continue
        text = normalise(line.text)  # « Les **instructions** du … »: the words, as checked
        for m in _CITATION.finditer(_with_next(text, lines[i + 1 : i + 4])):
            if m.start() >= len(text):
                break  # a citation of the next line: drafted at its own line
            rest = m.group("rest")
            if cut := _AFTER.search(rest):
                rest = rest[: cut.start()]
            dates = [iso_date(d) for d in _DATE.finditer(rest)]
            if not dates:
                continue
            label = (text[m.start() : m.start("rest")] + rest).strip(" ,–-")
            nature = _NATURES[m.group("nature").lower()]
            key = (nature, tuple(dates))
            if key not in seen:
                seen.add(key)
                found.append(Cited(nature, label, i + 1, dates))
    return found


def _with_next(text: str, after: list[Line]) -> str:
    """The line and those after it that continue its sentence, up to its end (a PDF
    wraps « … du 21 février » / « 2014 de programmation … » / « cohésion urbaine ; »:
    the date and the name are whole only on all of them)."""
    for line in after:
        following = line.text.strip() if line.cells is None else ""
        if re.search(r"[.;:]\s*$", text) or not following:
            break
        if not (following[0].islower() or following[0].isdigit()):
            break
        text = f"{text} {normalise(following)}"
    return text


def entries(cited: list[Cited]) -> list[dict[str, object]]:
    """The draft's ``textes_cites``: ids from the nature and first date, unique."""
    out: list[dict[str, object]] = []
    used: set[str] = set()
    for c in cited:
        base = f"{c.nature}-{c.dates[0]}"
        ident, n = base, 1
        while ident in used:
            n += 1
            ident = f"{base}-{n}"
        used.add(ident)
        entry = {"id": ident, "nature": c.nature, "label": c.label, "ligne": c.ligne}
        out.append({**entry, "dates": c.dates})
    return out
