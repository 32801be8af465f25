"""A malformed contract file is refused with its file and line, and breaks nothing.

Each case writes one malformed variant into a temporary copy of data/contrats, then
runs the real ``cvkg`` command (subprocesses, ``CVKG_*`` environment variables):

* ``cvkg validate FILE`` exits non-zero and prints ``<file name>:<line>`` to stderr;
* ``cvkg build`` fails the same way;
* the previous successful build in that build directory is byte-identical afterwards,
  and no temporary directory is left next to it.

The expected line is computed here from the text the test writes: the line of the
offending key, or the first line of the entry (element, key figure) that holds it.
Also: two builds give byte-identical output, and ``cvkg stats --format csv`` lists the
five contracts.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

BASE = "001_629d7a99e5f4e6ca.yaml"  # the contract most variants start from (six thématiques)
OTHER = "003_d2f761683cab1619.yaml"
MELUN = "004_a26b9f87e29f24a0.yaml"
TIMEOUT = 120


# --- helpers -------------------------------------------------------------------------------------


def file_hashes(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root`` (hidden ones included), by relative path."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def line_of(path: Path, text: str, start: int = 1) -> int:
    """1-based number of the first line at or after ``start`` that contains ``text``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if number >= start and text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def append(path: Path, block: str) -> int:
    """Append ``block`` (YAML lines) to the file; return the number of its first line."""
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    first = text.count("\n") + 1
    path.write_text(text + block, encoding="utf-8")
    return first


def element(
    eid: str,
    *extra: str,
    classe: str = "ObjectifOperationnel",
    label: str = "Renforcer la participation citoyenne.",
    ligne: int = 28,
) -> str:
    """An element block for the ``elements:`` list (by default a real label of 001 at line 28)."""
    lines = [
        f"  - id: {eid}",
        f"    classe: {classe}",
        f'    label: "{label}"',
        f"    ligne: {ligne}",
    ]
    return "\n".join(lines + [f"    {e}" for e in extra]) + "\n"


@dataclass
class Case:
    name: str
    edit: Callable[[Path], tuple[list[str], set[tuple[str, int]]]]
    """Edits the data directory; returns the files to validate and the acceptable (file, line)."""
    known_bug: str | None = None
    notes: list[str] = field(default_factory=list)


def _missing_parent(data: Path) -> tuple[list[str], set[tuple[str, int]]]:
    start = append(data / BASE, element("orphelin", "parent: n-existe-pas"))
    return [BASE], {(BASE, start), (BASE, start + 4)}


def _unknown_class(data: Path) -> tuple[list[str], set[tuple[str, int]]]:
    start = append(data / BASE, element("classe-inconnue", classe="ObjectifTactique"))
    return [BASE], {(BASE, start), (BASE, start + 1)}


def _duplicate_id(data: Path) -> tuple[list[str], set[tuple[str, int]]]:
    assert "  - id: th-1\n" in (data / BASE).read_text(encoding="utf-8")
    start = append(data / BASE, element("th-1", classe="Axe"))
    return [BASE], {(BASE, start)}


def _empty_label(data: Path) -> tuple[list[str], set[tuple[str, int]]]:
    start = append(data / BASE, element("sans-libelle", "parent: th-1", label=""))
    return [BASE], {(BASE, start), (BASE, start + 2)}


def _tab_indentation(data: Path) -> tuple[list[str], set[tuple[str, int]]]:
    path = data / BASE
    lines = path.read_text(encoding="utf-8").split("\n")
    number = line_of(path, "    ligne: 4")  # the first element's line number
    assert lines[number - 1] == "    ligne: 4"
    lines[number - 1] = "\tligne: 4"
    path.write_text("\n".join(lines), encoding="utf-8")
    return [BASE], {(BASE, number)}


def _unknown_key(data: Path) -> tuple[list[str], set[tuple[str, int]]]:
    start = append(data / BASE, element("cle-inconnue", "parent: th-1", "couleur: rouge"))
    return [BASE], {(BASE, start), (BASE, start + 5)}


def _label_not_in_source(data: Path) -> tuple[list[str], set[tuple[str, int]]]:
    start = append(
        data / BASE,
        element("invente", "parent: th-1", label="Un objectif que la source n'imprime pas"),
    )
    return [BASE], {(BASE, start + 2)}  # the `label:` line (the entry's first line before)


def _label_past_the_source(data: Path) -> tuple[list[str], set[tuple[str, int]]]:
    start = append(data / BASE, element("trop-loin", "parent: th-1", ligne=99999))
    return [BASE], {(BASE, start + 2)}


def _unclosed_quote(data: Path) -> tuple[list[str], set[tuple[str, int]]]:
    # The parser fails lines later, at the next quoted value: the open quote is named.
    path = data / BASE
    number = line_of(path, 'label: "Inscrire la Culture')
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[number - 1].endswith('"')
    lines[number - 1] = lines[number - 1][:-1]
    path.write_text("\n".join(lines), encoding="utf-8")
    return [BASE], {(BASE, number)}


def _label_at_wrong_line(data: Path) -> tuple[list[str], set[tuple[str, int]]]:
    # "4. Renforcer la participation citoyenne." is printed at line 28 of the source, not 24
    # (line 24 holds objective 2 of the same orientation, four lines above).
    start = append(data / BASE, element("mauvaise-ligne", "parent: th-1", ligne=24))
    return [BASE], {(BASE, start), (BASE, start + 2), (BASE, start + 3)}


def _description_not_in_source(data: Path) -> tuple[list[str], set[tuple[str, int]]]:
    # A description paragraph is checked at its line like a label: this one is not printed.
    start = append(
        data / BASE,
        element(
            "decrit",
            "parent: th-1",
            "description:",
            "  - ligne: 28",
            '    texte: "Un paragraphe que la source n\'imprime pas."',
        ),
    )
    return [BASE], {(BASE, start + 6), (BASE, start + 7)}


def _parent_cycle(data: Path) -> tuple[list[str], set[tuple[str, int]]]:
    a = append(data / BASE, element("cycle-a", "parent: cycle-b"))
    b = append(
        data / BASE,
        element("cycle-b", "parent: cycle-a", label="Renforcer la participation citoyenne."),
    )
    return [BASE], {(BASE, a), (BASE, a + 4), (BASE, b), (BASE, b + 4)}


def _unknown_theme(data: Path) -> tuple[list[str], set[tuple[str, int]]]:
    start = append(
        data / BASE,
        element(
            "theme-inconnu",
            "parent: th-1",
            "themes_ajoutes:",
            "  - theme: n-existe-pas",
            '    raison: "essai"',
        ),
    )
    return [BASE], {(BASE, start), (BASE, start + 5), (BASE, start + 6)}


def _same_contract_id(data: Path) -> tuple[list[str], set[tuple[str, int]]]:
    base_id = yaml.safe_load((data / BASE).read_text(encoding="utf-8"))["id"]
    other = data / OTHER
    other_id = yaml.safe_load(other.read_text(encoding="utf-8"))["id"]
    number = line_of(other, f"id: {other_id}")
    other.write_text(
        other.read_text(encoding="utf-8").replace(f"id: {other_id}\n", f"id: {base_id}\n", 1),
        encoding="utf-8",
    )
    # Either file may be blamed (the message names the other); the right line is its `id:` line.
    return [BASE, OTHER], {(OTHER, number), (BASE, line_of(data / BASE, f"id: {base_id}"))}


def _inverted_range(data: Path) -> tuple[list[str], set[tuple[str, int]]]:
    # Caught by SHACL (cdvsh:FourchetteOrdonneeShape), not by the loader: the error must
    # still be traced back to the key figure's lines.
    path = data / MELUN
    start = line_of(path, "- id: familles-monoparentales-qpv")
    lo, hi = line_of(path, "valeur_min: 29", start), line_of(path, "valeur_max: 36", start)
    assert (lo, hi) == (start + 5, start + 6)
    text = path.read_text(encoding="utf-8").split("\n")
    text[lo - 1], text[hi - 1] = "    valeur_min: 36", "    valeur_max: 29"
    path.write_text("\n".join(text), encoding="utf-8")
    return [MELUN], {(MELUN, start), (MELUN, lo), (MELUN, hi)}


def _missing_source(data: Path) -> tuple[list[str], set[tuple[str, int]]]:
    # The source a file cites is not in data/sources/: an error at its `fichier:` key,
    # never a silent skip of the label checks.
    path = data / BASE
    number = line_of(path, "fichier:")
    lines = path.read_text(encoding="utf-8").split("\n")
    assert "001_629d7a99e5f4e6ca.txt" in lines[number - 1]
    lines[number - 1] = "  fichier: 001_absent.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return [BASE], {(BASE, number)}


def _draft_flag_left(data: Path) -> tuple[list[str], set[tuple[str, int]]]:
    # An importer's « a_verifier » still there: the draft was not reviewed.
    start = append(
        data / BASE, element("a-relire", "parent: th-1", 'a_verifier: "niveau incertain"')
    )
    return [BASE], {(BASE, start + 5)}


def _deep_nesting(data: Path) -> tuple[list[str], set[tuple[str, int]]]:
    # Nested lists a few hundred levels deep exhaust pyYAML's (Python) stack: refused as
    # invalid YAML at that line, not a RecursionError's traceback.
    start = append(data / BASE, "profond: " + "[" * 3000 + "]" * 3000 + "\n")
    return [BASE], {(BASE, start)}


LINE_ONE = (
    "app/build.py load_all reports a clash of contract ids at line 1 instead of the line of "
    "the `id:` key (line 3 of both files: they open with comments)"
)
CASES = [
    Case("missing-parent", _missing_parent),
    Case("unknown-class", _unknown_class),
    Case("duplicate-element-id", _duplicate_id),
    Case("empty-label", _empty_label),
    Case("tab-indentation", _tab_indentation),
    Case("unknown-key", _unknown_key),
    Case("label-not-in-source", _label_not_in_source),
    Case("label-at-wrong-line", _label_at_wrong_line),
    Case("label-past-the-source", _label_past_the_source),
    Case("unclosed-quote", _unclosed_quote),
    Case("description-not-in-source", _description_not_in_source),
    Case("parent-cycle", _parent_cycle),
    Case("unknown-theme-override", _unknown_theme),
    Case("same-contract-id", _same_contract_id),
    Case("inverted-range-shacl", _inverted_range),
    Case("missing-source", _missing_source),
    Case("draft-flag-left", _draft_flag_left),
    Case("deep-nesting", _deep_nesting),
]


# --- running cvkg ----------------------------------------------------------------------------------


def cvkg_env_for(
    base: dict[str, str], repo_root: Path, seeds: Path, data: Path, build: Path
) -> dict[str, str]:
    return {
        **base,
        "CVKG_DATA_DIR": str(data),
        "CVKG_BUILD_DIR": str(build),
        "CVKG_SOURCES_DIR": str(seeds),
        "CVKG_ONTOLOGY_DIR": str(repo_root / "ontology"),
        "CVKG_SHAPES_DIR": str(repo_root / "shapes"),
    }


@dataclass
class Outcome:
    files: list[str]
    accepted: set[tuple[str, int]]
    validate: subprocess.CompletedProcess[str]
    build: subprocess.CompletedProcess[str]
    before: dict[str, str]
    after: dict[str, str]
    siblings_before: list[str]
    siblings_after: list[str]


@pytest.fixture(scope="module")
def golden_build(
    tmp_path_factory: pytest.TempPathFactory,
    repo_root: Path,
    seeds_dir: Path,
    cvkg_exe: str,
    cvkg_env: dict[str, str],
) -> Path:
    """A successful build of the real data by the CLI, in a separate process."""
    out = tmp_path_factory.mktemp("golden") / "build"
    env = cvkg_env_for(cvkg_env, repo_root, seeds_dir, repo_root / "data" / "contrats", out)
    # Another hash seed than the test process: set-iteration order must not leak into the output.
    env["PYTHONHASHSEED"] = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    done = subprocess.run(
        [cvkg_exe, "build", "--quiet"],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def outcomes(
    tmp_path_factory: pytest.TempPathFactory,
    repo_root: Path,
    seeds_dir: Path,
    cvkg_exe: str,
    cvkg_env: dict[str, str],
    golden_build: Path,
) -> Callable[[Case], Outcome]:
    """Run each case once (validate and build side by side), whichever test asks first."""
    cache: dict[str, Outcome] = {}

    def run(case: Case) -> Outcome:
        if case.name in cache:
            return cache[case.name]
        root = tmp_path_factory.mktemp(case.name)
        data, out = root / "contrats", root / "out" / "build"
        shutil.copytree(repo_root / "data" / "contrats", data)
        files, accepted = case.edit(data)
        shutil.copytree(golden_build, out)
        before, siblings_before = file_hashes(out), sorted(p.name for p in out.parent.iterdir())
        env = cvkg_env_for(cvkg_env, repo_root, seeds_dir, data, out)
        procs = [
            subprocess.Popen(
                [cvkg_exe, "validate", *(str(data / f) for f in files)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            ),
            subprocess.Popen(
                [cvkg_exe, "build", "--quiet"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            ),
        ]
        results = []
        for proc in procs:
            stdout, stderr = proc.communicate(timeout=TIMEOUT)
            results.append(subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr))
        cache[case.name] = Outcome(
            files,
            accepted,
            results[0],
            results[1],
            before,
            file_hashes(out),
            siblings_before,
            sorted(p.name for p in out.parent.iterdir()),
        )
        return cache[case.name]

    return run


def _reported_at(stderr: str, accepted: set[tuple[str, int]]) -> bool:
    return any(f"{name}:{line}:" in stderr for name, line in accepted)


def _line_cases() -> list[object]:
    return [
        pytest.param(c, id=c.name, marks=pytest.mark.xfail(strict=True, reason=c.known_bug))
        if c.known_bug
        else pytest.param(c, id=c.name)
        for c in CASES
    ]


# --- the tests ------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", _line_cases())
def test_validate_names_file_and_line(case: Case, outcomes: Callable[[Case], Outcome]) -> None:
    result = outcomes(case)
    assert result.validate.returncode != 0, f"cvkg validate accepted it:\n{result.validate.stdout}"
    assert _reported_at(result.validate.stderr, result.accepted), (
        f"expected one of {sorted(result.accepted)} in stderr:\n{result.validate.stderr}"
    )


@pytest.mark.parametrize("case", _line_cases())
def test_build_fails_naming_file_and_line(case: Case, outcomes: Callable[[Case], Outcome]) -> None:
    result = outcomes(case)
    assert result.build.returncode != 0, f"cvkg build accepted it:\n{result.build.stdout}"
    assert _reported_at(result.build.stderr, result.accepted), (
        f"expected one of {sorted(result.accepted)} in stderr:\n{result.build.stderr}"
    )
    # The stage that failed is named (it was an empty title for the files' own problems).
    assert "échec — \n" not in result.build.stderr, result.build.stderr


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_failed_build_keeps_previous_output(
    case: Case, outcomes: Callable[[Case], Outcome]
) -> None:
    result = outcomes(case)
    assert result.build.returncode != 0
    assert result.before, "the previous build output is empty"
    assert result.after == result.before, "the failed build changed the previous output"
    assert result.siblings_after == result.siblings_before, (
        "the failed build left files next to the output"
    )


def test_validate_alone_sees_clash_with_other_contracts(
    cvkg_exe: str, cvkg_env: dict[str, str], repo_root: Path, seeds_dir: Path, tmp_path: Path
) -> None:
    data = tmp_path / "contrats"
    shutil.copytree(repo_root / "data" / "contrats", data)
    _same_contract_id(data)
    clashing_id = yaml.safe_load((data / BASE).read_text(encoding="utf-8"))["id"]
    env = cvkg_env_for(cvkg_env, repo_root, seeds_dir, data, tmp_path / "build")
    done = subprocess.run(
        [cvkg_exe, "validate", str(data / OTHER)],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode != 0
    assert OTHER in done.stderr and clashing_id in done.stderr, done.stderr


def test_untouched_data_validates(
    cvkg_exe: str, cvkg_env: dict[str, str], repo_root: Path, seeds_dir: Path, tmp_path: Path
) -> None:
    """The control: the files the cases break validate when well formed (plus an appended element)."""
    data = tmp_path / "contrats"
    shutil.copytree(repo_root / "data" / "contrats", data)
    append(data / BASE, element("bien-forme", "parent: th-1"))
    env = cvkg_env_for(cvkg_env, repo_root, seeds_dir, data, tmp_path / "build")
    done = subprocess.run(
        [cvkg_exe, "validate", str(data / BASE), str(data / OTHER), str(data / MELUN)],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_build_is_deterministic(golden_build: Path, built_dir: Path) -> None:
    """Two builds of the same inputs (another process, another hash seed) are byte-identical."""
    golden, session = file_hashes(golden_build), file_hashes(built_dir)
    assert {"cvkg.nq", "cvkg.trig", "build-info.json"} <= set(golden)
    assert sorted(golden) == sorted(session)
    differing = [name for name in golden if golden[name] != session[name]]
    assert not differing, f"files differ between two builds: {differing}"


def test_build_records_void_sizes_and_is_stale_without_them(
    golden_build: Path, tmp_path: Path, repo_root: Path, seeds_dir: Path
) -> None:
    import json

    from app.build import is_stale
    from app.config import DEFAULT_BASE_IRI, Settings

    out = tmp_path / "build"
    shutil.copytree(golden_build, out)
    settings = Settings(
        base_iri=DEFAULT_BASE_IRI,
        data_dir=repo_root / "data" / "contrats",
        ontology_dir=repo_root / "ontology",
        shapes_dir=repo_root / "shapes",
        seeds_dir=seeds_dir,
        build_dir=out,
    )
    assert not is_stale(settings)
    info_path = out / "build-info.json"
    info = json.loads(info_path.read_text(encoding="utf-8"))
    lines = (out / "cvkg.nq").read_text(encoding="utf-8").splitlines()
    assert info["void"]["triples"] == len(lines)
    assert sum(g["triples"] for g in info["void"]["graphs"].values()) == len(lines)
    del info["void"]  # as written before the build counted them: rebuilt by cvkg serve
    info_path.write_text(json.dumps(info), encoding="utf-8")
    assert is_stale(settings)


def test_stats_csv_lists_the_five_contracts(
    golden_build: Path,
    tmp_path: Path,
    repo_root: Path,
    seeds_dir: Path,
    cvkg_exe: str,
    cvkg_env: dict[str, str],
) -> None:
    out = tmp_path / "build"
    shutil.copytree(golden_build, out)
    env = cvkg_env_for(cvkg_env, repo_root, seeds_dir, repo_root / "data" / "contrats", out)
    done = subprocess.run(
        [cvkg_exe, "stats", "--format", "csv"],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
    )
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    curated = {}
    for path in sorted((repo_root / "data" / "contrats").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        curated[doc["id"]] = len(doc["elements"])
    assert len(curated) == 5
    assert sorted(r["contrat"] for r in rows) == sorted(curated)
    assert {r["contrat"]: int(r["total"]) for r in rows} == curated
    assert file_hashes(out) == file_hashes(golden_build), "stats rebuilt an up-to-date build"


def test_a_line_past_the_source_says_how_long_the_source_is(
    outcomes: Callable[[Case], Outcome], seeds_dir: Path
) -> None:
    case = next(c for c in CASES if c.name == "label-past-the-source")
    lines = len(
        (seeds_dir / BASE.replace(".yaml", ".txt")).read_text(encoding="utf-8").splitlines()
    )
    assert f"à la ligne 99999, qui n'a que {lines} lignes" in outcomes(case).build.stderr
