"""``/api/search``: French full-text search over the elements' text.

Accent- and case-insensitive and stem-aware (Snowball French, the same
normalisation as the theme tagging), ranked, with the matched words marked. It
reads an inverted index built once per data version from ``libelles.rq``, never
the store, so its cost depends on how common the words are, not on the size
of the country. The index is a file (:mod:`app.api.search_build`), kept beside
the store and reopened as long as the data version is the same.
"""

from __future__ import annotations

import atexit
import hashlib
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app import queries
from app.api import catalog, models
from app.api.deps import DataDep, GraphData, invalid
from app.api.search_build import SCHEMA_VERSION, write_index
from app.api.search_index import SearchIndex, highlight
from app.api.tabular import TABULAR_RESPONSES, Answer, FormatParam, document, respond

router = APIRouter(tags=["recherche"])
COLUMNS = [
    "rang",
    "score",
    "mots_trouves",
    "contrat",
    "element",
    "classe",
    "notation",
    "label",
    "ligne_source",
    "surligne",
    "iri",
]


PROJECT_ROOT = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT = 3600.0  # the child indexing the corpus: minutes at national scale, never hours


def index_path(data: GraphData, directory: Path) -> Path:
    """The index file of this data version (and base, file layout and corpus query:
    a change to ``libelles.rq``, e.g. its order, indexes again)."""
    corpus = queries.load("libelles").text
    key = f"{data.version}|{data.base}|{SCHEMA_VERSION}|{corpus}".encode()
    return directory / f"recherche-{hashlib.sha256(key).hexdigest()[:24]}.sqlite"


def _build_in_child(data: GraphData, path: Path) -> None:
    """Fetch the corpus through the workers as TSV files; a child process indexes them.

    The server only holds one batch's bytes at a time; the rows, the stems and
    the postings live and die in the child.
    """
    assert data.select_tsv is not None
    query = queries.load("libelles")
    iris = [c["iri"] for c in catalog.contrats(data).values()]
    with tempfile.TemporaryDirectory(prefix=".libelles-", dir=path.parent) as tmp:
        files = []
        for n, start in enumerate(range(0, len(iris), catalog.BATCH)):
            text = query.for_data(data.base, {"contrat": iris[start : start + catalog.BATCH]})
            files.append(Path(tmp) / f"{n:05d}.tsv")
            files[-1].write_bytes(data.select_tsv(text))
        command = [sys.executable, "-m", "app.api.search_build", str(path), *map(str, files)]
        done = subprocess.run(  # noqa: S603 (our own interpreter and module)
            command, cwd=PROJECT_ROOT, capture_output=True, timeout=BUILD_TIMEOUT, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"index de recherche non écrit ({path}) : {done.stderr.decode(errors='replace')}"
            )


def _open_or_build(data: GraphData) -> SearchIndex:
    directory = data.index_dir
    if directory is None:  # nowhere to keep it: a temporary file, gone with the process
        directory = Path(tempfile.mkdtemp(prefix="cvkg-recherche-"))
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
    path = index_path(data, directory)
    if not path.is_file():
        if data.select_tsv is not None:
            _build_in_child(data, path)
        else:  # in process (tests, benchmarks without a server)
            write_index(catalog.per_contract_batch(data, "libelles"), path)
        for old in directory.glob("recherche-*.sqlite"):  # older versions' indexes
            if old != path:
                old.unlink(missing_ok=True)
    return SearchIndex(path)


def index(data: GraphData) -> SearchIndex:
    """The search index of this data version (opened, or built, on first use; then kept)."""
    return data.memo(("search-index",), lambda: _open_or_build(data))  # type: ignore[no-any-return]


def _answer(data: GraphData, q: str, limit: int) -> Answer:
    start = time.perf_counter()
    idx = index(data)
    stems, hits, total = idx.search(q, limit)
    if not stems:
        raise invalid(
            "q", "aucun mot cherchable (seulement des mots vides ou de la ponctuation)", q
        )
    results: list[dict[str, Any]] = []
    for rank, hit in enumerate(hits, 1):
        e = hit.element
        marked, spans = highlight(e.label, stems)
        results.append(
            {
                "rang": rank,
                "score": hit.score,
                "mots_trouves": hit.matched,
                "contrat": e.contrat,
                "element": data.slug(e.iri),
                "iri": e.iri,
                "classe": e.classe,
                "notation": e.notation,
                "label": e.label,
                "ligne_source": e.ligne,
                "surligne": marked,
                "positions": spans,
            }
        )
    doc = document(
        "libelles",
        {"q": q, "limit": limit},
        data,
        racines=stems,
        total=total,
        count=len(results),
        millisecondes=round((time.perf_counter() - start) * 1000, 2),
        resultats=results,
    )
    return Answer(doc, COLUMNS, results)


@router.get(
    "/search",
    response_model=models.Search,
    summary="Recherche plein texte (français) dans le texte des éléments",
    responses=TABULAR_RESPONSES,
)
def search(
    request: Request,
    data: DataDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=300,
            # At least one letter or digit; a query of stop words only is a 422 too.
            pattern=r"[0-9A-Za-z\u00c0-\u024f]",
            description="Mots cherchés, ex. « santé mentale des jeunes » : au moins une "
            "lettre ou un chiffre, et un mot qui ne soit pas un mot vide (le, la, des…).",
            examples=["santé mentale"],
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=200, description="Nombre de résultats.")] = 20,
    format: FormatParam = None,
) -> Response:
    """Elements whose text contains the words of `q`, insensitive to case and
    accents, matching plural and derived forms (Snowball French stems); stop words
    (le, la, des, pour…) are ignored. Ranked first by how many of the query's words
    the element contains, then by BM25. Each result gives its contract, text,
    source line and the text with the matched words in `<mark>` (`surligne`,
    HTML-escaped) and their character spans (`positions`). `total` counts every
    matching element.

    The corpus is `/queries/libelles.rq`, indexed once per data version. Answers
    are kept a while (a small cache of their own): `millisecondes` is the time
    the search took when it was computed.
    """
    key = ("search", q, limit)
    return respond(
        request,
        data,
        format,
        key,
        lambda: _answer(data, q, limit),
        filename="recherche",
        cache=data.searches,
    )
