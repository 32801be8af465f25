"""Run `cvkg import` for real (in-process CLI) into temporary folders."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from tree_compare import compare, pairs_of, tree

from app.cli import main
from app.curation.loader import load_contrat
from app.curation.provenance import check_provenance


@dataclass
class Imported:
    code: int
    draft: dict | None
    draft_path: Path
    sources: Path
    stdout: str
    stderr: str

    @property
    def rendering(self) -> str:
        """The text the draft's labels are checked against (its source's rendering)."""
        assert self.code == 0, self.stderr
        assert self.draft is not None
        return (self.sources / self.draft["source"]["fichier"]).read_text(encoding="utf-8")

    def exact_tree(self, expected: str) -> list[dict]:
        """The draft's elements, once checked to be the ``expected`` tree (written as
        ``tree_compare.tree`` reads it), every label found at its line."""
        assert self.code == 0, self.stderr
        assert self.draft is not None
        elements: list[dict] = self.draft["elements"]
        score = compare(tree(expected), pairs_of(elements))
        assert (score.recall, score.precision) == (1.0, 1.0), (
            score,
            [(e["label"], e.get("parent")) for e in elements],
        )
        assert check_provenance(load_contrat(self.draft_path), self.sources) == []
        return elements


@pytest.fixture
def run_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    def run(document: Path, *extra: str) -> Imported:
        out = tmp_path / "brouillons"
        sources = tmp_path / "sources"
        draft = out / f"{document.stem}.yaml"
        code = main(
            ["import", str(document), "-o", str(draft), "--sources-dir", str(sources), *extra]
        )
        captured = capsys.readouterr()
        data = yaml.safe_load(draft.read_text(encoding="utf-8")) if draft.exists() else None
        return Imported(code, data, draft, sources, captured.out, captured.err)

    return run


LIBREOFFICE = Path(__file__).resolve().parents[1] / "fixtures" / "libreoffice"


@pytest.fixture
def libreoffice_make():
    """``tests/fixtures/libreoffice/make.py``: the Word files its PDFs were exported from,
    to build them again and import them as Word."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("libreoffice_make", LIBREOFFICE / "make.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
