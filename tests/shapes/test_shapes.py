"""Every SHACL shape of shapes/cdv-shapes.ttl against small valid and invalid examples.

Each case in ``cases/`` is a Turtle file named ``<Shape>-valid[-<what>].ttl`` or
``<Shape>-invalid-<what>.ttl``; its header lists what validation must report::

    # expect: conforms
    # expect: <focus> <shape> <path or -> <constraint component>

one ``expect`` line per validation result (a multiset: a result expected twice is
listed twice), written with the case file's own prefixes. ``<shape>`` is the named
node shape the result comes from (for a property shape, the node shape that holds
it). Validation is the build's own call (``app.validation.shacl_report``) with the
ontology as ``ont_graph``.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, SH

from app.validation import load_shapes, shacl_report

CASES_DIR = Path(__file__).parent / "cases"
CASES = sorted(CASES_DIR.glob("*.ttl"))
EXPECT = re.compile(r"^#\s*expect:\s*(.+?)\s*$")
NO_PATH = "-"

Key = tuple[str, str, str, str]


@pytest.fixture(scope="module")
def shapes(repo_root: Path) -> Graph:
    return load_shapes(repo_root / "shapes")


@pytest.fixture(scope="module")
def ontology(repo_root: Path) -> Graph:
    return Graph().parse(repo_root / "ontology" / "cdv.ttl", format="turtle")


def named_shapes(shapes: Graph) -> set[URIRef]:
    return {s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}


def enclosing_shape(shapes: Graph, node: object) -> str:
    """The named shape a (possibly nested, blank) source shape belongs to."""
    seen = set()
    while isinstance(node, BNode) and node not in seen:
        seen.add(node)
        parents = list(shapes.subjects(None, node))
        if not parents:
            break
        node = parents[0]
    return str(node)


def expected_results(case: Path, data: Graph) -> tuple[bool, Counter[Key]]:
    lines = [
        m.group(1)
        for line in case.read_text(encoding="utf-8").splitlines()
        if (m := EXPECT.match(line))
    ]
    assert lines, f"{case.name}: no '# expect:' line in the header"
    if lines == ["conforms"]:
        return True, Counter()
    expand = data.namespace_manager.expand_curie
    found: Counter[Key] = Counter()
    for line in lines:
        parts = line.split()
        assert len(parts) == 4, f"{case.name}: malformed expect line {line!r}"
        focus, shape, path, component = parts
        found[
            (
                str(expand(focus)),
                str(expand(shape)),
                NO_PATH if path == NO_PATH else str(expand(path)),
                str(expand(component)),
            )
        ] += 1
    return False, found


def actual_results(report: Graph, shapes: Graph) -> Counter[Key]:
    found: Counter[Key] = Counter()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(result, SH.resultPath)
        found[
            (
                str(report.value(result, SH.focusNode)),
                enclosing_shape(shapes, report.value(result, SH.sourceShape)),
                NO_PATH if path is None else str(path),
                str(report.value(result, SH.sourceConstraintComponent)),
            )
        ] += 1
    return found


def test_cases_exist() -> None:
    assert len(CASES) >= 32, f"only {len(CASES)} cases in {CASES_DIR}"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_case(case: Path, shapes: Graph, ontology: Graph) -> None:
    data = Graph().parse(case, format="turtle")
    expect_conforms, expected = expected_results(case, data)
    name_says_valid = re.search(r"-valid(-|\.ttl$)", case.name) is not None
    assert expect_conforms == name_says_valid, (
        f"{case.name}: the file name and its expect lines disagree"
    )

    conforms, report = shacl_report(data, shapes, ontology)

    actual = actual_results(report, shapes)
    assert actual == expected, (
        f"{case.name}\n  missing:    {sorted((expected - actual).elements())}\n"
        f"  unexpected: {sorted((actual - expected).elements())}"
    )
    assert conforms is expect_conforms


def test_every_shape_has_a_valid_and_a_failing_case(repo_root: Path) -> None:
    """Each named shape of cdv-shapes.ttl and synthese-shapes.ttl has a valid case and an invalid case in which it reports."""
    core = Graph()
    for name in ("cdv-shapes.ttl", "synthese-shapes.ttl"):
        core.parse(repo_root / "shapes" / name, format="turtle")
    names = {str(s).rsplit("#", 1)[-1]: s for s in named_shapes(core)}
    assert len(names) >= 16, sorted(names)
    missing = []
    for name, iri in sorted(names.items()):
        if not (CASES_DIR / f"{name}-valid.ttl").is_file():
            missing.append(f"{name}: no {name}-valid.ttl")
        invalid = sorted(CASES_DIR.glob(f"{name}-invalid-*.ttl"))
        fails_there = []
        for case in invalid:
            _, expected = expected_results(case, Graph().parse(case, format="turtle"))
            if any(shape == str(iri) for _, shape, _, _ in expected):
                fails_there.append(case.name)
        if not fails_there:
            missing.append(f"{name}: no {name}-invalid-*.ttl case in which {name} reports")
    assert not missing, "\n".join(missing)


def test_cases_name_existing_shapes(shapes: Graph) -> None:
    """A case file is named after a shape that exists (no orphan cases after a rename)."""
    names = {str(s).rsplit("#", 1)[-1] for s in named_shapes(shapes)}
    orphans = [c.name for c in CASES if c.name.split("-", 1)[0] not in names]
    assert not orphans, orphans


def test_every_ontology_term_is_constrained(shapes: Graph, ontology: Graph) -> None:
    """Each class and property of the ``cdv:`` ontology is named by a shape (a target,
    a path, a class to check), so that nothing the ontology allows enters
    unconstrained: a new term without its shape fails here."""
    cdv = "https://w3id.org/contrats-de-ville/onto#"
    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
    terms = {
        s
        for s, kind in ontology.subject_objects(RDF.type)
        if kind in kinds and isinstance(s, URIRef) and str(s).startswith(cdv)
    }
    assert len(terms) >= 90, len(terms)
    named = {
        o
        for p in (SH.path, SH.targetClass, SH["class"], SH.targetSubjectsOf, SH.targetObjectsOf)
        for o in shapes.objects(None, p)
    }
    assert not sorted(str(t) for t in terms - named), "terms no shape names"
