"""The source texts belong to the project: data/sources/, its manifest, and no silent skip.

The expected SHA-256 sums below were computed with ``sha256sum`` on the seeds of
../shared/seeds/ when they were copied in (not by the code under test); when
../shared is at hand the test also checks the seeds themselves against them.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from app.sources import MANIFEST, read_manifest, record_source, source_path, write_source

SEED_SHA256 = {
    "000_1096beb0e85d8ba9.txt": "28efbd546121c4c61d525899ab9ce8608b4889b8da4e17bc38b05af54a0a2cf2",
    "001_629d7a99e5f4e6ca.txt": "9dd85725923a1655a786e76c44ae31593e28b9d36052c32806a6ca67b5bd60a1",
    "002_002d73874d5f62f1.txt": "91c3a28f6e4357fc817681821f869e7dcf8081ec434500267951f5750a40c8d7",
    "003_d2f761683cab1619.txt": "a9f87249b21e68ee6e021ce9c311049d10f668a2c4f8a5e11e8816888a4ceb90",
    "004_a26b9f87e29f24a0.txt": "2e524e428d5abd4a22a7a2dbbcf4b3db0f8043fa42cd127f890b9d61e5c72d5c",
}
SHARED_SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
TIMEOUT = 120
CONTRAT = "003_d2f761683cab1619.yaml"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_seeds_are_in_the_project_byte_identical(sources_dir: Path) -> None:
    for name, digest in SEED_SHA256.items():
        assert sha256(sources_dir / name) == digest, name
        if SHARED_SEEDS.is_dir():
            assert sha256(SHARED_SEEDS / name) == digest, f"../shared/seeds/{name}"


def test_manifest_lists_every_source_with_its_sum(sources_dir: Path) -> None:
    texts = sorted(p.name for p in sources_dir.iterdir() if p.name != MANIFEST)
    listed = read_manifest(sources_dir)
    assert sorted(listed) == texts
    for name in texts:
        assert listed[name] == sha256(sources_dir / name), name
    # The sha256sum format, so that `sha256sum -c SHA256SUMS` checks it.
    done = subprocess.run(
        ["sha256sum", "--check", "--strict", MANIFEST],
        cwd=sources_dir,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_contract_cites_a_source_of_the_project(repo_root: Path, sources_dir: Path) -> None:
    import yaml

    for path in sorted((repo_root / "data" / "contrats").glob("*.yaml")):
        fichier = yaml.safe_load(path.read_text(encoding="utf-8"))["source"]["fichier"]
        assert (sources_dir / fichier).is_file(), f"{path.name}: {fichier}"


def test_a_name_no_file_system_takes_is_no_source(tmp_path: Path) -> None:
    """Linux refuses file names over 255 bytes (ENAMETOOLONG): such a name, from a URL
    or a curated file, names no source rather than raising."""
    (tmp_path / ("a" * 255)).write_text("x\n", encoding="utf-8")
    assert source_path(tmp_path, "a" * 255) == tmp_path / ("a" * 255)
    assert source_path(tmp_path, "a" * 256) is None
    assert source_path(tmp_path, "é" * 128) is None  # 128 characters, 256 bytes
    with pytest.raises(ValueError, match="nom"):
        write_source(tmp_path, "b" * 300 + ".txt", "x\n")


def test_write_source_records_it_and_never_leaves_the_folder(tmp_path: Path) -> None:
    text = "Titre\n1. Premier axe\n"
    digest = write_source(tmp_path, "005_exemple.txt", text)
    assert digest == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert (tmp_path / "005_exemple.txt").read_text(encoding="utf-8") == text
    write_source(tmp_path, "006_autre.txt", "x\n")
    lines = (tmp_path / MANIFEST).read_text(encoding="utf-8").splitlines()
    assert lines == [
        f"{digest}  005_exemple.txt",
        f"{sha256(tmp_path / '006_autre.txt')}  006_autre.txt",
    ]
    # Recording again after a change replaces the entry, keeps one line per file.
    (tmp_path / "005_exemple.txt").write_text("autre\n", encoding="utf-8")
    assert record_source(tmp_path, "005_exemple.txt") == sha256(tmp_path / "005_exemple.txt")
    assert len(read_manifest(tmp_path)) == 2
    for bad in ("../x.txt", "/etc/passwd", "a/b.txt", "x\x00.txt", ".cache", MANIFEST, ""):
        with pytest.raises(ValueError):
            write_source(tmp_path, bad, "x")
        assert source_path(tmp_path, bad) is None
    assert not list(tmp_path.glob(".*")), "a temporary file was left behind"


def _env(cvkg_env: dict[str, str], repo_root: Path, tmp: Path, **extra: str) -> dict[str, str]:
    return {
        **cvkg_env,
        "CVKG_DATA_DIR": str(tmp / "contrats"),
        "CVKG_BUILD_DIR": str(tmp / "build"),
        "CVKG_ONTOLOGY_DIR": str(repo_root / "ontology"),
        "CVKG_SHAPES_DIR": str(repo_root / "shapes"),
        **extra,
    }


def _cvkg(exe: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [exe, *args], env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


def _one_contract(repo_root: Path, tmp: Path) -> Path:
    data = tmp / "contrats"
    data.mkdir()
    shutil.copy(repo_root / "data" / "contrats" / CONTRAT, data)
    return data / CONTRAT


def _line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def test_build_and_validate_fail_when_the_sources_folder_is_missing(
    cvkg_exe: str, cvkg_env: dict[str, str], repo_root: Path, tmp_path: Path
) -> None:
    """No ../shared, no data/sources: an error naming file, line and path, never a skip."""
    contrat = _one_contract(repo_root, tmp_path)
    missing = tmp_path / "nulle-part"
    env = _env(cvkg_env, repo_root, tmp_path, CVKG_SOURCES_DIR=str(missing))
    where = f"{CONTRAT}:{_line_of(contrat, 'fichier:')}:"
    for args in (["validate", str(contrat)], ["build", "--quiet"]):
        done = _cvkg(cvkg_exe, env, *args)
        assert done.returncode != 0, f"cvkg {args[0]} accepted it"
        assert where in done.stderr, done.stderr
        assert str(missing / "003_d2f761683cab1619.txt") in done.stderr, done.stderr
    assert not (tmp_path / "build").exists()


def test_build_fails_on_a_source_changed_since_recorded(
    cvkg_exe: str, cvkg_env: dict[str, str], repo_root: Path, sources_dir: Path, tmp_path: Path
) -> None:
    _one_contract(repo_root, tmp_path)
    copy = tmp_path / "sources"
    shutil.copytree(sources_dir, copy)
    text = copy / "003_d2f761683cab1619.txt"
    text.write_text(text.read_text(encoding="utf-8") + "ajout\n", encoding="utf-8")
    done = _cvkg(cvkg_exe, _env(cvkg_env, repo_root, tmp_path, CVKG_SOURCES_DIR=str(copy)), "build")
    assert done.returncode != 0
    assert "a changé depuis son enregistrement dans SHA256SUMS" in done.stderr, done.stderr


def test_old_seeds_variable_still_names_the_sources(
    cvkg_exe: str, cvkg_env: dict[str, str], repo_root: Path, tmp_path: Path
) -> None:
    contrat = _one_contract(repo_root, tmp_path)
    env = _env(cvkg_env, repo_root, tmp_path, CVKG_SEEDS_DIR=str(tmp_path / "ailleurs"))
    done = _cvkg(cvkg_exe, env, "validate", str(contrat))
    assert done.returncode != 0 and str(tmp_path / "ailleurs") in done.stderr, done.stderr


def test_a_verifier_is_refused_unless_draft(
    cvkg_exe: str, cvkg_env: dict[str, str], repo_root: Path, tmp_path: Path
) -> None:
    contrat = _one_contract(repo_root, tmp_path)
    text = contrat.read_text(encoding="utf-8")
    first_element = text.index("\n  - id:", text.index("elements:"))
    end = text.index("\n", first_element + 1)
    flag = '\n    a_verifier: "niveau incertain : Pilier ou Axe ?"'
    contrat.write_text(text[:end] + flag + text[end:], encoding="utf-8")
    where = f"{CONTRAT}:{_line_of(contrat, 'a_verifier:')}:"
    env = _env(cvkg_env, repo_root, tmp_path)
    refused = _cvkg(cvkg_exe, env, "validate", str(contrat))
    assert refused.returncode != 0
    assert where in refused.stderr and "niveau incertain : Pilier ou Axe ?" in refused.stderr
    accepted = _cvkg(cvkg_exe, env, "validate", "--draft", str(contrat))
    assert accepted.returncode == 0, accepted.stderr
    built = _cvkg(cvkg_exe, env, "build", "--quiet")
    assert built.returncode != 0 and where in built.stderr, built.stderr


def test_import_records_its_rendering_and_the_draft_is_reviewable(
    cvkg_exe: str, cvkg_env: dict[str, str], repo_root: Path, tmp_path: Path
) -> None:
    """The curator's road: cvkg import writes the text into the sources with its sum,
    cvkg validate --draft and cvkg review read the draft against it."""
    document = tmp_path / "Contrat de ville Exemple.txt"
    document.write_text(
        "Contrat de ville 2024-2030 de la communauté Exemple\n\n"
        "Axe 1 - Emploi et insertion\n"
        "1.1 Favoriser l'accès à l'emploi des jeunes des quartiers\n"
        "1.2 Développer l'insertion par l'activité économique\n\n"
        "Axe 2 - Santé\n"
        "2.1 Renforcer l'accès aux soins de premier recours\n",
        encoding="utf-8",
    )
    sources, draft = tmp_path / "sources", tmp_path / "brouillon.yaml"
    env = _env(cvkg_env, repo_root, tmp_path, CVKG_SOURCES_DIR=str(sources))
    (tmp_path / "contrats").mkdir()
    done = _cvkg(cvkg_exe, env, "import", str(document), "-o", str(draft))
    assert done.returncode == 0, done.stderr
    rendering = sources / "Contrat de ville Exemple.txt"
    assert read_manifest(sources) == {rendering.name: sha256(rendering)}
    checked = _cvkg(cvkg_exe, env, "validate", "--draft", str(draft))
    assert checked.returncode == 0, checked.stderr
    page = tmp_path / "revue.html"
    reviewed = _cvkg(cvkg_exe, env, "review", str(draft), "--no-validate", "-o", str(page))
    assert reviewed.returncode == 0, reviewed.stderr
    html = page.read_text(encoding="utf-8")
    assert "Favoriser l&#39;accès à l&#39;emploi des jeunes des quartiers" in html
