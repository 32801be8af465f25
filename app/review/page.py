"""The review page: source text on the left, the draft's tree on the right, in one HTML file.

One rendering for ``cvkg review`` (a standalone file a curator opens from disk)
and for the admin page of ``cvkg serve``: the style sheets are inlined, there
is no script and no outside resource, so the file works anywhere, offline.
Every element links to its line (``#L128``, highlighted by ``:target``).
"""

from __future__ import annotations

from pathlib import Path

from app.config import Settings
from app.review.coverage import ROLE_NAMES, Review, review
from app.web.templating import STATIC, render

CSS = Path(__file__).with_name("review.css")


def review_html(review: Review) -> str:
    """The whole page, self-contained."""
    styles = (STATIC / "site.css").read_text(encoding="utf-8") + CSS.read_text(encoding="utf-8")
    return render(
        "review.html",
        r=review,
        styles=styles,
        role_names=ROLE_NAMES,
        classes={n: f"role-{role}" for n, role in review.roles.items()},
    )


def draft_review(draft: Path, settings: Settings, validate: bool = True) -> Review:
    """The review of a draft, with what ``cvkg validate --draft`` says of it (if ``validate``)."""
    from app.build import validate_files

    problems = validate_files([draft], settings, draft=True) if validate else None
    return review(draft, settings.sources_dir, problems)


def write_review(draft: Path, out: Path, settings: Settings, validate: bool = True) -> str:
    """Write the review page of ``draft`` to ``out``; a one-line summary."""
    if out.resolve() == draft.resolve():
        raise ValueError(f"{out} : la page de relecture écraserait le brouillon")
    r = draft_review(draft, settings, validate)
    out.write_text(review_html(r), encoding="utf-8")
    return (
        f"{len(r.nodes)} éléments, {len(r.flagged())} à vérifier, "
        f"{r.count('non-reprise')} lignes non reprises sur {len(r.lines)}"
        + (f", {len(r.problems)} problème(s)" if r.problems else "")
    )
