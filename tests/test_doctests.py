"""Every ``>>>`` example in the package's docstrings runs and stays true.

Walked module by module rather than with ``--doctest-modules``, which would also
import the test folders' ``conftest.py`` files under clashing names.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import app

MODULES = sorted(m.name for m in pkgutil.walk_packages(app.__path__, prefix="app."))


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"


def test_the_package_has_doctests() -> None:
    attempted = sum(
        doctest.testmod(importlib.import_module(name), report=False).attempted for name in MODULES
    )
    assert attempted >= 20
