"""The source texts at /sources/{file}, and every road from an element to its exact line.

Against the live seed server: the page of a source numbers and anchors every
line; the element's page, its Turtle and the API's evidence all lead to
``/sources/{file}#L{line}``, and the line found there holds the element's label.
Expected lines come from the source files themselves (data/sources/), read here.
"""

from __future__ import annotations

import hashlib
import re
import socket
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from rdflib import URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV
from web_helpers import BASE, CDV, CONTRAT, OBJECTIF, outline, turtle

SOURCE = "003_d2f761683cab1619.txt"
SITE = BASE.removesuffix("id/")


class Lines(HTMLParser):
    """The numbered lines of a source page: id → (number link, text)."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[str, list[str]] = {}
        self._line: str | None = None
        self._part = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "div" and "ligne" in (a.get("class") or "").split():
            self._line = a.get("id") or ""
            self.lines[self._line] = ["", ""]
        elif self._line and tag == "a":
            self.lines[self._line][0] = a.get("href") or ""
        elif self._line and tag == "span":
            self._part = "text"

    def handle_endtag(self, tag: str) -> None:
        if tag == "div":
            self._line, self._part = None, ""

    def handle_data(self, data: str) -> None:
        if self._line and self._part == "text":
            self.lines[self._line][1] += data


def page_lines(response: httpx.Response) -> dict[str, list[str]]:
    parser = Lines()
    parser.feed(response.text)
    return parser.lines


def test_source_page_anchors_every_line(http: httpx.Client, sources_dir: Path) -> None:
    text = (sources_dir / SOURCE).read_text(encoding="utf-8").splitlines()
    response = http.get(f"/sources/{SOURCE}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = outline(response)
    assert page.lang == "fr" and SOURCE in " ".join(h for _, h in page.headings)
    lines = page_lines(response)
    assert list(lines) == [f"L{n}" for n in range(1, len(text) + 1)]
    for n, line in enumerate(text, 1):
        href, shown = lines[f"L{n}"]
        assert href == f"#L{n}"
        assert shown == line, n


@pytest.mark.parametrize(
    ("url", "headers"),
    [
        (f"/sources/{SOURCE}?format=txt", {"Accept": "text/html"}),
        (f"/sources/{SOURCE}", {"Accept": "text/plain"}),
    ],
)
def test_source_as_plain_text_is_the_file(
    http: httpx.Client, sources_dir: Path, url: str, headers: dict[str, str]
) -> None:
    response = http.get(url, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.content == (sources_dir / SOURCE).read_bytes()


def raw_get(server_url: str, target: str) -> int:
    """Status of a GET sent byte for byte (no client normalises ``..`` or ``%2F`` away)."""
    host = urlsplit(server_url)
    with socket.create_connection((host.hostname, host.port), timeout=30) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        head = b""
        while b"\r\n" not in head:
            chunk = sock.recv(4096)
            if not chunk:
                break
            head += chunk
    return int(head.split(b" ", 2)[1])


@pytest.mark.parametrize(
    "target",
    [
        "/sources/inconnu.txt",
        "/sources/..%2Fcontrats%2F003_d2f761683cab1619.yaml",
        "/sources/..%2F..%2Fpyproject.toml",
        "/sources/%2Fetc%2Fpasswd",
        "/sources//etc/passwd",
        "/sources/../pyproject.toml",
        f"/sources/{SOURCE}%00.txt",
        "/sources/%00",
        "/sources/SHA256SUMS%2F..%2F..%2F..%2Fapp%2Fconfig.py",
        "/sources/.hidden",
        "/sources/" + "a" * 5000,  # longer than any file name: ENAMETOOLONG, not a 500
        "/sources/" + "é" * 200 + ".txt",  # 200 characters, 404 bytes
    ],
)
def test_unknown_or_outside_names_are_404(web_server, target: str) -> None:
    assert raw_get(web_server.url, target) in (400, 404), target


def test_unknown_source_page_says_so(http: httpx.Client) -> None:
    response = http.get("/sources/inconnu.txt", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "inconnu.txt" in outline(response).body_text


def _label_line(http: httpx.Client) -> tuple[str, int]:
    g = turtle(http.get(f"/id/contrat/{CONTRAT}/{OBJECTIF}", headers={"Accept": "text/turtle"}))
    element = URIRef(f"{BASE}contrat/{CONTRAT}/{OBJECTIF}")
    label = str(g.value(element, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")))
    ligne = int(g.value(element, URIRef(CDV + "ligneSource")))
    return label, ligne


def test_turtle_derives_the_element_from_its_line(http: httpx.Client, sources_dir: Path) -> None:
    label, ligne = _label_line(http)
    assert label in (sources_dir / SOURCE).read_text(encoding="utf-8").splitlines()[ligne - 1]
    element = URIRef(f"{BASE}contrat/{CONTRAT}/{OBJECTIF}")
    g = turtle(http.get(f"/id/contrat/{CONTRAT}/{OBJECTIF}", headers={"Accept": "text/turtle"}))
    line = URIRef(f"{SITE}sources/{SOURCE}#L{ligne}")
    document = URIRef(f"{BASE}source/{SOURCE.removesuffix('.txt')}")
    assert set(g.objects(element, PROV.wasDerivedFrom)) == {document, line}
    # The line itself, as the source document describes it.
    doc = turtle(
        http.get(f"/id/source/{SOURCE.removesuffix('.txt')}", headers={"Accept": "text/turtle"})
    )
    assert (document, FOAF.page, URIRef(f"{SITE}sources/{SOURCE}")) in doc
    assert (line, DCTERMS.isPartOf, document) in doc
    ask = f"ASK {{ <{line}> a <{CDV}LigneDocument> ; <{CDV}ligneSource> {ligne} }}"
    answer = http.get("/sparql", params={"query": ask}, headers={"Accept": "application/json"})
    assert answer.json()["boolean"] is True, answer.text


def test_element_page_links_to_the_line(http: httpx.Client, sources_dir: Path) -> None:
    label, ligne = _label_line(http)
    page = outline(http.get(f"/id/contrat/{CONTRAT}/{OBJECTIF}", headers={"Accept": "text/html"}))
    assert page.links_to(f"/sources/{SOURCE}#L{ligne}") == [f"ligne {ligne}"]
    target = http.get(f"/sources/{SOURCE}", headers={"Accept": "text/html"})
    assert label in page_lines(target)[f"L{ligne}"][1]


def test_api_evidence_links_to_the_line(http: httpx.Client, sources_dir: Path) -> None:
    body = http.get("/api/themes/sante-mentale").json()
    seen = 0
    for contrat in body["contrats"]:
        for e in contrat["elements"]:
            assert e["lien_source"] == f"/sources/{e['source']}#L{e['ligne_source']}", e
            path, _, anchor = e["lien_source"].partition("#")
            lines = page_lines(http.get(path, headers={"Accept": "text/html"}))
            start = int(anchor[1:])
            window = " ".join(
                lines[f"L{n}"][1] for n in range(start, start + 3) if f"L{n}" in lines
            )
            assert re.sub(r"\s+", " ", e["label"])[:20] in re.sub(r"\s+", " ", window), e
            seen += 1
    assert seen


def test_source_index_and_document_page_link_the_texts(
    http: httpx.Client, sources_dir: Path
) -> None:
    index = outline(http.get("/sources/", headers={"Accept": "text/html"}))
    texts = sorted(p.name for p in sources_dir.glob("*.txt"))
    assert [h for h, _ in index.links if h.startswith("/sources/") and h != "/sources/"] == [
        f"/sources/{t}" for t in texts
    ]
    digest = hashlib.sha256((sources_dir / SOURCE).read_bytes()).hexdigest()
    assert digest in index.body_text
    stem = SOURCE.removesuffix(".txt")
    document = outline(http.get(f"/id/source/{stem}", headers={"Accept": "text/html"}))
    assert document.links_to(f"/sources/{SOURCE}"), document.links
