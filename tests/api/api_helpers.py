"""Helpers shared by the tests of this folder (plain functions and constants; fixtures
are in conftest.py). A module of its own, because ``conftest`` is not importable by
name reliably when several folders have one."""

from __future__ import annotations

import io
import unicodedata

import httpx
import pandas as pd


def read_csv(response: httpx.Response) -> pd.DataFrame:
    """A CSV answer as a data frame (ids stay strings, empty cells stay empty)."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return pd.read_csv(io.StringIO(response.text), dtype=str, keep_default_na=False)


def fold(text: str) -> str:
    """Lower case without accents: how a reader greps for « santé mentale »."""
    decomposed = unicodedata.normalize("NFD", text.replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
