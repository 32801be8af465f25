"""Read a contract YAML file into :mod:`app.curation.model`, rejecting anything malformed.

The models say what is allowed; this module keeps the YAML lines and translates each
pydantic error into the curator's terms at ``file:line``, because curators edit these
files by hand and must find the offending entry without reading the loader.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from app.curation.errors import CurationError, CurationErrors
from app.curation.model import (
    ChiffreCle,
    Contexte,
    Contrat,
    Element,
    Evenement,
    GenerationInferee,
    LignesIgnorees,
    Original,
    Passage,
    PassageMentions,
    Source,
    Territoire,
    TexteCite,
    ThemeOverride,
)
from app.curation.yaml_lines import LineDict, read_yaml

_SECTIONS: dict[str, type[BaseModel]] = {
    "source": Source,
    "original": Original,
    "generation_inferee": GenerationInferee,
    "territoires": Territoire,
    "chiffres_cles": ChiffreCle,
    "elements": Element,
    "themes_ajoutes": ThemeOverride,
    "themes_retires": ThemeOverride,
    "description": Passage,
    "resultats_attendus": Passage,
    "indicateurs": Passage,
    "lignes_ignorees": LignesIgnorees,
    "sous_titre": Passage,
    "contexte": Contexte,
    "evenements": Evenement,
    "textes_cites": TexteCite,
    "critere_qpv": Passage,
    "source_carte": Passage,
    "evolutions_cadre": PassageMentions,
}
_NAMES = {
    "territoires": "territoire",
    "chiffres_cles": "chiffre clé",
    "elements": "élément",
    "evenements": "étape",
    "textes_cites": "texte cité",
}


def _locate(top: LineDict, loc: tuple[int | str, ...]) -> tuple[int, str, type[BaseModel]]:
    """The YAML line a pydantic error location points at, what it is, and its model."""
    node: Any = top
    line, what, model = top.line, "contrat", cast(type[BaseModel], Contrat)
    for i, part in enumerate(loc):
        if isinstance(node, LineDict):
            line = node.key_lines.get(str(part), node.line)
            if part not in node:
                break
            node = node[part]
            if isinstance(part, str) and part in _SECTIONS:
                model = _SECTIONS[part]
                if part not in _NAMES:
                    what = part if what == "contrat" else f"{what}, {part}"
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            if isinstance(node, LineDict):
                line = node.line
                section = loc[i - 1] if i else ""
                if section in _NAMES:
                    what = f"{_NAMES[str(section)]} « {node.get('id', '?')} »"
        else:
            break
    return line, what, model


def _message(error: ErrorDetails, model: type[BaseModel]) -> str:
    """The curator's wording of one pydantic error."""
    key = next((str(p) for p in reversed(error["loc"]) if isinstance(p, str)), "")
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "missing":
        return f"« {key} » manquant"
    if kind == "extra_forbidden":
        return f"clé inconnue « {key} » ({', '.join(sorted(model.model_fields))})"
    if kind == "literal_error":
        return f"{key} inconnu(e) « {value} » ({ctx.get('expected', '')})"
    if kind == "string_pattern_mismatch":
        return f"identifiant « {value} » invalide (minuscules, chiffres, . _ -)"
    if kind in ("int_type", "int_parsing", "int_from_float", "greater_than_equal"):
        return f"« {key} » doit être un entier ≥ 1"
    if kind in ("float_type", "float_parsing"):
        return f"« {key} » doit être un nombre"
    if kind == "string_type":
        return f"« {key} » doit être un texte"
    if kind == "list_type":
        return f"« {key} » doit être une liste"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"« {key} » : un dictionnaire (clé: valeur) est attendu"
    if kind == "too_short" and key == "elements":
        return "aucun élément"
    if kind in ("texte_vide", "texte_sale"):
        return f"« {key} » {error['msg']}"
    return str(error["msg"])


def _parse(path: Path, top: LineDict) -> tuple[Contrat | None, list[CurationError]]:
    try:
        contrat = Contrat.model_validate(top)
    except ValidationError as exc:
        errors = []
        for error in exc.errors():
            line, what, model = _locate(top, error["loc"])
            cle = (error.get("ctx") or {}).get("cle")
            if cle:
                line, _, _ = _locate(top, (*error["loc"], cle))
            errors.append(CurationError(path, line, f"{what} : {_message(error, model)}"))
        return None, errors
    contrat._path = path
    return contrat, []


def load_contrat(path: Path) -> Contrat:
    """Parse and check one file; raise :class:`CurationErrors` listing every problem."""
    from app.curation.structure import check_structure

    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CurationErrors([CurationError(path, None, f"pas en UTF-8 ({exc})")]) from exc
    except OSError as exc:
        raise CurationErrors([CurationError(path, None, f"illisible ({exc.strerror})")]) from exc
    try:
        top = read_yaml(text)
    except yaml.MarkedYAMLError as exc:
        raise CurationErrors([_yaml_error(path, text, exc)]) from exc
    except yaml.YAMLError as exc:
        raise CurationErrors([CurationError(path, None, f"YAML invalide : {exc}")]) from exc
    if not isinstance(top, LineDict):
        raise CurationErrors([CurationError(path, 1, "le fichier doit être un dictionnaire YAML")])
    contrat, errors = _parse(path, top)
    if contrat is not None:
        errors.extend(check_structure(contrat))
    if errors or contrat is None:
        raise CurationErrors(errors)
    return contrat


def _yaml_error(path: Path, text: str, exc: yaml.MarkedYAMLError) -> CurationError:
    """Where the YAML breaks, as a curator would look for it: a quote left open makes
    the parser fail lines later (« expected <block end>, but found '<scalar>' » at the
    next quoted value), so a line between the block's start and the failure with an
    odd number of double quotes is named first."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    message = f"YAML invalide : {exc.problem or exc.context}"
    start = exc.context_mark.line if exc.context_mark else None
    if line is not None and start is not None:
        lines = text.split("\n")
        for k in range(start, min(line, len(lines))):
            code = lines[k].split(" #", 1)[0]
            if (code.count('"') - code.count('\\"')) % 2:
                return CurationError(
                    path, k + 1, f"{message} (ligne {line}) : guillemet ouvert et non fermé ici ?"
                )
    return CurationError(path, line, message)
