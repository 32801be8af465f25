"""The predicates each SHACL-SPARQL text reads, kept beside the shared inputs' snapshot.

A rebuild's process no longer parses the constraints' texts with rdflib (whose
first parse streamlines its whole grammar): it reads what an earlier process
found. Checked here: the answers read back are those a fresh parse gives, in
a process that never parses; a build writes them beside its snapshot and a
build that finds them unreadable parses again and writes the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from rdflib import URIRef

import app.build_contracts as stages
from app.build import build
from app.build_snapshot import read_snapshot, reads_path
from app.config import DEFAULT_BASE_IRI, Settings
from app.shacl.sparql import known_reads, remember_reads

PREFIXES = "PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#>\n"
TEXTS = {
    # Two predicates, read through a prefix and a full IRI.
    "plain": PREFIXES + "SELECT $this WHERE { $this cdv:rang ?r ; <http://example.org/p> ?x . }",
    # A variable predicate: any triple may be read.
    "variable": PREFIXES + "SELECT $this WHERE { $this ?p ?o . }",
    # A negated path: any predicate but one.
    "negated": PREFIXES + "SELECT $this WHERE { $this !cdv:rang ?o . }",
}

# In a fresh process: the answers (as sorted IRI lists, or null), parsed or read back,
# and whether rdflib's SPARQL grammar was ever used there.
SCRIPT = """
import json, sys
from app.build_snapshot import read_snapshot, write_snapshot
from app.shacl.sparql import remember_reads, used_predicates
from rdflib.plugins.sparql import parser
texts, path, mode = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
if mode == "read":
    remember_reads(read_snapshot(__import__("pathlib").Path(path), dict) or {})
found = {k: used_predicates(t) for k, t in texts.items()}
if mode == "parse":
    write_snapshot(__import__("pathlib").Path(path), {texts[k]: v for k, v in found.items()})
print(json.dumps({
    "answers": {k: None if v is None else sorted(map(str, v)) for k, v in found.items()},
    "grammar_used": parser.Query.streamlined,
}))
"""


def _run(repo_root: Path, path: Path, mode: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(TEXTS), str(path), mode],
        cwd=repo_root,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_reads_kept_by_one_process_answer_in_another_without_parsing(
    tmp_path: Path, repo_root: Path
) -> None:
    path = tmp_path / "lectures.pickle"
    parsed = _run(repo_root, path, "parse")
    assert parsed["grammar_used"] is True
    # What the texts read, as written in them (not as the code under test says).
    assert parsed["answers"] == {
        "plain": sorted(
            [
                "https://w3id.org/contrats-de-ville/onto#rang",
                "http://example.org/p",
            ]
        ),
        "variable": None,
        "negated": None,
    }
    read = _run(repo_root, path, "read")
    assert read == {"answers": parsed["answers"], "grammar_used": False}
    path.write_bytes(b"pas un pickle")  # unreadable: parsed again, same answers
    assert _run(repo_root, path, "read") == parsed


def test_entries_of_another_kind_are_not_taken() -> None:
    text = PREFIXES + "SELECT $this WHERE { $this cdv:rang 'entree-etrangere' . }"
    remember_reads({text: ["not", "a", "frozenset"], 7: frozenset()})  # type: ignore[dict-item]
    assert text not in known_reads()
    assert 7 not in known_reads()  # type: ignore[comparison-overlap]
    remember_reads({text: frozenset({URIRef("http://example.org/q")})})
    assert known_reads()[text] == frozenset({URIRef("http://example.org/q")})


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "build-info.json"
    }


def test_a_build_keeps_them_and_one_that_cannot_read_them_builds_the_same(
    tmp_path: Path, repo_root: Path, sources_dir: Path
) -> None:
    data = tmp_path / "contrats"
    shutil.copytree(repo_root / "data" / "contrats", data)

    def settings(out: str, cache: str) -> Settings:
        return Settings(
            base_iri=DEFAULT_BASE_IRI,
            data_dir=data,
            sources_dir=sources_dir,
            ontology_dir=repo_root / "ontology",
            shapes_dir=repo_root / "shapes",
            build_dir=tmp_path / out,
            cache_dir=tmp_path / cache,
            build_workers=1,
        )

    stages._SHARED.clear()
    build(settings("out", "cache"), progress=False)
    [snapshot] = (tmp_path / "cache").glob("commun-*.pickle")
    reads = reads_path(snapshot)
    assert reads.is_file()
    reads.write_bytes(b"pas un pickle")
    for entry in (tmp_path / "cache").iterdir():  # every contract built again
        if entry.is_dir() and re.fullmatch(r"[0-9a-f]{32}", entry.name):
            shutil.rmtree(entry)
    stages._SHARED.clear()
    build(settings("again", "cache"), progress=False)
    assert _hashes(tmp_path / "again") == _hashes(tmp_path / "out")
    assert isinstance(read_snapshot(reads, dict), dict)  # found again, kept again
