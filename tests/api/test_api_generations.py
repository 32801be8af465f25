"""/api/generations: new and dropped themes and dispositifs, unknown generations apart.

What the seeds print: 002 says 2015-2020 and 004 says 2024-2030; 000, 001 and
003 print no period (the curator inferred 2024-2030 for 000 and 2015-2020 for
003). Mental health appears in 000, 001 and 004 only.
"""

from __future__ import annotations

import httpx
from api_helpers import read_csv


def test_mental_health_is_new_in_2024_2030(client: httpx.Client) -> None:
    body = client.get("/api/generations").json()
    assert body["query"] == "/queries/generations.rq"
    mental = next(t for t in body["themes"] if t["id"] == "sante-mentale")
    assert mental["statut"] == "nouveau"
    assert (mental["contrats_2015_2020"], mental["contrats_2024_2030"]) == (0, 1)
    assert mental["contrats_generation_inconnue"] == 2  # 000 (inferred 2024-2030) and 001
    assert (mental["dont_inferee_2015_2020"], mental["dont_inferee_2024_2030"]) == (0, 1)


def test_unknown_generations_are_listed_apart_with_inferred_values_labelled(
    client: httpx.Client,
) -> None:
    body = client.get("/api/generations").json()
    assert body["contrats_par_generation"] == {"2015-2020": 1, "2024-2030": 1, "inconnue": 3}
    unknown = {c["id"]: c for c in body["contrats_generation_inconnue"]}
    assert set(unknown) == {
        "quartiers-2030-1096beb0",
        "six-thematiques-629d7a99",
        "terre-rouge-d2f76168",
    }
    assert all(c["generation"] is None for c in unknown.values())
    assert unknown["quartiers-2030-1096beb0"]["generation_inferee"] == "2024-2030"
    assert unknown["quartiers-2030-1096beb0"]["inferee"] is True
    assert unknown["terre-rouge-d2f76168"]["generation_inferee"] == "2015-2020"
    assert unknown["six-thematiques-629d7a99"]["inferee"] is False


def test_inferred_generations_never_count_as_printed(client: httpx.Client) -> None:
    body = client.get("/api/generations").json()
    for item in body["themes"] + body["dispositifs"]:
        assert item["contrats_2015_2020"] <= 1 and item["contrats_2024_2030"] <= 1
        assert (
            item["dont_inferee_2015_2020"] + item["dont_inferee_2024_2030"]
            <= item["contrats_generation_inconnue"]
        )
        expected = {
            (True, False): "abandonné",
            (False, True): "nouveau",
            (True, True): "maintenu",
            (False, False): "indéterminé",
        }
        assert item["statut"] == expected[(item["present_2015_2020"], item["present_2024_2030"])]
    assert {d["type"] for d in body["dispositifs"]} == {"dispositif"}


def test_generations_as_csv(client: httpx.Client) -> None:
    body = client.get("/api/generations").json()
    frame = read_csv(client.get("/api/generations?format=csv"))
    assert len(frame) == len(body["themes"]) + len(body["dispositifs"])
    row = frame[(frame["type"] == "theme") & (frame["id"] == "sante-mentale")].iloc[0]
    assert row["statut"] == "nouveau" and row["contrats_generation_inconnue"] == "2"
