"""The theme × contract matrix drawn as a heatmap a person can read (SVG or PNG).

Drawn with matplotlib's object API on an Agg canvas (``FigureCanvasAgg``; no
pyplot, hence no global backend or figure state, so two requests can draw at
once). Each row label carries an SVG id
``row-{theme id}`` and each column label ``col-{contract id}``, so a program
can find the rows of the picture without reading pixels.

The server draws in a child process (:class:`Painter`): matplotlib
(≈ 30 MB once imported) and a figure of 2 000 columns (a hundred MB while
drawn, which Python seldom gives back) would otherwise stay in the server's
memory for good. The whole matrix's pictures are drawn during the API's
warm-up (3-4 s each at 2 000 contracts, too long for a first call) and kept
for the data version; a filtered one is drawn on demand and cached.

>>> svg = render(["a"], ["Santé"], ["c1", "c2"], [[1, 0]], "svg")
>>> svg.count(b'id="row-a"'), svg.startswith(b"<?xml")
(1, True)
>>> both = Painter().draw(["a"], ["Santé"], ["c1", "c2"], [[1, 0]], ["png", "svg"])
>>> both["svg"] == svg, both["png"].startswith(b"\\x89PNG")
(True, True)
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DRAW_TIMEOUT = 300.0

MAX_LABELLED_COLUMNS = 80  # beyond, column labels would overlap: the JSON/CSV name them
MAX_ANNOTATED_CELLS = 1500  # beyond, numbers in cells are unreadable
MAX_WIDTH_IN = 40.0
MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


def render(
    row_ids: Sequence[str],
    row_labels: Sequence[str],
    columns: Sequence[str],
    counts: Sequence[Sequence[int]],
    fmt: str,
    *,
    bold: Sequence[bool] = (),
    title: str = "Éléments par thème et par contrat",
) -> bytes:
    """The heatmap as SVG or PNG bytes; one row per theme, one column per contract.

    ``bold`` marks rows to set in bold (top themes, their narrower ones follow).
    """
    import matplotlib
    from matplotlib import colormaps
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    n_rows, n_cols = len(row_ids), len(columns)
    label_width = 0.075 * max((len(label) for label in row_labels), default=10)
    width = min(MAX_WIDTH_IN, max(6.0, 1.5 + label_width + 0.32 * n_cols))
    height = max(3.0, 1.8 + 0.26 * n_rows + (1.6 if n_cols <= MAX_LABELLED_COLUMNS else 0.3))
    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    peak = max((max(row) for row in counts if row), default=0)
    cmap = colormaps["YlOrRd"]
    image = ax.imshow(
        counts if n_rows else [[0]],
        aspect="auto",
        cmap=cmap,
        vmin=0,
        vmax=max(peak, 1),
        interpolation="nearest",
    )
    ax.set_yticks(range(n_rows), labels=list(row_labels), fontsize=9)
    for i, (tick, ident) in enumerate(zip(ax.get_yticklabels(), row_ids, strict=True)):
        tick.set_gid(f"row-{ident}")
        if i < len(bold) and bold[i]:
            tick.set_fontweight("bold")
    if n_cols <= MAX_LABELLED_COLUMNS:
        ax.set_xticks(
            range(n_cols),
            labels=list(columns),
            fontsize=8,
            rotation=55,
            ha="right",
            rotation_mode="anchor",
        )
        for tick, ident in zip(ax.get_xticklabels(), columns, strict=True):
            tick.set_gid(f"col-{ident}")
    else:
        ax.set_xticks([])
        ax.set_xlabel(f"{n_cols} contrats (voir /api/matrix pour leurs identifiants)")
    if n_rows * n_cols <= MAX_ANNOTATED_CELLS:
        for i, row in enumerate(counts):
            for j, value in enumerate(row):
                if value:
                    dark = value > 0.6 * peak
                    ax.text(
                        j,
                        i,
                        str(value),
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="white" if dark else "black",
                    )
    ax.set_title(title, fontsize=11)
    bar = fig.colorbar(image, ax=ax, label="éléments", shrink=0.8 if n_rows > 6 else 1.0)
    locator = bar.ax.yaxis.get_major_locator()
    if isinstance(locator, MaxNLocator):  # the default AutoLocator is one
        locator.set_params(integer=True)
    out = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "cvkg"}):
        fig.savefig(out, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return out.getvalue()


class Painter:
    """A child process drawing heatmaps (``render``), started before it is needed.

    The child imports matplotlib as soon as it starts, then waits for the
    matrix on its standard input: the server starts it at the beginning of its
    warm-up (``app.api.warm_up``) and gives it the matrix once read, so the
    child's start-up (Python and matplotlib, 2-5 s on a loaded machine) runs
    while the server reads the store. It draws every format asked for in one
    go, and exits. Started as a script path (``runpy``), not ``-m
    app.api.heatmap``, which would import the whole API package first.
    """

    def __init__(self) -> None:
        self._child = subprocess.Popen(  # noqa: S603 (our own interpreter and file)
            [
                sys.executable,
                "-c",
                f"import runpy; runpy.run_path({str(__file__)!r}, None, '__main__')",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=PROJECT_ROOT,
        )

    def draw(
        self,
        row_ids: Sequence[str],
        row_labels: Sequence[str],
        columns: Sequence[str],
        counts: Sequence[Sequence[int]],
        fmts: Sequence[str],
        *,
        bold: Sequence[bool] = (),
    ) -> dict[str, bytes]:
        """The pictures, one per format of ``fmts``: the same bytes as :func:`render`."""
        given = {
            "row_ids": list(row_ids),
            "row_labels": list(row_labels),
            "columns": list(columns),
            "counts": [list(row) for row in counts],
            "fmts": list(fmts),
            "bold": list(bold),
        }
        try:
            out, err = self._child.communicate(json.dumps(given).encode(), timeout=DRAW_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.close()
            raise RuntimeError("carte de chaleur non dessinée : délai dépassé") from None
        if self._child.returncode != 0:
            raise RuntimeError(f"carte de chaleur non dessinée : {err.decode(errors='replace')}")
        pictures, at = {}, 0
        for fmt in fmts:
            size = int.from_bytes(out[at : at + 8], "big")
            pictures[fmt] = out[at + 8 : at + 8 + size]
            at += 8 + size
        return pictures

    def close(self) -> None:
        """Stop the child if it has not drawn (a warm-up that failed before the matrix)."""
        if self._child.poll() is None:
            self._child.kill()
            self._child.communicate()


def _main() -> None:
    with contextlib.suppress(OSError):
        os.nice(5)  # below the server, as the query workers
    import matplotlib.backends.backend_agg  # noqa: F401 (imported while the server reads)
    import matplotlib.figure  # noqa: F401

    given = json.load(sys.stdin.buffer)
    fmts = given.pop("fmts")
    for fmt in fmts:
        picture = render(**given, fmt=fmt)
        sys.stdout.buffer.write(len(picture).to_bytes(8, "big") + picture)


if __name__ == "__main__":
    _main()
