"""Seeded generator of synthetic contrats de ville in the project's ontology.

The graphs are shaped like the five real ones: one named graph per contract;
a strategy tree Axe → ObjectifStrategique → ObjectifOperationnel →
ModaliteAction with a similar fan-out (≈ 85 elements per contract); labels of
real-looking lengths (30–220 characters of French words); ``cdv:theme`` links
to a thesaurus of 50 theme concepts with ``skos:broader`` (« Santé mentale »
among them); ``cdv:mobilise`` links to 40 dispositifs; ``cdv:generation``;
territories. About 700 triples per contract: 2 000 contracts ≈ 1.4 M triples;
plus the research answers precomputed as the build does (``app/synthese.py``).

    python benchmarks/generate.py --contracts 500 --output /tmp/synthetic-500.nq
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from app.synthese import (  # noqa: E402
    Saisie,
    ancestors,
    contract_facts,
    folded_themes,
    generation_facts,
    graph_iri,
    to_nquads,
)

CDV = "https://w3id.org/contrats-de-ville/onto#"
ID = "https://w3id.org/contrats-de-ville/id/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PROV = "http://www.w3.org/ns/prov#"
XSD_INT = "http://www.w3.org/2001/XMLSchema#integer"

WORDS = (
    "accompagner développer renforcer favoriser améliorer soutenir lutter contre prévenir "
    "promouvoir faciliter l'accès des habitants quartiers prioritaires jeunes familles emploi "
    "insertion professionnelle santé éducation réussite scolaire parentalité logement cadre "
    "de vie tranquillité publique mobilité culture sport citoyenneté numérique commerce "
    "transition écologique participation associations partenaires acteurs locaux dispositifs "
    "actions coordination territoire politique ville égalité femmes hommes discriminations "
    "précarité alimentaire prévention délinquance médiation sociale"
).split()
TOP_THEMES = [
    "Santé",
    "Emploi",
    "Éducation",
    "Habitat",
    "Sécurité",
    "Culture",
    "Sport",
    "Mobilité",
    "Citoyenneté",
    "Environnement",
]
SUB_THEMES = {
    "Santé": ["Santé mentale", "Accès aux soins", "Prévention santé", "Alimentation"],
    "Emploi": ["Insertion", "Formation", "Création d'entreprise", "Apprentissage"],
    "Éducation": ["Réussite éducative", "Petite enfance", "Décrochage scolaire", "Parentalité"],
    "Habitat": ["Rénovation urbaine", "Logement social", "Cadre de vie", "Gestion urbaine"],
    "Sécurité": ["Prévention de la délinquance", "Tranquillité publique", "Médiation"],
    "Culture": ["Pratiques artistiques", "Lecture publique", "Patrimoine", "Numérique"],
    "Sport": ["Sport santé", "Clubs", "Équipements sportifs"],
    "Mobilité": ["Transports", "Mobilité douce", "Permis"],
    "Citoyenneté": ["Participation", "Égalité femmes-hommes", "Discriminations", "Laïcité"],
    "Environnement": ["Transition écologique", "Espaces verts", "Énergie"],
}
SUB_SUB = {"Santé mentale": ["Addictions", "Souffrance psychique"]}
LEVELS = [
    ("Axe", "Axe stratégique", (3, 5)),
    ("ObjectifStrategique", "Objectif stratégique", (2, 4)),
    ("ObjectifOperationnel", "Objectif opérationnel", (1, 4)),
    ("ModaliteAction", "Modalité d'action", (0, 2)),
]
N_DISPOSITIFS = 40


def _lit(text: str, lang: str | None = "fr") -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def _int(value: int) -> str:
    return f'"{value}"^^<{XSD_INT}>'


def _slug(text: str) -> str:
    table = str.maketrans("éèêàâîôûçÉ' ", "eeeaaioucE--")
    return text.lower().translate(table)


def themes() -> list[tuple[str, str, str | None]]:
    """(slug, label, broader slug) for the ~50 theme concepts."""
    out: list[tuple[str, str, str | None]] = []
    for top in TOP_THEMES:
        out.append((_slug(top), top, None))
        for sub in SUB_THEMES[top]:
            out.append((_slug(sub), sub, _slug(top)))
            for subsub in SUB_SUB.get(sub, []):
                out.append((_slug(subsub), subsub, _slug(sub)))
    return out


def vocabulary_quads() -> Iterator[str]:
    graph = f"<{ID}graph/vocabulaire/themes>"
    scheme = f"<{ID}themes>"
    for slug, label, broader in themes():
        node = f"<{ID}theme/{slug}>"
        yield f"{node} <{TYPE}> <{SKOS}Concept> {graph} .\n"
        yield f"{node} <{SKOS}inScheme> {scheme} {graph} .\n"
        yield f"{node} <{SKOS}prefLabel> {_lit(label)} {graph} .\n"
        if broader:
            yield f"{node} <{SKOS}broader> <{ID}theme/{broader}> {graph} .\n"
    graph = f"<{ID}graph/vocabulaire/dispositifs>"
    for i in range(N_DISPOSITIFS):
        node = f"<{ID}dispositif/d{i:02d}>"
        yield f"{node} <{TYPE}> <{CDV}Dispositif> {graph} .\n"
        yield f"{node} <{SKOS}prefLabel> {_lit(f'Dispositif national numéro {i}')} {graph} .\n"
        yield f"{node} <{SKOS}notation> {_lit(f'D{i:02d}', None)} {graph} .\n"
    graph = f"<{ID}graph/vocabulaire/generations>"
    for gen in ("2015-2020", "2024-2030"):
        node = f"<{ID}generation/{gen}>"
        yield f"{node} <{TYPE}> <{SKOS}Concept> {graph} .\n"
        yield f"{node} <{SKOS}notation> {_lit(gen, None)} {graph} .\n"


def _label(rng: random.Random) -> str:
    target = rng.randint(30, 220)
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < target:
        words.append(rng.choice(WORDS))
    return " ".join(words).capitalize()


def contract_quads(index: int, rng: random.Random, theme_slugs: list[str]) -> Iterator[str]:
    generation = "2024-2030" if rng.random() < 0.5 else "2015-2020"
    cid = f"synthetique-{index:05d}-{generation}"
    contract = f"<{ID}contrat/{cid}>"
    graph = f"<{ID}graph/contrat/{cid}>"
    territory = f"<{ID}territoire/territoire-{index:05d}>"
    title = f"Contrat de ville {generation} du territoire synthétique {index}"
    yield f"{contract} <{TYPE}> <{CDV}Contrat> {graph} .\n"
    yield f"{contract} <{DCT}identifier> {_lit(cid, None)} {graph} .\n"
    yield f"{contract} <{DCT}title> {_lit(title)} {graph} .\n"
    yield f"{contract} <{RDFS}label> {_lit(title)} {graph} .\n"
    yield f"{contract} <{CDV}generation> <{ID}generation/{generation}> {graph} .\n"
    yield f"{contract} <{CDV}territoire> {territory} {graph} .\n"
    yield f"{territory} <{RDFS}label> {_lit(f'Territoire {index}')} {graph} .\n"
    yield f"{contract} <{PROV}wasDerivedFrom> <{ID}source/s{index:05d}> {graph} .\n"
    line = 1

    def children(parent: str | None, code: str, depth: int) -> Iterator[str]:
        nonlocal line
        cls, level_name, (low, high) = LEVELS[depth]
        for rank in range(1, rng.randint(low, high) + 1):
            number = f"{code}.{rank}" if code else str(rank)
            node = f"<{ID}contrat/{cid}/e{number.replace('.', '-')}>"
            line += rng.randint(1, 6)
            yield f"{node} <{TYPE}> <{CDV}{cls}> {graph} .\n"
            yield f"{node} <{CDV}contrat> {contract} {graph} .\n"
            yield f"{node} <{SKOS}prefLabel> {_lit(_label(rng))} {graph} .\n"
            yield f"{node} <{SKOS}notation> {_lit(number, None)} {graph} .\n"
            yield f"{node} <{CDV}rang> {_int(rank)} {graph} .\n"
            yield f"{node} <{CDV}niveauLocal> {_lit(level_name)} {graph} .\n"
            yield f"{node} <{CDV}ligneSource> {_int(line)} {graph} .\n"
            if parent:
                yield f"{node} <{CDV}partieDe> {parent} {graph} .\n"
            for slug in rng.sample(theme_slugs, k=rng.choice((0, 1, 1, 2))):
                yield f"{node} <{CDV}theme> <{ID}theme/{slug}> {graph} .\n"
            if rng.random() < 0.2:
                dispositif = f"<{ID}dispositif/d{rng.randrange(N_DISPOSITIFS):02d}>"
                yield f"{node} <{CDV}mobilise> {dispositif} {graph} .\n"
            if depth + 1 < len(LEVELS):
                yield from children(node, number, depth + 1)

    yield from children(None, "", 0)


def _saisie(batch: list[str]) -> Saisie:
    """The inputs of the precomputed facts, read back from one contract's quads."""
    saisie = Saisie(batch[0].split(" ", 1)[0][1:-1])
    for quad in batch:
        s, p, o, _ = quad.split(" ", 3)
        if p == f"<{CDV}contrat>":
            saisie.elements.add(s[1:-1])
        elif p == f"<{CDV}theme>":
            saisie.themes.add((s[1:-1], o[1:-1]))
        elif p == f"<{CDV}mobilise>":
            saisie.dispositifs.add((s[1:-1], o[1:-1]))
        elif p == f"<{CDV}generation>":
            saisie.generation = o[1:-1]
    return saisie


def generate(contracts: int, output: Path, seed: int = 2024) -> int:
    """Write the N-Quads file, the precomputed facts included; the number of quads."""
    rng = random.Random(seed)
    theme_slugs = [slug for slug, _, _ in themes()]
    up = ancestors((f"{ID}theme/{s}", f"{ID}theme/{b}") for s, _, b in themes() if b)
    synthese = graph_iri(ID)
    folded: list[tuple[str | None, Mapping[str, set[str]]]] = []
    count = 0
    with open(output, "w", encoding="utf-8") as out:
        for quad in vocabulary_quads():
            out.write(quad)
            count += 1
        for index in range(contracts):
            batch = list(contract_quads(index, rng, theme_slugs))
            saisie = _saisie(batch)
            batch += to_nquads(contract_facts(saisie, up, ID), synthese)
            folded.append((saisie.generation, folded_themes(saisie, up)))
            out.writelines(batch)
            count += len(batch)
        facts = list(to_nquads(generation_facts(folded, ID), synthese))
        out.writelines(facts)
        count += len(facts)
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contracts", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    count = generate(args.contracts, args.output, args.seed)
    print(f"{args.contracts} contrats, {count} quads → {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
