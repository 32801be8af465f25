"""A person's path through the site, in a real headless Chromium.

Debian's ``chromium`` (``scripts/install-browser.sh``) driven by Playwright:
no browser is downloaded. The data IRIs are under https://w3id.org/…, which
in production redirects to the server; the browser context does the same
redirect (to ``/id/…`` on the test server), so clicking an IRI in the query
results works as it will for a reader. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from web_helpers import BASE, CONTRAT

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MELUN_TITLE = "Le contrat de ville « Engagement Quartiers 2030 » de la CA Melun Val de Seine"
OBJECTIF_TEXT = "Poursuivre et renforcer la démarche d'Atelier Santé Ville (ASV)"


@pytest.fixture(scope="module")
def playwright() -> Iterator[object]:
    """One Playwright driver for the module (its sync API allows only one at a time)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium manquant : lancer scripts/install-browser.sh")
        pytest.skip("/usr/bin/chromium absent (scripts/install-browser.sh l'installe)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@contextmanager
def chromium(playwright, **options: object) -> Iterator[object]:
    """A fresh browser profile (a new --user-data-dir) for one scenario."""
    with tempfile.TemporaryDirectory(prefix="cvkg-chromium-") as profile:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            headless=True,
            args=ARGS,
            viewport={"width": 1400, "height": 900},
            locale="fr-FR",
            **options,
        )
        # Nothing leaves the machine.
        context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/]).*"), lambda route: route.abort())
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def browser_context(playwright, web_server) -> Iterator[object]:
    with chromium(playwright) as context:
        # What w3id.org does for a deployment: send the data IRIs to the server's /id/.
        # (Registered last, so it is tried before the catch-all abort.)
        context.route(
            re.compile("^" + re.escape(BASE) + ".*"),
            lambda route: route.fulfill(
                status=303,
                headers={"Location": web_server.url + "/id/" + route.request.url[len(BASE) :]},
            ),
        )
        yield context


def test_from_the_editor_to_an_objective(browser_context, web_server, artifacts: Path) -> None:
    from playwright.sync_api import expect

    page = browser_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(web_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Contrats de ville")
    page.screenshot(path=str(artifacts / "01-editeur.png"))

    # Run an example query in the editor and see its results.
    page.get_by_role("button", name=re.compile("Les contrats, avec leur génération")).click()
    page.locator(".yasqe_queryButton:visible").click()
    result = page.locator(f".yasr a[href$='/contrat/{CONTRAT}']").first
    expect(result).to_be_visible(timeout=15_000)
    expect(page.locator(".yasr:visible")).to_contain_text("5 results")
    page.get_by_label("Ellipse").uncheck()  # full IRIs, as a reader would to click one
    page.screenshot(path=str(artifacts / "02-resultats.png"))

    # Follow the contract's IRI (it opens in a new tab) to its page.
    with browser_context.expect_page() as opened:
        result.click()
    contract = opened.value
    contract.wait_for_load_state()
    assert contract.url == f"{web_server.url}/id/contrat/{CONTRAT}"
    expect(contract.locator("html")).to_have_attribute("lang", "fr")
    expect(contract.get_by_role("heading", level=1)).to_have_text(CONTRAT)
    expect(contract.get_by_role("heading", name="Arbre stratégique")).to_be_visible()
    contract.screenshot(path=str(artifacts / "03-contrat.png"))

    # Click through the tree to an objective.
    contract.get_by_role("link", name=OBJECTIF_TEXT).click()
    expect(contract.get_by_role("heading", level=1)).to_have_text(OBJECTIF_TEXT)
    crumbs = contract.get_by_role("navigation", name="Fil d'Ariane")
    expect(crumbs.get_by_role("link", name=CONTRAT)).to_be_visible()
    expect(contract.get_by_role("main")).to_contain_text("ligne 39")
    expect(contract.get_by_role("link", name="Atelier santé ville")).to_be_visible()
    contract.screenshot(path=str(artifacts / "04-objectif.png"), full_page=True)

    # And on to the theme it addresses, which lists the other contracts.
    contract.get_by_role("link", name="Santé", exact=True).first.click()
    expect(contract.get_by_role("heading", level=1)).to_have_text("Santé")
    expect(
        contract.get_by_role("heading", name="Contrats et éléments qui l'abordent")
    ).to_be_visible()
    contract.screenshot(path=str(artifacts / "05-theme.png"))
    assert not errors, errors


def test_site_pages_work_without_javascript(playwright, web_server, artifacts: Path) -> None:
    from playwright.sync_api import expect

    with chromium(playwright, java_script_enabled=False) as context:
        page = context.new_page()
        page.goto(web_server.url + "/id/")
        page.get_by_role("link", name=MELUN_TITLE).click()
        expect(page.get_by_role("heading", name="Chiffres clés")).to_be_visible()
        page.screenshot(path=str(artifacts / "06-chiffres-cles-sans-js.png"))
        page.goto(web_server.url + "/onto")
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        page.screenshot(path=str(artifacts / "07-ontologie.png"))
        page.goto(web_server.url + "/dataset")
        expect(page.get_by_role("link", name="cvkg.nq")).to_be_visible()
        page.screenshot(path=str(artifacts / "08-jeu-de-donnees.png"))
