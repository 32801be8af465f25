"""The fast YAML reading gives pyYAML's own objects, lines and errors.

``app.curation.yaml_lines.read_yaml`` turns libyaml's node tree into
dictionaries itself and leaves anything unusual to pyYAML. The reference here
is pyYAML's pure-Python safe loader with the same line-keeping mappings, the
loader whose errors curators read: on the five seeds, on synthetic contract
files, on documents using every scalar type, anchors, merge keys, explicit
tags and odd keys, and on broken files (the same error, word for word, at
the same place).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.curation import yaml_lines
from app.curation.yaml_lines import LineDict, read_yaml


def _reference(text: str) -> object:
    return yaml.load(text, Loader=yaml_lines._LineLoader)  # noqa: S506 - SafeLoader subclass


def _same(a: Any, b: Any, where: str = "") -> None:
    assert type(a) is type(b), where
    if isinstance(a, LineDict):
        assert (a.line, a.key_lines) == (b.line, b.key_lines), where
        assert list(a) == list(b), where
        for key in a:
            _same(a[key], b[key], f"{where}/{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{i}]")
    else:
        assert a == b, where


def test_the_seeds_read_as_pyyaml_reads_them(repo_root: Path) -> None:
    paths = sorted((repo_root / "data" / "contrats").glob("*.yaml"))
    assert len(paths) >= 5
    for path in paths:
        text = path.read_text(encoding="utf-8")
        _same(read_yaml(text), _reference(text), path.name)


def test_synthetic_contracts_read_as_pyyaml_reads_them(repo_root: Path, tmp_path: Path) -> None:
    sys.path.insert(0, str(repo_root / "benchmarks"))
    from generate_yaml import generate_files

    for path in generate_files(4, tmp_path):
        text = path.read_text(encoding="utf-8")
        _same(read_yaml(text), _reference(text), path.name)


_DOCUMENTS = [
    "a: 1\nb: 1.5\nc: true\nd: ~\ne: 2024-01-02\nf: 2024-01-02 10:00:00\ng: '7'\nh: 0x1F\n",
    "a: 007\nb: 1_000\nc: +5\nd: -3\ne: 0\nf: 0o17\ng: 0b101\nh: 1:30\ni: \u0661\u0662\nj: 12\n",
    "a: 12\nb: '12'\nc: \"12\"\nd: !!str 12\ne: 010\nf: 10\n",
    "a: [1, two, {x: 3}]\nb:\n  - c: d\n    e: [f]\n  - - nested\n",
    "base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n",
    "a: &s texte\nb: *s\n",
    "a: !!str 12\nb: !!int '3'\nc: !!float 1\nd: !!binary aGVsbG8=\n",
    "1: un\n2024-01-01: date\ntrue: vrai\n~: rien\n",
    "? [composite]\n: value\n",
    "= : valeur\nautre: x\n",
    "set: !!set {a, b}\nomap: !!omap [a: 1, b: 2]\n",
    "texte: |\n  ligne 1\n  ligne 2\nplie: >\n  un\n  deux\n",
    "",
    "# rien\n",
    "- a\n- b\n",
    "simple",
    "a:\nb: ''\nc: \"\"\n",
    "a: 1\n---\nb: 2\n",
    "a: 1\na: 2\n",
    "a:\n  b: 1\n  c: 2\n  b: 3\n",
    "1: x\n'1': y\n",
    "a: [1, 2\n",
    "a: b: c\n",
    "\ta: 1\n",
    "a: *nulle\n",
    "a: !inconnu x\n",
    "a: 'non fermé\n",
    "- &l [1, 2]\n- *l\n",
]


@pytest.mark.parametrize("text", _DOCUMENTS)
def test_documents_read_or_refused_as_pyyaml_does(text: str) -> None:
    try:
        expected = _reference(text)
    except Exception as exc:  # a YAMLError, or the TypeError of an unhashable key
        with pytest.raises(type(exc)) as found:
            read_yaml(text)
        assert str(found.value) == str(exc)
        assert type(found.value) is type(exc)
        return
    _same(read_yaml(text), expected)


def test_unusual_nodes_are_left_to_pyyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shortcut is taken for plain files, and refused for an alias and a merge key
    (each is then read by pyYAML's constructor: the objects compared above)."""
    taken: list[bool] = []
    tree = yaml_lines._tree

    def spy(*args: Any) -> Any:
        try:
            found = tree(*args)
        except yaml_lines._Unusual:
            taken.append(False)
            raise
        taken.append(True)
        return found

    monkeypatch.setattr(yaml_lines, "_tree", spy)
    read_yaml("a: 1\nb: [c]\n")
    assert all(taken) and taken
    for text in ("a: &s x\nb: *s\n", "b: &b {x: 1}\nc:\n  <<: *b\n", "1: x\n"):
        taken.clear()
        try:
            read_yaml(text)
        except yaml.YAMLError:
            pass  # the merge key: refused by the line-keeping mappings, as before
        assert not all(taken)
