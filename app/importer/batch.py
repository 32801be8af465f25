"""Many documents in one call: a progress bar, one failure never stops the others."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from tqdm import tqdm

from app.importer.errors import ImportFailure
from app.importer.run import ImportResult, import_document

COLUMNS = (
    ("Pilier", "Pil."),
    ("Axe", "Axe"),
    ("ThematiqueTransversale", "Transv."),
    ("Constat", "Const."),
    ("ObjectifStrategique", "OS"),
    ("ObjectifOperationnel", "OO"),
    ("ModaliteAction", "Modal."),
)


def run_batch(
    documents: list[Path], outdir: Path | None, output: Path | None, sources_dir: Path
) -> list[ImportResult]:
    results = []
    used: set[str] = set()
    for doc in tqdm(documents, desc="import", unit="doc", file=sys.stderr, disable=None):
        started = time.perf_counter()
        stem, n = doc.stem, 1
        while stem in used:  # two « contrat.pdf » in different folders: contrat, contrat-2
            n += 1
            stem = f"{doc.stem}-{n}"
        used.add(stem)
        draft = output if output is not None else (outdir or Path(".")) / f"{stem}.yaml"
        try:
            results.append(import_document(doc, draft, sources_dir, stem))
        except ImportFailure as exc:
            results.append(
                ImportResult(doc, error=exc.message, seconds=time.perf_counter() - started)
            )
        except Exception as exc:  # noqa: BLE001 - one broken document must not stop the batch
            message = f"erreur inattendue : {type(exc).__name__}: {exc}"
            results.append(ImportResult(doc, error=message, seconds=time.perf_counter() - started))
    return results


def summary(results: list[ImportResult]) -> str:
    """The closing table: document, elements per class, flagged, time."""
    head = ["document", *(short for _, short in COLUMNS), "à vérifier", "temps"]
    rows = []
    for r in results:
        if r.error:
            rows.append([r.document.name, *("" for _ in COLUMNS), "", f"{r.seconds:.2f} s"])
        else:
            counts = [str(r.per_class.get(c, 0)) for c, _ in COLUMNS]
            rows.append([r.document.name, *counts, str(r.flagged), f"{r.seconds:.2f} s"])
    widths = [max(len(x) for x in col) for col in zip(head, *rows, strict=False)]
    fmt = "  ".join(f"{{:<{w}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths))
    out = [fmt.format(*head), fmt.format(*("-" * w for w in widths))]
    out += [fmt.format(*row) for row in rows]
    failed = [r for r in results if r.error]
    for r in failed:
        out.append(f"ÉCHEC {r.document} : {r.error}")
    out.append(f"{len(results) - len(failed)} brouillon(s) écrit(s), {len(failed)} échec(s)")
    return "\n".join(out)
