"""Seeded synthetic contract files in the curated YAML format, with their source texts.

Shaped like the five seeds: a strategy tree Axe → ObjectifStrategique →
ObjectifOperationnel (→ ModaliteAction) of about 85 elements, local level
names, printed codes, a title, a printed generation, one territory; and for
each file a source text (``<stem>.txt``) in which every label, the title and
the territory are printed at the line the file gives, so the build's
provenance check finds them. Labels are French words of the domain, so the
build's tagging finds themes and dispositifs in them as it does in the seeds.

    python benchmarks/generate_yaml.py --contracts 825 --output /tmp/cvkg-build-825

writes ``contrats/*.yaml`` and ``sources/*.txt`` under the output directory
(``CVKG_DATA_DIR`` and ``CVKG_SEEDS_DIR`` for ``cvkg build``).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import LEVELS, WORDS  # noqa: E402

PHRASES = [
    "santé mentale",
    "accès aux soins",
    "insertion professionnelle",
    "réussite éducative",
    "prévention de la délinquance",
    "tranquillité publique",
    "rénovation urbaine",
    "cadre de vie",
    "emploi des jeunes",
    "lutte contre les discriminations",
    "égalité entre les femmes et les hommes",
    "parentalité",
    "pratiques culturelles",
    "pratique sportive",
    "mobilité",
    "numérique",
    "précarité alimentaire",
    "programme de réussite éducative",
    "cités éducatives",
    "atelier santé ville",
]


def _label(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(4, 18))]
    if rng.random() < 0.6:
        words.insert(rng.randrange(len(words) + 1), rng.choice(PHRASES))
    return " ".join(words).capitalize()


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a YAML double-quoted scalar


def contract_files(index: int, rng: random.Random) -> tuple[str, str, str]:
    """(file stem, YAML text, source text) of one synthetic contract."""
    generation = "2024-2030" if rng.random() < 0.5 else "2015-2020"
    stem = f"{index:05d}_synthetique"
    cid = f"synthetique-{index:05d}-{generation}"
    title = f"Contrat de ville {generation} du territoire synthétique {index}"
    lines = [title, "", f"Territoire synthétique {index}", ""]
    yaml = [
        f"# Contrat synthétique {index} (benchmarks/generate_yaml.py)",
        f"id: {cid}",
        "source:",
        f"  fichier: {stem}.txt",
        f"  titre: {_q(title)}",
        "  ligne: 1",
        f"titre: {_q(title)}",
        f'generation: "{generation}"',
        "territoires:",
        f"  - id: territoire-synthetique-{index:05d}",
        "    type: EPCI",
        f"    label: {_q(f'Territoire synthétique {index}')}",
        "    ligne: 3",
        "elements:",
    ]

    def children(parent: str | None, code: str, depth: int) -> None:
        cls, level_name, (low, high) = LEVELS[depth]
        for rank in range(1, rng.randint(max(low, 1 if depth < 2 else 0), high) + 1):
            number = f"{code}.{rank}" if code else str(rank)
            eid = "e" + number.replace(".", "-")
            label = _label(rng)
            lines.append(f"{number}. {label}")
            lines.append("")
            yaml.extend(
                [
                    f"  - id: {eid}",
                    f"    classe: {cls}",
                    *([f"    parent: {parent}"] if parent else []),
                    f"    niveau: {_q(level_name)}",
                    f'    code: "{number}"',
                    f"    label: {_q(label)}",
                    f"    ligne: {len(lines) - 1}",
                ]
            )
            if depth + 1 < len(LEVELS):
                children(eid, number, depth + 1)

    children(None, "", 0)
    return stem, "\n".join(yaml) + "\n", "\n".join(lines) + "\n"


def generate_files(contracts: int, output: Path, seed: int = 2024) -> list[Path]:
    """Write ``output/contrats/*.yaml`` and ``output/sources/*.txt``; the YAML paths."""
    rng = random.Random(seed)
    (output / "contrats").mkdir(parents=True, exist_ok=True)
    (output / "sources").mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(contracts):
        stem, yaml, source = contract_files(index, rng)
        path = output / "contrats" / f"{stem}.yaml"
        path.write_text(yaml, encoding="utf-8")
        (output / "sources" / f"{stem}.txt").write_text(source, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contracts", type=int, default=825)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    paths = generate_files(args.contracts, args.output, args.seed)
    print(f"{len(paths)} fichiers de contrat → {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
