"""The review of a draft, in a real headless Chromium: ``cvkg review`` and ``/admin/revue``.

The draft is made here from a curated contract (003) the way an importer's
draft differs from it: one element flagged ``a_verifier``, one element missing
(its source line becomes « non reprise »), one line declared as layout
(``lignes_ignorees``). What the page must show is computed from that YAML and
from the source text, not from the review code.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from test_web_browser import chromium, playwright  # noqa: F401 (the module's fixture)

from app.server.live import LiveServer, live_server

CONTRAT = "003_d2f761683cab1619.yaml"
SOURCE = "003_d2f761683cab1619.txt"
TOKEN = "jeton-de-test-relecture"
REASON = "niveau incertain : thématique ou objectif ?"


class Draft:
    """A draft file and the facts the review must show about it."""

    def __init__(self, repo_root: Path, sources_dir: Path, folder: Path) -> None:
        doc = yaml.safe_load((repo_root / "data" / "contrats" / CONTRAT).read_text("utf-8"))
        text = (sources_dir / SOURCE).read_text(encoding="utf-8").splitlines()
        elements = doc["elements"]
        lines = [e["ligne"] for e in elements]
        parents = {e.get("parent") for e in elements}
        # A leaf alone on its line, whose label is all of that line but its code: dropping it
        # leaves the line covered by nothing.
        self.removed = next(
            e
            for e in reversed(elements)
            if e["id"] not in parents
            and lines.count(e["ligne"]) == 1
            and text[e["ligne"] - 1].strip().endswith(e["label"])
        )
        elements.remove(self.removed)
        self.flagged = next(e for e in elements if e["id"] in parents and e.get("parent"))
        self.flagged["a_verifier"] = REASON
        # A line where no quoted text starts, nor on the line above (a label may wrap once).
        starts = {e["ligne"] for e in doc["elements"]} | {self.removed["ligne"]}
        starts |= {doc["source"].get("ligne")} | {
            t.get("ligne") for t in doc.get("territoires", [])
        }
        starts |= {c["ligne"] for c in doc.get("chiffres_cles", [])}
        self.ignored = next(
            n
            for n, line in enumerate(text, 1)
            if line.strip() and n not in starts and n - 1 not in starts and n > 1
        )
        doc["lignes_ignorees"] = [{"ligne": self.ignored, "raison": "en-tête courant"}]
        self.path = folder / "brouillon-003.yaml"
        self.path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")


@pytest.fixture
def draft(repo_root: Path, sources_dir: Path, tmp_path: Path) -> Draft:
    return Draft(repo_root, sources_dir, tmp_path)


def check_review_page(page, draft: Draft) -> None:  # noqa: ANN001 (a Playwright page)
    """What a curator must see on the review page, and the click from element to line."""
    from playwright.sync_api import expect

    expect(page.locator("#nb-a-verifier")).to_contain_text("1 à vérifier")
    flagged = page.locator(f"#e-{draft.flagged['id']}")
    expect(flagged).to_have_class("element a-verifier")
    expect(flagged.locator(":scope > .raison")).to_have_text(f"À vérifier : {REASON}")
    background = flagged.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), background

    # Clicking an element targets its line in the source pane and brings it into view.
    ligne = draft.flagged["ligne"]
    flagged.locator(":scope > .libelle a").click()
    assert page.url.endswith(f"#L{ligne}")
    assert page.evaluate("document.querySelector(':target').id") == f"L{ligne}"
    target = page.locator(f"#L{ligne}")
    expect(target).to_be_in_viewport()
    assert target.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 240, 168)"

    # The dropped element's line is marked, and listed in the summary; the layout line is not.
    dropped = page.locator(f"#L{draft.removed['ligne']}")
    expect(dropped).to_have_class("ligne role-non-reprise")
    page.locator(".non-reprises").get_by_role(
        "link", name=str(draft.removed["ligne"]), exact=True
    ).click()
    expect(dropped).to_be_in_viewport()
    expect(page.locator(f"#L{draft.ignored}")).to_have_class("ligne role-ignoree")
    assert page.locator(f"#e-{draft.removed['id']}").count() == 0


def test_cvkg_review_page_in_the_browser(
    playwright,  # noqa: F811 (fixture)
    draft: Draft,
    cvkg_exe: str,
    cvkg_env: dict[str, str],
    tmp_path: Path,
    artifacts: Path,
) -> None:
    out = tmp_path / "revue.html"
    done = subprocess.run(
        [cvkg_exe, "review", str(draft.path), "-o", str(out)],
        env=cvkg_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "1 à vérifier" in done.stdout, done.stdout
    assert "src=" not in out.read_text("utf-8") and "<link" not in out.read_text("utf-8")
    with chromium(playwright) as context:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(out.as_uri())
        page.screenshot(path=str(artifacts / "20-relecture.png"))
        check_review_page(page, draft)
        page.screenshot(path=str(artifacts / "21-relecture-ligne.png"))
        assert not errors, errors


@pytest.fixture(scope="module")
def admin_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server with an admin token and a drafts folder (over a one-triple graph: the review
    needs no data, only the source texts)."""
    tmp = tmp_path_factory.mktemp("revue-server")
    data = tmp / "un.nt"
    data.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    (tmp / "brouillons").mkdir()
    env = {
        "CVKG_ADMIN_TOKEN": TOKEN,
        "CVKG_DRAFTS_DIR": str(tmp / "brouillons"),
        "CVKG_STORE_DIR": str(tmp / "store"),
        "CVKG_QUERY_WORKERS": "1",
    }
    with live_server([data], tmp / "server.log", env=env) as server:
        yield server


def _post(server: LiveServer, draft: Path | None, **fields: str) -> httpx.Response:
    files = {"brouillon": (draft.name, draft.read_bytes(), "application/yaml")} if draft else None
    return httpx.post(f"{server.url}/admin/revue", data=fields, files=files, timeout=120)


def test_admin_review_needs_the_token(admin_server: LiveServer, draft: Draft) -> None:
    assert _post(admin_server, draft.path).status_code == 403
    assert _post(admin_server, draft.path, token="faux").status_code == 403
    ok = _post(admin_server, draft.path, token=TOKEN)
    assert ok.status_code == 200 and ok.headers["cache-control"] == "no-store"
    assert f'id="e-{draft.flagged["id"]}"' in ok.text


def test_admin_review_opens_only_drafts_of_its_folder(
    admin_server: LiveServer, draft: Draft
) -> None:
    folder = Path(admin_server.env["CVKG_DRAFTS_DIR"])
    (folder / draft.path.name).write_bytes(draft.path.read_bytes())
    named = _post(admin_server, None, token=TOKEN, nom=draft.path.name)
    assert named.status_code == 200
    assert f'class="element a-verifier" id="e-{draft.flagged["id"]}"' in named.text
    for nom in ("../un.nt", str(draft.path), "inconnu.yaml", "brouillon-003.yaml\x00"):
        assert _post(admin_server, None, token=TOKEN, nom=nom).status_code == 404, nom


def test_admin_review_is_off_without_a_token(http: httpx.Client) -> None:
    assert http.get("/admin/revue").status_code == 404
    assert http.post("/admin/revue", data={"token": ""}).status_code == 404


def test_admin_review_page_in_the_browser(
    playwright,  # noqa: F811 (fixture)
    admin_server: LiveServer,
    draft: Draft,
    artifacts: Path,
) -> None:
    with chromium(playwright) as context:
        page = context.new_page()
        page.goto(f"{admin_server.url}/admin/revue")
        page.get_by_label("Jeton d'administration").fill(TOKEN)
        page.get_by_label("Brouillon à envoyer (YAML)").set_input_files(str(draft.path))
        page.get_by_role("button", name="Afficher la relecture").click()
        page.wait_for_load_state()
        check_review_page(page, draft)
        page.screenshot(path=str(artifacts / "22-relecture-serveur.png"))


def _review(cvkg_exe: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [cvkg_exe, "review", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_cvkg_review_refuses_clearly_and_writes_nothing(
    draft: Draft, cvkg_exe: str, cvkg_env: dict[str, str], tmp_path: Path
) -> None:
    before = draft.path.read_bytes()
    over = _review(cvkg_exe, cvkg_env, str(draft.path), "-o", str(draft.path))
    assert over.returncode == 1 and "écraserait le brouillon" in over.stderr, over.stderr
    assert draft.path.read_bytes() == before
    nowhere = {**cvkg_env, "CVKG_SOURCES_DIR": str(tmp_path / "vide")}
    out = tmp_path / "revue.html"
    missing = _review(cvkg_exe, nowhere, str(draft.path), "--no-validate", "-o", str(out))
    assert missing.returncode == 1, missing.stdout
    assert SOURCE in missing.stderr and str(tmp_path / "vide") in missing.stderr, missing.stderr
    assert not out.exists()
    fast = _review(cvkg_exe, cvkg_env, str(draft.path), "--no-validate", "-o", str(out))
    assert fast.returncode == 0, fast.stderr
    assert "non faites" in out.read_text(encoding="utf-8")
