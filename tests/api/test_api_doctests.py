"""The ``>>>`` examples in the docstrings of app/api run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "app.server.cache",
    "app.api.catalog",
    "app.api.compare",
    "app.api.heatmap",
    "app.queries",
    "app.api.search_index",
    "app.api.tabular",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
