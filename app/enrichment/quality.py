"""Precision and recall of the theme tagging against a hand-tagged sample.

The sample (``tests/themes_sample.yaml``) maps elements to the themes a person gave
them after reading only the thesaurus's labels and definitions. Elements are named
by IRI or as ``contrat-id/element-id``; themes by slug (``sante-mentale``) or IRI.
Accepted layouts: a mapping ``element: [slug, …]``, or a list (possibly under an
``elements`` / ``sample`` / ``echantillon`` key) of mappings with ``element`` (or
``id`` / ``iri``) and ``themes``.

Scoring is strict: a predicted theme is correct only if it is one of the element's
gold themes — the same concept. A broader or narrower concept earns nothing (tagging
"Santé" where the gold says "Santé mentale" is one false positive and one false
negative). Only the sampled elements are scored, an empty gold list included (every
theme predicted there is a false positive). Overall figures are micro-averaged: sums
of true positives, false positives and false negatives over all themes.

``python -m app.enrichment.quality tests/themes_sample.yaml`` builds the dataset into a
temporary directory, compares and prints the table (``--floor 0.9`` makes it exit 1
when overall precision or recall falls below the floor).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox
import yaml

from app.config import Settings
from app.dumps import DUMP_NQ

THEMES_QUERY = """
PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#>
SELECT ?e ?t WHERE { ?e cdv:contrat ?c . OPTIONAL { ?e cdv:theme ?t } }
"""


def element_key(name: str) -> str:
    """``contrat-id/element-id`` for an element IRI (any base) or an already short name."""
    name = name.strip()
    if "/contrat/" in name:
        return name.rsplit("/contrat/", 1)[1]
    return name


def theme_slug(name: str) -> str:
    """The slug of a theme given by IRI or slug."""
    return name.strip().rstrip("/").rsplit("/", 1)[-1]


def load_sample(path: Path) -> dict[str, set[str]]:
    """Gold themes per element, from ``elements: {contrat-id/element-id: {themes: [...]}}``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, Mapping) or not isinstance(data.get("elements"), Mapping):
        raise ValueError(f"{path}: « elements: » (table élément → {{themes: [...]}}) attendu")
    gold: dict[str, set[str]] = {}
    for key, entry in data["elements"].items():
        if not isinstance(entry, Mapping) or not isinstance(entry.get("themes"), list):
            raise ValueError(f"{path}: élément « {key} » sans liste « themes »")
        gold[element_key(str(key))] = {theme_slug(str(t)) for t in entry["themes"]}
    return gold


def predicted_from_dump(dump: Path) -> dict[str, set[str]]:
    """Themes per element, as a user querying the built dump sees them."""
    store = ox.Store()
    store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    result: dict[str, set[str]] = {}
    for row in store.query(THEMES_QUERY, use_default_graph_as_union=True):  # type: ignore[union-attr]
        themes = result.setdefault(element_key(row["e"].value), set())
        if row["t"] is not None:
            themes.add(theme_slug(row["t"].value))
    return result


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def precision_recall(predicted: dict[str, set[str]], gold: dict[str, set[str]]) -> dict:
    """Per-theme and overall (micro-averaged) precision and recall on the gold elements.

    Returns ``{"themes": {slug: counts}, "overall": counts, "elements": n}`` where counts
    are ``tp``, ``fp``, ``fn``, ``precision``, ``recall`` (``None`` when undefined: no
    prediction, or no gold occurrence). Exact concepts only: no credit through the
    hierarchy. Element names may be IRIs or ``contrat-id/element-id``.
    """
    pred = {element_key(k): {theme_slug(t) for t in v} for k, v in predicted.items()}
    counts: dict[str, dict[str, int]] = {}
    for element, gold_themes in gold.items():
        gold_themes = {theme_slug(t) for t in gold_themes}
        got = pred.get(element_key(element), set())
        for t in got | gold_themes:
            c = counts.setdefault(t, {"tp": 0, "fp": 0, "fn": 0})
            c["tp" if t in got and t in gold_themes else "fp" if t in got else "fn"] += 1
    themes = {t: _scores(c) for t, c in sorted(counts.items())}
    total = {k: sum(c[k] for c in counts.values()) for k in ("tp", "fp", "fn")}
    return {"themes": themes, "overall": _scores(total), "elements": len(gold)}


def _scores(c: dict[str, int]) -> dict:
    return {
        **c,
        "precision": _ratio(c["tp"], c["tp"] + c["fp"]),
        "recall": _ratio(c["tp"], c["tp"] + c["fn"]),
    }


def format_table(result: dict) -> str:
    """A plain-text table: one row per theme, then the overall row."""

    def fmt(x: float | None) -> str:
        return "   —" if x is None else f"{x:.2f}"

    rows = [f"{'thème':<30} {'VP':>4} {'FP':>4} {'FN':>4} {'préc.':>6} {'rappel':>6}"]
    items = [*result["themes"].items(), ("TOTAL (micro)", result["overall"])]
    for name, c in items:
        rows.append(
            f"{name:<30} {c['tp']:>4} {c['fp']:>4} {c['fn']:>4} "
            f"{fmt(c['precision']):>6} {fmt(c['recall']):>6}"
        )
    rows.append(f"{result['elements']} éléments échantillonnés")
    return "\n".join(rows)


def evaluate(sample: Path, settings: Settings | None = None) -> dict:
    """Build into a temporary directory and score the build against the sample."""
    from app.build import build

    base = settings or Settings()
    with tempfile.TemporaryDirectory(prefix="cvkg-quality-") as tmp:
        built = base.model_copy(update={"build_dir": Path(tmp) / "build"})
        build(built, progress=False)
        predicted = predicted_from_dump(built.build_dir / DUMP_NQ)
    return precision_recall(predicted, load_sample(sample))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sample", type=Path, help="échantillon annoté (YAML)")
    parser.add_argument("--floor", type=float, default=None, help="seuil de précision et rappel")
    args = parser.parse_args(argv)
    result = evaluate(args.sample)
    print(format_table(result))
    overall = result["overall"]
    if args.floor is not None and any(
        (overall[k] or 0.0) < args.floor for k in ("precision", "recall")
    ):
        print(f"sous le seuil {args.floor}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
