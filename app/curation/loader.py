"""Read a contract YAML file into :mod:`app.curation.model`, rejecting anything malformed.

Every error names the file and the YAML line, because curators edit these files by
hand and must find the offending entry without reading the loader.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml

from app.curation.errors import CurationError, CurationErrors
from app.curation.model import (
    CLASSES,
    GENERATIONS,
    TERRITOIRE_TYPES,
    ChiffreCle,
    Contrat,
    Element,
    GenerationInferee,
    Source,
    Territoire,
    ThemeOverride,
)

ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
UNITES = ("pourcent", "habitants", "nombre")
T = TypeVar("T")


class _LineDict(dict[Any, Any]):
    """A mapping that remembers the YAML line of itself and of each key.

    Keys are whatever YAML made of them: strings in a well-formed file, but a
    curator's typo can give a number or a date, which ``check_keys`` reports.
    """

    line: int
    key_lines: dict[str, int]


class _LineLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> _LineDict:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"clé « {key} » en double (déjà ligne {seen[key]})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line + 1
        mapping = _LineDict(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {str(k): v for k, v in seen.items()}
        return mapping


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _LineLoader.construct_mapping,
)


class _Reader:
    """Typed accessors over one mapping that collect errors instead of stopping at the first."""

    def __init__(self, path: Path, errors: list[CurationError]) -> None:
        self.path = path
        self.errors = errors

    def fail(self, line: int | None, message: str) -> None:
        self.errors.append(CurationError(self.path, line, message))

    def mapping(self, value: Any, line: int, what: str) -> _LineDict | None:
        if not isinstance(value, _LineDict):
            self.fail(line, f"{what} : un dictionnaire (clé: valeur) est attendu")
            return None
        return value

    def check_keys(self, m: _LineDict, allowed: set[str], what: str) -> None:
        for key in m:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                self.fail(
                    m.key_lines.get(key, m.line), f"{what} : clé inconnue « {key} » ({known})"
                )

    def text(self, m: _LineDict, key: str, what: str, required: bool = True) -> str | None:
        line = m.key_lines.get(key, m.line)
        if key not in m or m[key] is None:
            if required:
                self.fail(m.line, f"{what} : « {key} » manquant")
            return None
        value = m[key]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.fail(line, f"{what} : « {key} » doit être un texte")
            return None
        if not value.strip():
            self.fail(line, f"{what} : « {key} » est vide")
            return None
        if value != value.strip() or "  " in value or "\n" in value or "\ufffd" in value:
            self.fail(
                line,
                f"{what} : « {key} » contient des espaces en trop, un saut de ligne ou "
                "un caractère de remplacement",
            )
        return value

    def integer(self, m: _LineDict, key: str, what: str, required: bool = True) -> int | None:
        if key not in m or m[key] is None:
            if required:
                self.fail(m.line, f"{what} : « {key} » manquant")
            return None
        value = m[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.fail(m.key_lines.get(key, m.line), f"{what} : « {key} » doit être un entier ≥ 1")
            return None
        return value

    def number(self, m: _LineDict, key: str, what: str) -> float | None:
        if key not in m or m[key] is None:
            return None
        value = m[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(m.key_lines.get(key, m.line), f"{what} : « {key} » doit être un nombre")
            return None
        return float(value)

    def ident(self, m: _LineDict, key: str, what: str, required: bool = True) -> str | None:
        value = self.text(m, key, what, required)
        if value is not None and not ID_RE.match(value):
            self.fail(
                m.key_lines.get(key, m.line),
                f"{what} : identifiant « {value} » invalide (minuscules, chiffres, . _ -)",
            )
            return None
        return value

    def listing(self, m: _LineDict, key: str, what: str) -> list[Any]:
        value = m.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(m.key_lines.get(key, m.line), f"{what} : « {key} » doit être une liste")
            return []
        return value


ELEMENT_KEYS = {
    "id",
    "classe",
    "label",
    "ligne",
    "parent",
    "code",
    "niveau",
    "note",
    "dispositifs",
    "themes_ajoutes",
    "themes_retires",
    "a_verifier",
}
TOP_KEYS = {
    "id",
    "source",
    "titre",
    "generation",
    "generation_inferee",
    "note",
    "territoires",
    "chiffres_cles",
    "elements",
    "lignes_ignorees",
}


def _overrides(r: _Reader, m: _LineDict, key: str, what: str) -> list[ThemeOverride]:
    result = []
    for item in r.listing(m, key, what):
        o = r.mapping(item, m.key_lines.get(key, m.line), f"{what}, {key}")
        if o is None:
            continue
        r.check_keys(o, {"theme", "raison"}, f"{what}, {key}")
        theme = r.ident(o, "theme", f"{what}, {key}")
        raison = r.text(o, "raison", f"{what}, {key}")
        if theme and raison:
            result.append(ThemeOverride(theme, raison, o.line))
    return result


def _element(r: _Reader, m: _LineDict) -> Element | None:
    what = f"élément « {m.get('id', '?')} »"
    r.check_keys(m, ELEMENT_KEYS, what)
    eid = r.ident(m, "id", what)
    classe = r.text(m, "classe", what)
    if classe is not None and classe not in CLASSES:
        r.fail(
            m.key_lines["classe"], f"{what} : classe inconnue « {classe} » ({', '.join(CLASSES)})"
        )
        classe = None
    label = r.text(m, "label", what)
    ligne = r.integer(m, "ligne", what)
    dispositifs = []
    for d in r.listing(m, "dispositifs", what):
        if isinstance(d, str) and ID_RE.match(d):
            dispositifs.append(d)
        else:
            r.fail(m.key_lines["dispositifs"], f"{what} : dispositif « {d} » invalide")
    element = Element(
        id=eid or "",
        classe=classe or "",
        label=label or "",
        ligne=ligne or 0,
        yaml_line=m.line,
        parent=r.ident(m, "parent", what, required=False),
        code=r.text(m, "code", what, required=False),
        niveau=r.text(m, "niveau", what, required=False),
        note=r.text(m, "note", what, required=False),
        dispositifs=dispositifs,
        themes_ajoutes=_overrides(r, m, "themes_ajoutes", what),
        themes_retires=_overrides(r, m, "themes_retires", what),
        a_verifier=r.text(m, "a_verifier", what, required=False),
        key_lines=m.key_lines,
    )
    return element if eid and classe and label and ligne else None


def _territoire(r: _Reader, m: _LineDict) -> Territoire | None:
    what = f"territoire « {m.get('id', '?')} »"
    r.check_keys(m, {"id", "type", "label", "ligne", "partie_de", "insee"}, what)
    tid = r.ident(m, "id", what)
    ttype = r.text(m, "type", what)
    if ttype is not None and ttype not in TERRITOIRE_TYPES:
        r.fail(
            m.key_lines["type"],
            f"{what} : type inconnu « {ttype} » ({', '.join(TERRITOIRE_TYPES)})",
        )
        ttype = None
    label = r.text(m, "label", what)
    if not (tid and ttype and label):
        return None
    return Territoire(
        id=tid,
        type=ttype,
        label=label,
        yaml_line=m.line,
        ligne=r.integer(m, "ligne", what, required=False),
        partie_de=r.ident(m, "partie_de", what, required=False),
        insee=r.text(m, "insee", what, required=False),
    )


def _chiffre(r: _Reader, m: _LineDict) -> ChiffreCle | None:
    what = f"chiffre clé « {m.get('id', '?')} »"
    r.check_keys(
        m,
        {
            "id",
            "indicateur",
            "libelle",
            "zone",
            "unite",
            "valeur",
            "valeur_min",
            "valeur_max",
            "annee",
            "source_stat",
            "ligne",
            "note",
        },
        what,
    )
    c = ChiffreCle(
        id=r.ident(m, "id", what) or "",
        indicateur=r.ident(m, "indicateur", what) or "",
        libelle=r.text(m, "libelle", what) or "",
        zone=r.ident(m, "zone", what) or "",
        unite=r.text(m, "unite", what) or "",
        ligne=r.integer(m, "ligne", what) or 0,
        yaml_line=m.line,
        valeur=r.number(m, "valeur", what),
        valeur_min=r.number(m, "valeur_min", what),
        valeur_max=r.number(m, "valeur_max", what),
        annee=r.integer(m, "annee", what, required=False),
        source_stat=r.text(m, "source_stat", what, required=False),
        note=r.text(m, "note", what, required=False),
    )
    if c.unite and c.unite not in UNITES:
        r.fail(m.key_lines["unite"], f"{what} : unité inconnue « {c.unite} » ({', '.join(UNITES)})")
    if c.valeur is None and (c.valeur_min is None or c.valeur_max is None):
        r.fail(m.line, f"{what} : « valeur » ou « valeur_min » et « valeur_max » attendus")
    return c if c.id and c.indicateur and c.zone and c.ligne else None


def _source(r: _Reader, top: _LineDict) -> Source:
    m = r.mapping(top.get("source"), top.key_lines.get("source", top.line), "source")
    if m is None:
        return Source(fichier="")
    r.check_keys(m, {"fichier", "titre", "ligne", "date"}, "source")
    date = m.get("date")
    return Source(
        fichier=r.text(m, "fichier", "source") or "",
        titre=r.text(m, "titre", "source", required=False),
        ligne=r.integer(m, "ligne", "source", required=False),
        date=str(date) if date is not None else None,
        key_lines=m.key_lines,
    )


def _lignes_ignorees(r: _Reader, top: _LineDict) -> None:
    """Lines the importer recognised as layout (header, page number, sommaire): checked only."""
    for item in r.listing(top, "lignes_ignorees", "contrat"):
        m = r.mapping(item, top.key_lines["lignes_ignorees"], "lignes_ignorees")
        if m is not None:
            r.check_keys(m, {"ligne", "fin", "raison"}, "lignes_ignorees")
            r.integer(m, "ligne", "lignes_ignorees")
            r.integer(m, "fin", "lignes_ignorees", required=False)
            r.text(m, "raison", "lignes_ignorees")


def _parse(path: Path, top: _LineDict, errors: list[CurationError]) -> Contrat:
    r = _Reader(path, errors)
    r.check_keys(top, TOP_KEYS, "contrat")
    generation = r.text(top, "generation", "contrat", required=False)
    if generation is not None and generation not in GENERATIONS:
        r.fail(
            top.key_lines["generation"],
            f"génération inconnue « {generation} » ({', '.join(GENERATIONS)})",
        )
    inferee = None
    if top.get("generation_inferee") is not None:
        gm = r.mapping(
            top["generation_inferee"], top.key_lines["generation_inferee"], "generation_inferee"
        )
        if gm is not None:
            r.check_keys(gm, {"valeur", "raison"}, "generation_inferee")
            valeur = r.text(gm, "valeur", "generation_inferee")
            raison = r.text(gm, "raison", "generation_inferee")
            if valeur is not None and valeur not in GENERATIONS:
                r.fail(gm.key_lines["valeur"], f"génération inconnue « {valeur} »")
            if valeur and raison:
                inferee = GenerationInferee(valeur, raison)
        if generation is not None:
            r.fail(
                top.key_lines["generation_inferee"],
                "« generation » et « generation_inferee » s'excluent",
            )
    contrat = Contrat(
        id=r.ident(top, "id", "contrat") or "",
        path=path,
        source=_source(r, top),
        titre=r.text(top, "titre", "contrat", required=False),
        generation=generation,
        generation_inferee=inferee,
        note=r.text(top, "note", "contrat", required=False),
        id_line=top.key_lines.get("id", top.line),
        source_line=top.key_lines.get("source", top.line),
    )
    _collect(r, top, "territoires", _territoire, contrat.territoires)
    _collect(r, top, "chiffres_cles", _chiffre, contrat.chiffres_cles)
    _collect(r, top, "elements", _element, contrat.elements)
    _lignes_ignorees(r, top)
    if not contrat.elements and "elements" in top:
        r.fail(top.key_lines["elements"], "aucun élément valide")
    elif "elements" not in top:
        r.fail(top.line, "« elements » manquant")
    return contrat


def _collect(
    r: _Reader,
    top: _LineDict,
    key: str,
    parse: Callable[[_Reader, _LineDict], T | None],
    target: list[T],
) -> None:
    """Append to ``target`` each valid entry of the list under ``key``."""
    for item in r.listing(top, key, "contrat"):
        m = r.mapping(item, top.key_lines[key], key)
        if m is not None and (value := parse(r, m)) is not None:
            target.append(value)


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
        top = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise CurationErrors(
            [CurationError(path, line, f"YAML invalide : {exc.problem or exc.context}")]
        ) from exc
    except yaml.YAMLError as exc:
        raise CurationErrors([CurationError(path, None, f"YAML invalide : {exc}")]) from exc
    errors: list[CurationError] = []
    if not isinstance(top, _LineDict):
        raise CurationErrors([CurationError(path, 1, "le fichier doit être un dictionnaire YAML")])
    contrat = _parse(path, top, errors)
    if not errors:
        errors.extend(check_structure(contrat))
    if errors:
        raise CurationErrors(errors)
    return contrat
