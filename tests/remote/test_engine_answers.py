"""Answers of other SPARQL engines as they send them, read as the proxy reads them
(``app.server.remote_store``). The bytes are the engines' own, captured with
``curl -H 'Accept: application/sparql-results+json' --data-urlencode query=…``;
CI has no Virtuoso (``scripts/setup-virtuoso.sh`` installs one for the benchmark).
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from app.server.remote_store import as_boolean

# Virtuoso Open Source 7.2.5 (Debian's virtuoso-opensource-7-bin 7.2.5.1+dfsg1-0.3),
# loaded with the seed build: ASK { ?s ?p ?o } and ASK { <urn:none> ?p ?o }.
VIRTUOSO_ASK_TRUE = (
    b'\n{ "head": { "link": [], "vars": ["__ASK_RETVAL"] },\n  "results": { "distinct": false, '
    b'"ordered": true, "bindings": [\n    { "__ASK_RETVAL": { "type": "typed-literal", '
    b'"datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": "1" }} ] } }'
)
VIRTUOSO_ASK_FALSE = (
    b'\n{ "head": { "link": [], "vars": ["__ASK_RETVAL"] },\n  "results": { "distinct": false, '
    b'"ordered": true, "bindings": [ ] } }'
)
SELECT_ONE_ROW = (
    b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"1"}}]}}'
)


def parsed(body: bytes) -> object:
    return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)


@pytest.mark.parametrize(
    ("body", "truth"), [(VIRTUOSO_ASK_TRUE, True), (VIRTUOSO_ASK_FALSE, False)]
)
def test_virtuoso_ask_is_a_boolean(body: bytes, truth: bool) -> None:
    answer = as_boolean(parsed(body))
    assert isinstance(answer, ox.QueryBoolean)
    assert bool(answer) is truth
    assert answer.serialize(format=ox.QueryResultsFormat.JSON) == (
        b'{"head":{},"boolean":%s}' % (b"true" if truth else b"false")
    )


def test_a_standard_boolean_and_a_table_pass_unchanged() -> None:
    assert bool(as_boolean(parsed(b'{"head":{},"boolean":true}'))) is True
    table = as_boolean(parsed(SELECT_ONE_ROW))
    assert isinstance(table, ox.QuerySolutions)
    assert [row[0].value for row in table] == ["1"]
