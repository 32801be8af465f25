"""Helpers shared by the tests of this folder (plain functions and constants; fixtures
are in conftest.py). A module of its own, because ``conftest`` is not importable by
name reliably when several folders have one."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pyoxigraph as ox
from rdflib import Dataset, Graph

from app.config import DEFAULT_BASE_IRI, Settings

BASE = DEFAULT_BASE_IRI


CDV = "https://w3id.org/contrats-de-ville/onto#"


CONTRAT = "terre-rouge-d2f76168"


OBJECTIF = "oo-atelier-sante-ville"


ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def turtle(response: httpx.Response) -> Graph:
    """A Turtle answer, parsed (fails the test on a wrong status or type)."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/turtle")
    return Graph().parse(data=response.text, format="turtle")


def dataset(data: bytes, fmt: str) -> Dataset:
    ds = Dataset()
    ds.parse(data=data, format=fmt)
    return ds


class Outline(HTMLParser):
    """What a reader (or a screen reader) gets from a page: language, headings, links, landmarks."""

    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.headings: list[tuple[int, str]] = []
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.alternates: dict[str, str] = {}  # media type → href
        self.landmarks: list[str] = []  # main, nav[aria-label], header, footer
        self.text: list[str] = []
        self._heading: int | None = None
        self._link: str | None = None
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._heading, self._buffer = int(tag[1]), []
        elif tag == "a" and a.get("href"):
            self._link, self._buffer = a["href"], []
        elif tag == "link" and a.get("rel") == "alternate":
            self.alternates[a.get("type") or ""] = a.get("href") or ""
        elif tag in ("main", "header", "footer"):
            self.landmarks.append(tag)
        elif tag == "nav":
            self.landmarks.append(f"nav:{a.get('aria-label') or ''}")

    def handle_endtag(self, tag: str) -> None:
        text = " ".join("".join(self._buffer).split())
        if self._heading is not None and tag == f"h{self._heading}":
            self.headings.append((self._heading, text))
            self._heading = None
        elif tag == "a" and self._link is not None:
            self.links.append((self._link, text))
            self._link = None

    def handle_data(self, data: str) -> None:
        self._buffer.append(data)
        self.text.append(data)

    @property
    def body_text(self) -> str:
        return " ".join(" ".join(self.text).split())

    def links_to(self, fragment: str) -> list[str]:
        """Texts of the links whose href contains ``fragment``."""
        return [text for href, text in self.links if fragment in href]


def outline(response: httpx.Response) -> Outline:
    """An HTML answer, parsed (fails the test on a wrong status or type)."""
    assert response.headers["content-type"].startswith("text/html"), response.headers
    parser = Outline()
    parser.feed(response.text)
    return parser


@contextlib.contextmanager
def site_over(store: ox.Store, settings: Settings) -> Iterator[httpx.Client]:
    """The site's routers alone, served on a loopback port over an in-memory ``store``
    (the ``Sparql`` interface of ``app.web.sparql``), and a client for them."""
    from fastapi import FastAPI

    from app.server import errors
    from app.server.live import app_in_thread
    from app.web.routers import router
    from app.web.site import Site
    from app.web.sparql import MemorySparql

    app = FastAPI()
    app.add_exception_handler(errors.HTTPProblem, errors.problem_handler)
    app.state.web_site = Site(settings=settings, store_sparql=lambda _request: MemorySparql(store))
    app.include_router(router)
    with app_in_thread(app) as (url, _server), httpx.Client(base_url=url, timeout=60) as http:
        yield http
