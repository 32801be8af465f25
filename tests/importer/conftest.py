"""Run `cvkg import` for real (in-process CLI) into temporary folders."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from app.cli import main


@dataclass
class Imported:
    code: int
    draft: dict | None
    draft_path: Path
    sources: Path
    stdout: str
    stderr: str


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
