"""The published JSON Schema of a contract file, generated from :mod:`app.curation.model`.

Curators' editors (VS Code's YAML extension, any yaml-language-server client) read it
to complete keys and flag mistakes while typing; the file in ``schemas/`` is committed
so editors can point at it, and a test keeps it equal to what the models generate.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.config import PROJECT_ROOT
from app.curation.model import Contrat

SCHEMA_PATH = PROJECT_ROOT / "schemas" / "contrat.schema.json"
SCHEMA_ID = "https://w3id.org/contrats-de-ville/schemas/contrat.schema.json"


def contract_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``data/contrats/*.yaml``, as the loader enforces it."""
    schema = Contrat.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Contrat de ville — fichier de curation",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def schema_text() -> str:
    """The schema as written to disk: sorted keys, stable across runs."""
    return json.dumps(contract_json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(schema_text(), encoding="utf-8")
    return path
