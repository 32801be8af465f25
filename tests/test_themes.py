"""The themes thesaurus and the theme tagging of every element.

The thesaurus (ontology/themes.ttl) must be a well-formed SKOS hierarchy mapped to the
2014 piliers and 2024-2030 priorities; after a real build, links must carry their
evidence in RDF, a search for a broader theme must reach elements tagged with a
narrower one, and curator overrides (fixture tests/fixtures/themes/) must add and
remove themes — with an unknown theme failing the build at its file and line.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from app.enrichment.matching import label_keys
from app.enrichment.quality import precision_recall

REPO_ROOT = Path(__file__).resolve().parents[1]
THEMES_TTL = REPO_ROOT / "ontology" / "themes.ttl"
FIXTURE = REPO_ROOT / "tests" / "fixtures" / "themes" / "001_overrides.yaml"
ID = "https://w3id.org/contrats-de-ville/id/"
SCHEME = URIRef(ID + "themes")
PILIERS = URIRef(ID + "piliers-2014")
PRIORITES = URIRef(ID + "priorites-2030")
PREFIXES = """
PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX theme: <https://w3id.org/contrats-de-ville/id/theme/>
"""
MENTAL_HEALTH_OBJECTIVE = ID + "contrat/six-thematiques-629d7a99/oo-3-4"


@pytest.fixture(scope="module")
def thesaurus() -> Graph:
    return Graph().parse(THEMES_TTL, format="turtle")


@pytest.fixture(scope="module")
def concepts(thesaurus: Graph) -> set[URIRef]:
    return {c for c in thesaurus.subjects(SKOS.inScheme, SCHEME) if isinstance(c, URIRef)}


def _store(dump: Path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    return store


def _select(store: ox.Store, query: str) -> list[dict[str, str]]:
    rows = store.query(PREFIXES + query, use_default_graph_as_union=True)
    names = [v.value for v in rows.variables]  # type: ignore[union-attr]
    return [{n: row[n].value for n in names if row[n] is not None} for row in rows]  # type: ignore[union-attr]


# --- The thesaurus ---------------------------------------------------------------


def test_thesaurus_size_and_typing(thesaurus: Graph, concepts: set[URIRef]) -> None:
    assert (SCHEME, RDF.type, SKOS.ConceptScheme) in thesaurus
    assert 40 <= len(concepts) <= 70
    for c in concepts:
        assert (c, RDF.type, SKOS.Concept) in thesaurus, c
        assert str(c).startswith(ID + "theme/"), c


@pytest.mark.parametrize("scheme", [SCHEME, PILIERS, PRIORITES])
def test_labels_and_definitions_fr_en(thesaurus: Graph, scheme: URIRef) -> None:
    members = set(thesaurus.subjects(SKOS.inScheme, scheme))
    assert members
    for c in members:
        for prop in (SKOS.prefLabel, SKOS.definition):
            langs = sorted(o.language for o in thesaurus.objects(c, prop))  # type: ignore[union-attr]
            assert langs == ["en", "fr"], f"{c} {prop}: {langs}"


def test_mapping_targets(thesaurus: Graph) -> None:
    piliers = set(thesaurus.subjects(SKOS.inScheme, PILIERS))
    priorites = set(thesaurus.subjects(SKOS.inScheme, PRIORITES))
    assert {str(p).rsplit("/", 1)[1] for p in piliers} == {
        "cohesion-sociale",
        "cadre-de-vie-renouvellement-urbain",
        "developpement-economique-emploi",
    }
    assert {str(p).rsplit("/", 1)[1] for p in priorites} == {
        "emancipation-education",
        "plein-emploi",
        "transition-ecologique",
        "tranquillite-securite",
    }


def test_hierarchy(thesaurus: Graph, concepts: set[URIRef]) -> None:
    tops = set(thesaurus.objects(SCHEME, SKOS.hasTopConcept))
    assert tops == set(thesaurus.subjects(SKOS.topConceptOf, SCHEME))
    assert tops == {c for c in concepts if (c, SKOS.broader, None) not in thesaurus}
    for c in concepts:
        for b in thesaurus.objects(c, SKOS.broader):
            assert b in concepts and (b, SKOS.narrower, c) in thesaurus, (c, b)
        for n in thesaurus.objects(c, SKOS.narrower):
            assert (n, SKOS.broader, c) in thesaurus, (c, n)
        seen, node, depth = {c}, c, 1
        while (parent := thesaurus.value(node, SKOS.broader)) is not None:
            assert parent not in seen, f"cycle through {c}"
            seen.add(parent)
            node, depth = parent, depth + 1
        assert depth <= 3, c
    assert all(len(list(thesaurus.objects(c, SKOS.broader))) <= 1 for c in concepts)


def test_every_top_theme_is_mapped(thesaurus: Graph) -> None:
    targets = set(thesaurus.subjects(SKOS.inScheme, PILIERS)) | set(
        thesaurus.subjects(SKOS.inScheme, PRIORITES)
    )
    for top in thesaurus.objects(SCHEME, SKOS.hasTopConcept):
        mapped = set(thesaurus.objects(top, SKOS.closeMatch)) | set(
            thesaurus.objects(top, SKOS.broadMatch)
        )
        assert mapped and mapped <= targets, top


def test_labels_are_usable_rules(thesaurus: Graph, concepts: set[URIRef]) -> None:
    for c in concepts:
        seen: dict[tuple, str] = {}
        for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
            for label in thesaurus.objects(c, prop):
                assert isinstance(label, Literal) and label.language in ("fr", "en"), (c, label)
                if label.language != "fr":
                    continue
                keys = label_keys(str(label))
                assert keys, f"{c}: « {label} » is only stop words"
                assert keys not in seen, f"{c}: « {label} » repeats « {seen[keys]} »"
                seen[keys] = str(label)
        assert (
            len(list(thesaurus.objects(c, SKOS.altLabel)))
            + len(list(thesaurus.objects(c, SKOS.hiddenLabel)))
            >= 1
        ), c


# --- Tagging in the real build ---------------------------------------------------


def test_mental_health_objective_with_evidence(built_dump: Path) -> None:
    rows = _select(
        _store(built_dump),
        f"""
        SELECT ?words ?label ?method WHERE {{
          <{MENTAL_HEALTH_OBJECTIVE}> cdv:theme theme:sante-mentale .
          ?et a cdv:Etiquetage ; cdv:element <{MENTAL_HEALTH_OBJECTIVE}> ;
              cdv:concept theme:sante-mentale ; cdv:motsReconnus ?words ;
              cdv:libelleReconnu ?label ; cdv:methode ?method .
        }}""",
    )
    assert {r["words"] for r in rows} == {"santé mentale"}
    assert {r["method"] for r in rows} == {"règle"}


def test_broader_search_reaches_narrower_theme(built_dump: Path) -> None:
    rows = _select(
        _store(built_dump),
        """
        SELECT DISTINCT ?e WHERE {
          ?sante skos:prefLabel "Santé"@fr .
          ?e cdv:theme/skos:broader* ?sante .
        }""",
    )
    elements = {r["e"] for r in rows}
    assert MENTAL_HEALTH_OBJECTIVE in elements
    assert len(elements) > 20


def test_every_tagging_has_one_method_and_evidence(built_dump: Path) -> None:
    rows = _select(
        _store(built_dump),
        """
        SELECT ?et (COUNT(DISTINCT ?m) AS ?n) (SAMPLE(?m) AS ?method) (COUNT(?w) AS ?words)
        WHERE { ?et a cdv:Etiquetage ; cdv:concept ?t ; cdv:methode ?m .
                ?t skos:inScheme <https://w3id.org/contrats-de-ville/id/themes> .
                OPTIONAL { ?et cdv:motsReconnus ?w } }
        GROUP BY ?et""",
    )
    assert rows
    for r in rows:
        assert r["n"] == "1", r
        if r["method"] == "règle":
            assert int(r["words"]) >= 1, r


def test_coverage(built_dump: Path) -> None:
    rows = _select(
        _store(built_dump),
        """
        SELECT ?c (COUNT(DISTINCT ?e) AS ?n) (COUNT(DISTINCT ?tagged) AS ?t) WHERE {
          ?e cdv:contrat ?c .
          OPTIONAL { ?e cdv:theme ?x . BIND (?e AS ?tagged) }
        } GROUP BY ?c""",
    )
    assert len(rows) == 5
    total = sum(int(r["n"]) for r in rows)
    tagged = sum(int(r["t"]) for r in rows)
    assert tagged / total >= 0.9, rows
    for r in rows:
        assert int(r["t"]) / int(r["n"]) >= 0.8, r


# --- Curator overrides -----------------------------------------------------------


def _settings(data_dir: Path, out: Path, seeds_dir: Path):  # noqa: ANN202
    from app.config import DEFAULT_BASE_IRI, Settings

    return Settings(
        base_iri=DEFAULT_BASE_IRI,
        data_dir=data_dir,
        ontology_dir=REPO_ROOT / "ontology",
        shapes_dir=REPO_ROOT / "shapes",
        seeds_dir=seeds_dir,
        build_dir=out,
    )


def _build_fixture(tmp_path: Path, seeds_dir: Path, text: str) -> ox.Store:
    from app.build import build

    data = tmp_path / "contrats"
    data.mkdir()
    (data / FIXTURE.name).write_text(text, encoding="utf-8")
    settings = _settings(data, tmp_path / "build", seeds_dir)
    build(settings, progress=False)
    return _store(settings.build_dir / "cvkg.nq")


def _fixture_themes(store: ox.Store, eid: str) -> set[str]:
    rows = _select(store, f"SELECT ?t WHERE {{ <{FIXTURE_BASE}{eid}> cdv:theme ?t }}")
    return {r["t"].rsplit("/", 1)[1] for r in rows}


FIXTURE_BASE = ID + "contrat/fixture-themes-629d7a99/"


def _without_removal(text: str) -> str:
    start = text.index("    themes_retires:")
    end = text.index("  - id: oo-3-4")
    return text[:start] + text[end:]


def test_override_adds_theme(tmp_path: Path, seeds_dir: Path) -> None:
    store = _build_fixture(tmp_path, seeds_dir, _without_removal(FIXTURE.read_text("utf-8")))
    assert _fixture_themes(store, "oo-3-4") == {"sante-mentale", "prevention-sante"}
    added = _select(
        store,
        f"""
        SELECT ?et ?m ?raison WHERE {{ ?et cdv:element <{FIXTURE_BASE}oo-3-4> ;
            cdv:concept theme:prevention-sante ; cdv:methode ?m ; cdv:raison ?raison }}""",
    )
    assert [(r["et"], r["m"], r["raison"]) for r in added] == [
        (
            FIXTURE_BASE + "oo-3-4/theme/prevention-sante",
            "curateur",
            "L'objectif vise aussi la prévention (« Prévenir »).",
        )
    ]
    # Added by the curator and found by the rules: one tagging, still the curator's.
    both = _select(
        store,
        f"""
        SELECT ?m WHERE {{ <{FIXTURE_BASE}oo-3-4/theme/sante-mentale> cdv:methode ?m }}""",
    )
    assert both == [{"m": "curateur"}]


def test_override_removes_theme(tmp_path: Path, seeds_dir: Path) -> None:
    store = _build_fixture(tmp_path, seeds_dir, FIXTURE.read_text("utf-8"))
    themes = _fixture_themes(store, "oo-3-3")
    assert "acces-soins" not in themes and "prevention-sante" in themes
    removed = _select(
        store,
        f"""
        SELECT ?raison WHERE {{ ?et cdv:element <{FIXTURE_BASE}oo-3-3> ;
            cdv:etiquetageRetire theme:acces-soins ; cdv:methode "curateur" ;
            cdv:raison ?raison }}""",
    )
    assert removed == [{"raison": "Retrait de démonstration pour les tests."}]


def test_unknown_theme_fails_with_file_and_line(tmp_path: Path, seeds_dir: Path) -> None:
    from app.build import BuildError, build

    data = tmp_path / "contrats"
    data.mkdir()
    path = data / FIXTURE.name
    text = FIXTURE.read_text(encoding="utf-8").replace(
        "theme: prevention-sante", "theme: sante-lunaire"
    )
    path.write_text(text, encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "sante-lunaire" in t)
    with pytest.raises(BuildError) as exc:
        build(_settings(data, tmp_path / "build", seeds_dir), progress=False)
    assert f"{path}:{line}: " in str(exc.value)
    assert "sante-lunaire" in str(exc.value)


# --- Scoring -----------------------------------------------------------------------


def test_precision_recall_is_exact_and_micro_averaged() -> None:
    gold = {"c/a": {"sante-mentale"}, "c/b": {"emploi", "sport"}, "c/d": set()}
    predicted = {
        ID + "contrat/c/a": {ID + "theme/sante"},
        "c/b": {"emploi"},
        "c/d": {"sport"},
        "c/unscored": {"culture"},
    }
    r = precision_recall(predicted, gold)
    assert r["themes"]["sante"]["fp"] == 1 and r["themes"]["sante-mentale"]["fn"] == 1
    assert r["themes"]["sport"] == {"tp": 0, "fp": 1, "fn": 1, "precision": 0.0, "recall": 0.0}
    assert "culture" not in r["themes"]
    assert r["overall"]["tp"] == 1 and r["overall"]["fp"] == 2 and r["overall"]["fn"] == 2
    assert r["overall"]["precision"] == pytest.approx(1 / 3)
    assert r["overall"]["recall"] == pytest.approx(1 / 3)
