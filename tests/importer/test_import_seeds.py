"""The four seed texts imported and compared, as trees, with their curated files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from tree_compare import compare, pairs_of

from app.config import PROJECT_ROOT
from app.curation.loader import load_contrat
from app.curation.provenance import check_provenance
from app.importer.run import NOT_FOUND

SEEDS = PROJECT_ROOT.parent / "shared" / "seeds"
LOCAL = PROJECT_ROOT / "data" / "sources"
CURATED = PROJECT_ROOT / "data" / "contrats"


def _seed(stem: str) -> Path:
    local = LOCAL / f"{stem}.txt"
    return local if local.is_file() else SEEDS / f"{stem}.txt"


CURATED_SEEDS = [
    "001_629d7a99e5f4e6ca",
    "002_002d73874d5f62f1",
    "003_d2f761683cab1619",
    "004_a26b9f87e29f24a0",
]
DIAGRAM_SEED = "000_1096beb0e85d8ba9"


@pytest.mark.parametrize("stem", CURATED_SEEDS)
def test_seed_tree_matches_curated(stem: str, run_import) -> None:
    result = run_import(_seed(stem))
    assert result.code == 0, result.stderr
    curated = yaml.safe_load((CURATED / f"{stem}.yaml").read_text(encoding="utf-8"))
    score = compare(pairs_of(curated["elements"]), pairs_of(result.draft["elements"]))
    assert score.recall >= 0.90, score
    assert score.precision >= 0.90, score


@pytest.mark.parametrize("stem", [DIAGRAM_SEED, *CURATED_SEEDS])
def test_every_label_found_at_its_line(stem: str, run_import) -> None:
    result = run_import(_seed(stem))
    assert result.code == 0, result.stderr
    rendering = result.sources / f"{stem}.txt"
    assert rendering.read_text(encoding="utf-8") == _seed(stem).read_text(encoding="utf-8")
    assert not [e["id"] for e in result.draft["elements"] if e.get("a_verifier") == NOT_FOUND]
    assert check_provenance(load_contrat(result.draft_path), result.sources) == []
    assert (
        result.draft["source"]["original"]["sha256"]
        and len(result.draft["source"]["original"]["sha256"]) == 64
    )


def test_scrambled_diagram_comes_out_flagged(run_import) -> None:
    """Seed 000 is a one-page diagram whose text order is scrambled: the draft says so."""
    result = run_import(_seed(DIAGRAM_SEED))
    flagged = [e for e in result.draft["elements"] if e.get("a_verifier")]
    assert len(flagged) >= len(result.draft["elements"]) // 2
