"""The draft contract file: the format of docs/data-format.md, written atomically."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml

from app.importer.drafted import Drafted

_PREFIX = {
    "Pilier": "pilier",
    "Axe": "axe",
    "ThematiqueTransversale": "transversal",
    "Constat": "constat",
    "ObjectifStrategique": "os",
    "ObjectifOperationnel": "oo",
    "ModaliteAction": "action",
}


def assign_ids(elements: list[Drafted]) -> None:
    used: set[str] = set()
    counters: dict[str, int] = {}
    for e in elements:
        prefix = _PREFIX[e.classe]
        counters[prefix] = counters.get(prefix, 0) + 1
        code = re.sub(r"[^a-z0-9]+", "-", (e.code or "").lower()).strip("-")
        base = f"{prefix}-{code}" if code else f"{prefix}-{counters[prefix]}"
        ident, n = base, 1
        while ident in used:
            n += 1
            ident = f"{base}-{n}"
        used.add(ident)
        e.id = ident


def _texts(items: list[tuple[int, str]]) -> list[dict[str, Any]]:
    return [{"ligne": line, "texte": text} for line, text in items]


def element_entry(e: Drafted) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": e.id, "classe": e.classe}
    if e.parent is not None:
        entry["parent"] = e.parent.id
    if e.niveau:
        entry["niveau"] = e.niveau
    if e.code:
        entry["code"] = e.code
    entry["label"] = e.label
    entry["ligne"] = e.ligne
    if e.a_verifier:
        entry["a_verifier"] = e.a_verifier
    for key, items in (
        ("description", e.description),
        ("resultats_attendus", e.resultats_attendus),
        ("indicateurs", e.indicateurs),
    ):
        if items:
            entry[key] = _texts(items)
    return entry


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dump(data: dict[str, Any], header: str) -> str:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when present: 20× faster
    body = yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=10_000)
    return header + body
