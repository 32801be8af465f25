"""The data version covers everything that determines the built data.

The operator's case: the tagging rules of ``app/enrichment`` changed and
``cvkg serve`` said the build was up to date. Here a copy of the package is
edited and asked, in a fresh interpreter, for its build fingerprint and
whether the build it made is stale.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ASK = (
    "import sys; from app.config import get_settings; from app.build import input_fingerprint, "
    "is_stale; s = get_settings(); print(input_fingerprint(s)); "
    "print(is_stale(s) if len(sys.argv) > 1 else '')"
)


def _fingerprint(package_root: Path, env: dict[str, str], *args: str) -> list[str]:
    run = subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", ASK, *args],
        cwd=package_root,
        env={**env, "PYTHONPATH": str(package_root)},
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout.split()


@pytest.fixture()
def copy(tmp_path: Path, repo_root: Path, seeds_dir: Path) -> tuple[Path, dict[str, str]]:
    """A copy of the package and of the source texts, with the real curated inputs."""
    root = tmp_path / "projet"
    shutil.copytree(repo_root / "app", root / "app", ignore=shutil.ignore_patterns("__pycache__"))
    sources = tmp_path / "sources"
    shutil.copytree(seeds_dir, sources)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CVKG_")}
    env.update(
        CVKG_DATA_DIR=str(repo_root / "data" / "contrats"),
        CVKG_ONTOLOGY_DIR=str(repo_root / "ontology"),
        CVKG_SHAPES_DIR=str(repo_root / "shapes"),
        CVKG_SEEDS_DIR=str(sources),
        CVKG_SOURCES_DIR=str(sources),
        CVKG_BUILD_DIR=str(tmp_path / "build"),
    )
    return root, env


def test_a_change_in_enrichment_code_is_a_new_version(copy: tuple[Path, dict[str, str]]) -> None:
    root, env = copy
    (before,) = _fingerprint(root, env)
    tagging = root / "app" / "enrichment" / "tagging.py"
    tagging.write_text(tagging.read_text(encoding="utf-8") + "\n# règle modifiée\n")
    (after,) = _fingerprint(root, env)
    assert after != before


def test_a_change_in_the_jsonld_context_is_a_new_version(
    copy: tuple[Path, dict[str, str]],
) -> None:
    """The per-contract JSON-LD is compacted with ``app/rdf/context.py``'s context and kept
    in the build cache, whose key holds this same code fingerprint: a new context must
    give a new version, and new cache keys, or old files would be served as current."""
    from app.version import code_fingerprint

    root, env = copy
    (before,) = _fingerprint(root, env)
    code_before = code_fingerprint(root / "app")
    ctx = root / "app" / "rdf" / "context.py"
    ctx.write_text(ctx.read_text(encoding="utf-8") + "\n# un terme de plus\n")
    (after,) = _fingerprint(root, env)
    assert after != before
    assert code_fingerprint(root / "app") != code_before


def test_a_change_in_a_source_text_is_a_new_version(copy: tuple[Path, dict[str, str]]) -> None:
    root, env = copy
    (before,) = _fingerprint(root, env)
    text = next(Path(env["CVKG_SOURCES_DIR"]).glob("*.txt"))
    text.write_text(text.read_text(encoding="utf-8") + "\nligne ajoutée\n", encoding="utf-8")
    (after,) = _fingerprint(root, env)
    assert after != before


def test_a_build_is_stale_after_its_code_changed(copy: tuple[Path, dict[str, str]]) -> None:
    """What ``cvkg serve`` asks before serving: fresh after a build, stale after a code change."""
    root, env = copy
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "app.cli", "build", "--quiet"],
        cwd=root,
        env={**env, "PYTHONPATH": str(root)},
        check=True,
        capture_output=True,
    )
    assert _fingerprint(root, env, "stale")[1] == "False"
    rules = root / "app" / "enrichment" / "themes.py"
    rules.write_text(rules.read_text(encoding="utf-8") + "\n# seuil changé\n")
    assert _fingerprint(root, env, "stale")[1] == "True"


def test_the_code_of_the_server_is_not_part_of_the_data(copy: tuple[Path, dict[str, str]]) -> None:
    root, env = copy
    (before,) = _fingerprint(root, env)
    page = root / "app" / "server" / "errors.py"
    page.write_text(page.read_text(encoding="utf-8") + "\n# message reformulé\n")
    assert _fingerprint(root, env) == [before]


def test_every_module_the_build_imports_is_in_its_fingerprint() -> None:
    """``app/prefixes.py`` (the prefixes of every Turtle file and of the JSON-LD
    context) was imported by the build but not hashed: renaming a prefix left every
    cached contract's files with the old one, and ``cvkg.trig`` unreadable (the header
    written anew, the cached blocks using a prefix it no longer declared)."""
    import ast

    from app.version import APP_DIR, BUILD_CODE, _files

    hashed = {p.resolve() for p in _files(APP_DIR, BUILD_CODE, "*.py")}
    missing = set()
    for path in hashed:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app"):
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names if a.name.startswith("app")]
            for name in names:
                stem = APP_DIR.parent / name.replace(".", "/")
                for module in (stem.with_suffix(".py"), stem / "__init__.py"):
                    if module.is_file() and module.resolve() not in hashed:
                        missing.add(str(module.relative_to(APP_DIR.parent)))
    assert not missing, f"imported by the build, not in app.version.BUILD_CODE: {sorted(missing)}"
