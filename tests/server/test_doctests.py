"""The ``>>>`` examples in the server's docstrings run and stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "app.server.analysis",
    "app.server.negotiation",
    "app.server.prefixes",
    "app.server.service_description",
    "app.server.store",
    "app.server.routers.editor",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0
    assert result.attempted > 0
