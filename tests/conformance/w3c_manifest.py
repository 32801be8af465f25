"""Reading and running the W3C SPARQL 1.1 protocol test manifests over HTTP.

The manifests (Turtle, in ``../shared/conformance/`` beside the repository)
describe each test as a sequence of HTTP requests (``ht:Request``) with the
expected response (``mf:expectedStatus``, ``mf:expectedBoolean``,
``mf:expectedFormat``, headers, an RDF body to compare as a graph, a
``Location`` to reuse). This module turns them into plain objects and plays
them against a live server, mapping the manifests' ``/sparql/`` and ``/gsp``
paths onto this server's ``/sparql`` and ``/rdf-graph-store``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import rdflib
from rdflib import RDFS, Namespace
from rdflib.collection import Collection
from rdflib.compare import isomorphic

CONFORMANCE = Path(__file__).resolve().parents[2].parent / "shared" / "conformance"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

_STATUS = {"OK": "200", "Created": "201", "NoContent": "204", "NotFound": "404"}
_RESULT_TYPES = {
    "tabular": (
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ),
    "boolean": ("application/sparql-results+json", "application/sparql-results+xml"),
    "RDF": ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"),
}
_RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}


@dataclass
class Expected:
    statuses: list[str]  # "200", "2xx"…
    boolean: bool | None = None
    format: str | None = None
    content_type: str | None = None
    body: str | None = None
    location_var: str | None = None


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    expected: Expected

    @property
    def is_write(self) -> bool:
        """An update or a Graph Store write: what only an admin may do."""
        ctype = self.headers.get("content-type", "")
        body = self.body or b""
        if self.path.startswith("/gsp"):
            return self.method in ("PUT", "POST", "DELETE")
        return (
            ctype.startswith("application/sparql-update")
            or body.startswith(b"update=")
            or "update=" in self.path
        )


@dataclass
class Test:
    iri: str
    name: str
    requests: list[Request]
    graph_data: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.iri.rsplit("#", 1)[-1]


def _text(graph: rdflib.Graph, node, prop) -> str | None:
    value = graph.value(node, prop)
    return None if value is None else str(value)


def _request(graph: rdflib.Graph, node) -> Request:
    headers = {}
    header_list = graph.value(node, HT.headers)
    if header_list is not None:
        for header in Collection(graph, header_list):
            headers[str(graph.value(header, HT.fieldName)).lower()] = str(
                graph.value(header, HT.fieldValue)
            )
    body = None
    body_node = graph.value(node, HT.body)
    if body_node is not None:
        encoding = _text(graph, body_node, CNT.characterEncoding) or "UTF-8"
        chars = _text(graph, body_node, CNT.chars) or ""
        body = chars.encode("utf-16-le" if encoding.upper() == "UTF-16" else encoding)
    resp = graph.value(node, HT.resp)
    statuses = []
    for status in graph.objects(resp, MF.expectedStatus):
        name = str(status).rsplit("#", 1)[-1]
        statuses.append(_STATUS.get(name) or name.replace("StatusCode", "").lower())
    boolean = graph.value(resp, MF.expectedBoolean)
    expected_ctype = None
    resp_headers = graph.value(resp, HT.headers)
    if resp_headers is not None:
        for header in Collection(graph, resp_headers):
            if str(graph.value(header, HT.fieldName)).lower() == "content-type":
                expected_ctype = str(graph.value(header, HT.fieldValue))
    resp_body = graph.value(resp, HT.body)
    expected = Expected(
        statuses=statuses,
        boolean=None if boolean is None else bool(boolean.toPython()),
        format=_text(graph, resp, MF.expectedFormat),
        content_type=expected_ctype,
        body=None if resp_body is None else _text(graph, resp_body, CNT.chars),
        location_var=_text(graph, resp, MF.expectedLocation),
    )
    return Request(
        method=str(graph.value(node, HT.methodName)),
        path=str(graph.value(node, HT.absolutePath)),
        headers=headers,
        body=body,
        expected=expected,
    )


def load(manifest: Path) -> list[Test]:
    """The tests of a manifest, in its order, following ``mf:include``."""
    graph = rdflib.Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())
    root = rdflib.URIRef(manifest.as_uri())
    tests: list[Test] = []
    includes = graph.value(root, MF.include)
    if includes is not None:
        for included in Collection(graph, includes):
            tests += load(manifest.parent / str(included).rsplit("/", 1)[-1])
    entries = graph.value(root, MF.entries)
    for entry in Collection(graph, entries) if entries is not None else []:
        data = []
        for item in graph.objects(entry, UT.graphData):
            file = Path(str(graph.value(item, UT.graph)).removeprefix("file://"))
            data.append((file, str(graph.value(item, RDFS.label))))
        action = graph.value(entry, MF.action)
        requests_list = graph.value(action, HT.requests) if action is not None else None
        requests = (
            [_request(graph, r) for r in Collection(graph, requests_list)]
            if (requests_list is not None)
            else []
        )
        tests.append(Test(str(entry), str(graph.value(entry, MF.name)), requests, data))
    return tests


def local_path(path: str) -> str:
    """The manifest's path on this server."""
    if path.startswith("/sparql/"):
        return "/sparql" + path[len("/sparql/") - 1 :].removeprefix("/")
    if path.startswith("/gsp"):
        return "/rdf-graph-store" + path[len("/gsp") :]
    return path


def _media(value: str) -> str:
    return value.split(";")[0].strip().lower()


def _normalised(value: str) -> str:
    return re.sub(r"\s+", "", value).lower()


def check(request: Request, response: httpx.Response, variables: dict[str, str]) -> None:
    """Assert that ``response`` is what the manifest expects for ``request``."""
    exp = request.expected
    status = str(response.status_code)
    assert any(status == s or (s.endswith("xx") and status[0] == s[0]) for s in exp.statuses), (
        f"{request.method} {request.path}: HTTP {status} (attendu {exp.statuses}) : {response.text[:300]}"
    )
    ctype = _media(response.headers.get("content-type", ""))
    if exp.format:
        assert ctype in _RESULT_TYPES[exp.format], f"{ctype} n'est pas du format {exp.format}"
        if exp.format == "RDF":
            rdflib.Graph().parse(data=response.content, format=_RDFLIB_FORMATS[ctype])
    if exp.boolean is not None:
        if ctype.endswith("json"):
            assert json.loads(response.text)["boolean"] is exp.boolean
        else:
            assert f"<boolean>{str(exp.boolean).lower()}</boolean>" in response.text
    if exp.content_type:
        assert _normalised(response.headers.get("content-type", "")) == _normalised(
            exp.content_type
        )
    if exp.body is not None:
        expected = rdflib.Graph().parse(data=exp.body, format="turtle")
        got = rdflib.Graph().parse(data=response.content, format=_RDFLIB_FORMATS[ctype])
        assert isomorphic(expected, got), response.text
    if exp.location_var:
        assert "location" in response.headers
        variables[exp.location_var] = response.headers["location"]


def send(
    client: httpx.Client,
    request: Request,
    variables: dict[str, str],
    extra_headers: dict[str, str] | None = None,
) -> httpx.Response:
    path = request.path
    body = request.body
    for name, value in variables.items():
        path = path.replace(name, value)
        if body is not None:
            body = body.replace(name.encode(), value.encode())
    headers = {**request.headers, **(extra_headers or {})}
    if body is None and request.method in ("POST", "PUT"):
        body = b""
    return client.request(request.method, local_path(path), content=body, headers=headers)
