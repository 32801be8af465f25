"""Quality of the automatic theme tagging against the hand-tagged sample.

``tests/themes_sample.yaml`` is an independent researcher's tagging of 191 elements
(its header gives the sampling rule and the tagging conventions). The session build
(``built_dump``, a fresh build of the real data into a temporary directory) is scored
with :func:`app.enrichment.quality.precision_recall`: strict, exact concepts,
micro-averaged. The floors are the project's target, 0.9 for both figures.

The gold file must stay in step with the data: every element it names must still
exist with the label the researcher read, and every theme must be in the thesaurus.

The general tagging rules of ``app/enrichment/theme_rules.py`` are pinned on made-up
sentences (not sampled elements) at the end.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from app.enrichment.quality import (
    element_key,
    format_table,
    load_sample,
    precision_recall,
    predicted_from_dump,
)
from app.enrichment.themes import PUBLICS_COLLECTION, theme_concepts, theme_matcher
from app.rdf.namespaces import Iris

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE = REPO_ROOT / "tests" / "themes_sample.yaml"
ONTOLOGY = REPO_ROOT / "ontology"
FLOOR_PRECISION = 0.9
FLOOR_RECALL = 0.9

LABELS_QUERY = """
PREFIX cdv: <https://w3id.org/contrats-de-ville/onto#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?e ?label WHERE { ?e cdv:contrat ?c ; skos:prefLabel ?label }
"""


@pytest.fixture(scope="module")
def gold() -> dict[str, set[str]]:
    return load_sample(SAMPLE)


@pytest.fixture(scope="module")
def scores(built_dump: Path, gold: dict[str, set[str]]) -> dict:
    return precision_recall(predicted_from_dump(built_dump), gold)


# --- The figures ---------------------------------------------------------------------


def test_overall_precision(scores: dict) -> None:
    overall = scores["overall"]
    assert overall["precision"] >= FLOOR_PRECISION, "\n" + format_table(scores)


def test_overall_recall(scores: dict) -> None:
    overall = scores["overall"]
    assert overall["recall"] >= FLOOR_RECALL, "\n" + format_table(scores)


def test_every_sampled_element_is_scored(scores: dict, gold: dict[str, set[str]]) -> None:
    # 191 sampled, minus terre-rouge's l.63 Axe merged into its pilier (issue 10).
    assert scores["elements"] == len(gold) == 190


# --- The held-out sample -------------------------------------------------------------
# ``tests/themes_sample_heldout.yaml``: 124 other elements, tagged by another reading
# under the same conventions AFTER the rules were frozen, and never used to tune them.
# Its figures are the honest estimate for unseen contracts (measured: precision 0.85,
# recall 0.90); the floors hold them, they are not the 0.9 target.
HELDOUT = REPO_ROOT / "tests" / "themes_sample_heldout.yaml"
HELDOUT_FLOOR_PRECISION = 0.84
HELDOUT_FLOOR_RECALL = 0.89


def test_heldout_sample_does_not_regress(built_dump: Path) -> None:
    heldout = load_sample(HELDOUT)
    assert not heldout.keys() & load_sample(SAMPLE).keys(), "the two samples must not overlap"
    result = precision_recall(predicted_from_dump(built_dump), heldout)
    overall = result["overall"]
    assert result["elements"] == len(heldout) >= 100
    assert overall["precision"] >= HELDOUT_FLOOR_PRECISION, "\n" + format_table(result)
    assert overall["recall"] >= HELDOUT_FLOOR_RECALL, "\n" + format_table(result)


# --- The gold file is in step with the data and the thesaurus ------------------------


@pytest.mark.parametrize("sample", [SAMPLE, HELDOUT], ids=lambda p: p.name)
def test_gold_elements_exist_with_the_label_read(built_dump: Path, sample: Path) -> None:
    store = ox.Store()
    store.bulk_load(path=str(built_dump), format=ox.RdfFormat.N_QUADS)
    labels = {
        element_key(row["e"].value): row["label"].value  # type: ignore[index]
        for row in store.query(LABELS_QUERY, use_default_graph_as_union=True)  # type: ignore[union-attr]
    }
    entries = yaml.safe_load(sample.read_text(encoding="utf-8"))["elements"]
    missing = sorted(k for k in entries if element_key(k) not in labels)
    assert not missing, f"éléments de l'échantillon absents du graphe : {missing}"
    changed = sorted(
        k
        for k, entry in entries.items()
        if "label" in entry and labels[element_key(k)] != entry["label"]
    )
    assert not changed, f"libellés modifiés depuis l'annotation (à ré-annoter) : {changed}"


@pytest.mark.parametrize("sample", [SAMPLE, HELDOUT], ids=lambda p: p.name)
def test_gold_themes_exist(sample: Path) -> None:
    gold = load_sample(sample)
    thesaurus = Graph().parse(ONTOLOGY / "themes.ttl", format="turtle")
    known = {str(c).rsplit("/", 1)[1] for c in theme_concepts(thesaurus, Iris())}
    unknown = sorted({(e, t) for e, themes in gold.items() for t in themes if t not in known})
    assert not unknown, f"thèmes de l'échantillon absents du thésaurus : {unknown}"


# --- The general rules, on made-up sentences --------------------------------------------


@pytest.fixture(scope="module")
def tag():  # noqa: ANN201
    iris = Iris()
    thesaurus = Graph().parse(ONTOLOGY / "themes.ttl", format="turtle")
    dispositifs = Graph().parse(ONTOLOGY / "dispositifs.ttl", format="turtle")
    matcher = theme_matcher(thesaurus, iris, dispositifs)

    def themes(text: str) -> set[str]:
        return {h.key.rsplit("/", 1)[1] for h in matcher.find(text)}

    return themes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A broad theme named next to a narrower one is kept ...
        ("Santé et santé mentale des habitants", {"sante", "sante-mentale"}),
        ("Cadre de vie et renouvellement urbain", {"cadre-de-vie", "renouvellement-urbain"}),
        # ... but not when its words only repeat narrower themes or complete one.
        ("Développer l'offre de culture, de sport et de loisirs", {"culture", "sport", "loisirs"}),
        ("Culture, sport et loisirs pour tous", {"culture", "sport", "loisirs"}),
        ("Financer la remise en état des logements", {"rehabilitation-logements"}),
        # Longest match: a broad word inside a narrower phrase counts once.
        ("Développer l'éducation à la santé", {"prevention-sante"}),
        # A programme named as a means, excluded, or cross-referenced is not a theme.
        ("Réduire les déchets, notamment par la GUSP", {"dechets"}),
        (
            "Végétaliser les espaces publics via le NPNRU",
            {"nature-biodiversite", "amenagement-espaces-publics"},
        ),
        ("Aménager les espaces publics hors PRU", {"amenagement-espaces-publics"}),
        ("Soutenir les porteurs de projets (cf. ESS)", set()),
        # Publics: the target counts, an example or one public among others does not.
        ("Accompagner les jeunes vers l'autonomie", {"jeunesse"}),
        ("La santé mentale, notamment chez les jeunes", {"sante-mentale"}),
        ("Informer les jeunes et les femmes sur leurs droits", set()),
        # A parenthesis listing actors gives examples of who acts, not topics.
        ("Réunir les partenaires (bailleurs, associations, entreprises)", set()),
        # An unqualified "prévention" has no theme.
        ("Renforcer la prévention auprès des habitants", set()),
    ],
)
def test_general_rules(tag, text: str, expected: set[str]) -> None:  # noqa: ANN001
    assert tag(text) == expected


def test_publics_collection_members_are_themes() -> None:
    iris = Iris()
    thesaurus = Graph().parse(ONTOLOGY / "themes.ttl", format="turtle")
    members = set(thesaurus.objects(URIRef(iris.base + PUBLICS_COLLECTION), SKOS.member))
    assert members and members <= theme_concepts(thesaurus, iris)
