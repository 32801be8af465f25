"""Import documents: one document → its text rendering + its draft, or nothing at all."""

from __future__ import annotations

import hashlib
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from app.curation.model import Contrat
from app.curation.provenance import check_provenance
from app.curation.structure import check_structure
from app.importer import metadata
from app.importer.cited import cited_texts, entries
from app.importer.draft import assign_ids, dump, element_entry, write_atomic
from app.importer.drafted import Drafted, guessed_flag
from app.importer.errors import ImportFailure
from app.importer.extract import FORMATS, UNREAD, extract
from app.importer.recognise import recognise
from app.importer.structure import misplaced
from app.sources import write_source

NOT_FOUND = "libellé introuvable à sa ligne dans le rendu texte : à vérifier"


@dataclass
class ImportResult:
    document: Path
    draft: Path | None = None
    rendering: Path | None = None
    per_class: dict[str, int] = field(default_factory=dict)
    flagged: int = 0
    seconds: float = 0.0
    error: str | None = None


def documents_in(paths: list[Path]) -> list[Path]:
    """Files given, and the documents found (recursively) in the folders given: those
    read here, and Word 97-2003 files (« .doc »), each then failing with how to convert
    it (or read as Word when it is a .docx renamed)."""
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found += sorted(
                f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in (*FORMATS, *UNREAD)
            )
        else:
            found.append(p)
    return found


_ELEMENT_ERROR = re.compile(r"^élément « ([^»]+) »")
_CITED_ERROR = re.compile(r"texte cité « ([^»]+) »")


def _verify(path: Path, data: dict[str, Any], elements: list[Drafted], rendering_text: str) -> None:
    """Validate the draft against the contract schema and run the project's own label
    check on the rendering; flag each element whose label or paragraphs it cannot find."""
    try:
        contrat = Contrat.model_validate(data)
    except ValidationError as exc:
        raise ImportFailure(path, f"brouillon invalide (erreur de l'importeur) : {exc}") from exc
    if problems := check_structure(contrat):
        raise ImportFailure(
            path, f"arbre du brouillon invalide (erreur de l'importeur) : {problems[0]}"
        )
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / contrat.source.fichier).write_text(rendering_text, encoding="utf-8")
        errors = check_provenance(contrat, Path(tmp))
    if any(err.message.startswith("titre de la source") for err in errors):
        for key in ("titre", "ligne"):
            data["source"].pop(key, None)  # a title we cannot point at is left out
        data.pop("titre", None)
    by_id = {e.id: e for e in elements}
    for err in errors:
        if (m := _ELEMENT_ERROR.match(err.message)) and m.group(1) in by_id:
            by_id[m.group(1)].a_verifier = NOT_FOUND
    if "contexte" in data:  # a cited text the check cannot find at its line is left out
        lost = {m.group(1) for err in errors if (m := _CITED_ERROR.search(err.message))}
        cited = [t for t in data["contexte"]["textes_cites"] if t["id"] not in lost]
        data["contexte"]["textes_cites"] = cited
        if not cited:
            del data["contexte"]


def import_document(
    path: Path, draft_path: Path, sources_dir: Path, stem: str | None = None
) -> ImportResult:
    """Draft ``path`` into ``draft_path`` and its rendering into ``sources_dir/<stem>.txt``."""
    started = time.perf_counter()
    rendering = extract(path)
    original = path.read_bytes()
    sha256 = hashlib.sha256(original).hexdigest()
    name = f"{stem or path.stem}.txt"
    lines = rendering.lines
    builder = recognise(lines, rendering.headers_removed)
    if not builder.elements:
        raise ImportFailure(
            path, "aucun élément de stratégie reconnu (ni niveau, ni numérotation, ni tableau)"
        )
    for e in builder.elements:
        if e.guessed:
            e.a_verifier = guessed_flag(e.niveau)
        elif not e.a_verifier and (problem := misplaced(e)):
            e.a_verifier = problem
    assign_ids(builder.elements)
    titre = metadata.title(lines, {e.ligne for e in builder.elements})
    printed = titre[0] if titre else builder.elements[0].label  # what the document prints
    data: dict[str, Any] = {"id": metadata.contract_id(printed, sha256)}
    source: dict[str, Any] = {"fichier": name}
    if titre:
        source["titre"], source["ligne"] = titre
    if (printed_date := metadata.date(lines)) is not None:
        source["date"] = printed_date
    source["original"] = {
        "fichier": path.name,
        "sha256": sha256,
        "format": rendering.format,
    }
    data["source"] = source
    if titre and "contrat" in titre[0].casefold():
        data["titre"] = titre[0]  # the document names itself a contract: its title
    if (gen := metadata.generation(lines)) is not None:
        data["generation"] = gen[0]
    if builder.contract_description:
        described = sorted(builder.contract_description)  # divisions, dropped headings: in order
        data["description"] = [{"ligne": n, "texte": t} for n, t in described]
    if cited := cited_texts(lines):
        data["contexte"] = {"textes_cites": entries(cited)}
    rendering_text = rendering.text()
    data["elements"] = [element_entry(e) for e in builder.elements]
    _verify(path, data, builder.elements, rendering_text)
    data["elements"] = [element_entry(e) for e in builder.elements]
    flagged = sum(1 for e in builder.elements if e.a_verifier)
    header = (
        f"# Brouillon importé de {path.name} par `cvkg import` — à relire (`cvkg review`).\n"
        f"# {len(builder.elements)} éléments, dont {flagged} marqués « a_verifier ».\n"
    )
    text = dump(data, header)
    rendering_path = sources_dir / name
    write_source(sources_dir, name, rendering_text)  # atomic, and recorded in SHA256SUMS
    write_atomic(draft_path, text)
    per_class: dict[str, int] = {}
    for e in builder.elements:
        per_class[e.classe] = per_class.get(e.classe, 0) + 1
    return ImportResult(
        path, draft_path, rendering_path, per_class, flagged, time.perf_counter() - started
    )
