#!/usr/bin/env python3
"""Extract the official codes of the territories the contracts name into data/reference/.

Why a script: the reference table must come from a published source, not be typed.
It fetches the npm package ``@etalab/decoupage-administratif`` (Etalab's JSON of the
Code officiel géographique: communes and EPCI with their INSEE codes and SIREN) into a
temporary directory with ``npm pack`` (nothing is installed), and keeps only the rows
whose name is exactly a territory name printed in ``data/contrats/*.yaml`` (types EPCI
and Commune). Every row carrying that name is kept, so the build can tell an
unambiguous name (one row) from an ambiguous one (several).

Writes ``data/reference/territoires-officiels.csv`` and its sidecar
``territoires-officiels.meta.json`` (package, version, tarball integrity, date, names
looked up and how many rows each found). Usage::

    python3 scripts/territoires_officiels.py [--version 6.0.0]
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "@etalab/decoupage-administratif"
OUT = ROOT / "data" / "reference" / "territoires-officiels.csv"
COLUMNS = ["type", "nom", "code", "siren", "departement", "nature"]


def printed_names() -> dict[str, set[str]]:
    """Names of EPCI and communes as printed in the curated files, by type."""
    names: dict[str, set[str]] = {"EPCI": set(), "Commune": set()}
    for path in sorted((ROOT / "data" / "contrats").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for t in doc.get("territoires") or []:
            if t.get("type") in names:
                names[t["type"]].add(t["label"])
    return names


def fetch(version: str, workdir: Path) -> tuple[Path, dict[str, str]]:
    """``npm pack`` the package into ``workdir``; its data directory and npm's metadata."""
    command = ["npm", "pack", f"{PACKAGE}@{version}", "--json", "--pack-destination", str(workdir)]
    # npm from PATH, as a developer runs it; a fixed argument list (the version is an option).
    done = subprocess.run(  # noqa: S603
        command, cwd=workdir, capture_output=True, text=True, check=True, timeout=600
    )
    [info] = json.loads(done.stdout)
    with tarfile.open(workdir / info["filename"]) as tar:
        tar.extractall(workdir, filter="data")
    meta = {"version": info["version"], "integrity": info["integrity"], "shasum": info["shasum"]}
    return workdir / "package" / "data", meta


def rows_for(data: Path, names: dict[str, set[str]]) -> tuple[list[dict[str, str]], dict[str, int]]:
    epci = json.loads((data / "epci.json").read_text(encoding="utf-8"))
    communes = json.loads((data / "communes.json").read_text(encoding="utf-8"))
    rows, found = [], {}
    for name in sorted(names["EPCI"]):
        hits = [e for e in epci if e["nom"] == name]
        found[f"EPCI:{name}"] = len(hits)
        rows += [
            {
                "type": "EPCI",
                "nom": e["nom"],
                "code": e["code"],
                "siren": e["code"],
                "departement": "",
                "nature": e.get("type", ""),
            }
            for e in hits
        ]
    for name in sorted(names["Commune"]):
        hits = [c for c in communes if c["nom"] == name and c["type"] == "commune-actuelle"]
        found[f"Commune:{name}"] = len(hits)
        rows += [
            {
                "type": "Commune",
                "nom": c["nom"],
                "code": c["code"],
                "siren": c.get("siren", ""),
                "departement": c.get("departement", ""),
                "nature": c["type"],
            }
            for c in hits
        ]
    return sorted(rows, key=lambda r: (r["type"], r["nom"], r["code"])), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", default="6.0.0", help="version of the npm package")
    args = parser.parse_args()
    names = printed_names()
    with tempfile.TemporaryDirectory(prefix="decoupage-") as tmp:
        data, meta = fetch(args.version, Path(tmp))
        rows, found = rows_for(data, names)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    sidecar = {
        "origine": f"npm {PACKAGE}",
        "paquet": PACKAGE,
        **meta,
        "extrait_le": datetime.date.today().isoformat(),
        "script": "scripts/territoires_officiels.py",
        "noms_cherches": found,
        "colonnes": {
            "code": "EPCI : SIREN ; commune : code INSEE (COG)",
            "siren": "SIREN de l'EPCI ou de la commune",
            "nature": "EPCI : CA, CC, CU, METRO… ; commune : commune-actuelle",
        },
    }
    OUT.with_suffix(".meta.json").write_text(
        json.dumps(sidecar, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"{OUT}: {len(rows)} ligne(s) ; {found}")


if __name__ == "__main__":
    main()
