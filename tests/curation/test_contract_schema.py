"""The contract file schema: one set of pydantic models, published as JSON Schema.

The committed ``schemas/contrat.schema.json`` must be what ``cvkg schema`` generates
(so editors check files against what the loader enforces), every curated file must
validate against it, and the new keys (descriptions, expected results, indicators,
draft flags, findings) must be accepted by the loader and checked against the source.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from app.curation.collection import load_contracts
from app.curation.errors import CurationErrors
from app.curation.loader import load_contrat

# 002, l. 20: "AXE 1 : DEVELOPPER LES POTENTIELS DES QUARTIERS"; l. 22 opens its description.
MONTESSON = "002_002d73874d5f62f1.yaml"
DESCRIPTION_L22 = "L’axe 1 du Contrat de Ville intitulé"


def test_committed_schema_is_the_generated_one(repo_root: Path, cvkg_exe: str) -> None:
    done = subprocess.run(
        [cvkg_exe, "schema", "--stdout"], capture_output=True, text=True, check=True, timeout=60
    )
    committed = (repo_root / "schemas" / "contrat.schema.json").read_text(encoding="utf-8")
    assert done.stdout == committed, "schemas/contrat.schema.json is stale: run `cvkg schema`"


def test_every_curated_file_validates_against_the_published_schema(repo_root: Path) -> None:
    schema = json.loads((repo_root / "schemas" / "contrat.schema.json").read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    files = sorted((repo_root / "data" / "contrats").glob("*.yaml"))
    assert len(files) == 5
    for path in files:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        errors = [e.message for e in validator.iter_errors(doc)]
        assert not errors, f"{path.name}: {errors[:3]}"


def test_published_schema_refuses_what_the_loader_refuses(repo_root: Path) -> None:
    schema = json.loads((repo_root / "schemas" / "contrat.schema.json").read_text("utf-8"))
    doc = yaml.safe_load((repo_root / "data" / "contrats" / MONTESSON).read_text("utf-8"))
    doc["elements"][0]["couleur"] = "rouge"
    doc["elements"][1]["classe"] = "ObjectifTactique"
    doc["elements"][2]["description"] = [{"ligne": 0, "texte": "x"}]
    messages = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(doc)]
    assert len(messages) == 3, messages


def _lines_22_to_24(seeds_dir: Path) -> str:
    """The paragraph printed on lines 22-24 of 002, its wrapped lines joined by one space."""
    source = (seeds_dir / "002_002d73874d5f62f1.txt").read_text("utf-8").splitlines()
    return " ".join(" ".join(source[21:24]).split())


def _write(tmp_path: Path, repo_root: Path, edit: str, after: str) -> Path:
    """A copy of 002 with ``edit`` (indented YAML lines) inserted after the line ``after``."""
    data = tmp_path / "contrats"
    shutil.copytree(repo_root / "data" / "contrats", data)
    path = data / MONTESSON
    lines = path.read_text(encoding="utf-8").split("\n")
    at = lines.index(after) + 1
    path.write_text("\n".join(lines[:at] + edit.split("\n") + lines[at:]), encoding="utf-8")
    return path


def test_description_found_at_its_line_is_accepted(
    tmp_path: Path, repo_root: Path, seeds_dir: Path
) -> None:
    paragraph = _lines_22_to_24(seeds_dir)
    assert paragraph.startswith(DESCRIPTION_L22)
    path = _write(
        tmp_path,
        repo_root,
        f'    a_verifier: "niveau sûr ?"\n    resultats_attendus:\n'
        f'      - ligne: 22\n        texte: "{paragraph}"',
        "  - id: axe-1",
    )
    # A draft: its « a_verifier » is accepted (tests/test_sources.py: refused otherwise).
    contrats, errors = load_contracts([path], seeds_dir, draft=True)
    assert not errors, errors
    element = contrats[0].element("axe-1")
    assert element.a_verifier == "niveau sûr ?"
    assert [p.ligne for _, p in element.passages()][-1] == 22


def test_description_not_at_its_line_is_refused_at_file_and_line(
    tmp_path: Path, repo_root: Path, seeds_dir: Path
) -> None:
    paragraph = _lines_22_to_24(seeds_dir)
    path = _write(
        tmp_path,
        repo_root,
        f'    indicateurs:\n      - ligne: 300\n        texte: "{paragraph}"',
        "  - id: axe-1",
    )
    passage_line = path.read_text("utf-8").split("\n").index("      - ligne: 300") + 1
    _, errors = load_contracts([path], seeds_dir)
    assert [e.line for e in errors] == [passage_line + 1], errors  # its `texte:` line
    assert "indicateurs" in errors[0].message and "ligne 300" in errors[0].message


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        ('    description:\n      - ligne: 22\n        texte: ""', ["description", "vide"]),
        ("    description:\n      - ligne: 22", ["texte", "manquant"]),
        ('    indicateurs:\n      - {ligne: 2, texte: "x", page: 3}', ["clé inconnue", "page"]),
        ('    a_verifier: ["liste"]', ["a_verifier", "texte"]),
    ],
)
def test_malformed_new_keys_refused_at_their_line(
    tmp_path: Path, repo_root: Path, edit: str, words: list[str]
) -> None:
    # os-4-1 (002 l.701): axe 4's objectives have no printed paragraph, hence no description.
    path = _write(tmp_path, repo_root, edit, "  - id: os-4-1")
    lines = path.read_text("utf-8").split("\n")
    first = lines.index(edit.split("\n")[0], lines.index("  - id: os-4-1")) + 1
    with pytest.raises(CurationErrors) as caught:
        load_contrat(path)
    [error] = caught.value.errors
    assert first <= (error.line or 0) <= first + edit.count("\n"), error
    assert all(w in error.message for w in words), error.message
