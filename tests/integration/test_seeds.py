"""The seed articles, loaded the way `make run` loads them, against their hand-written truth.

seeds/expected.json says what a careful reader finds in each seed file. The expectations are the
truth, not a snapshot of the pipeline: when extraction gets a seed wrong this test fails and
names every mismatch, so the manifest is never weakened to make it pass.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pycountry
import pytest
from elasticsearch import Elasticsearch
from flask import Flask

from api.cli import SUFFIXES, read_articles
from api.services.articles import article_id
from tests.support.services import build_app, isolated_prefix

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
MANIFEST_FILE = SEEDS / "expected.json"
MANIFEST: dict[str, dict[str, Any]] = json.loads(MANIFEST_FILE.read_text(encoding="utf-8"))[
    "expected"
]
KNOWN_KEYS = {
    "authors",
    "outlet",
    "published_at",
    "people",
    "people_exact",
    "regions",
    "absent_people",
    "absent_regions",
    "known_gap",
}


def seed_files() -> list[Path]:
    return sorted(
        path for path in SEEDS.iterdir() if path.suffix in SUFFIXES and path != MANIFEST_FILE
    )


def is_iso_code(code: str) -> bool:
    if "-" in code:
        return pycountry.subdivisions.get(code=code) is not None
    return pycountry.countries.get(alpha_2=code) is not None


@pytest.fixture(scope="module")
def seeded(es: Elasticsearch) -> Iterator[Flask]:
    """One app whose index holds the seeds, loaded once through `flask --app api ingest seeds/`."""
    with isolated_prefix(es) as prefix:
        app = build_app(prefix, log_level="WARNING")
        result = app.test_cli_runner().invoke(args=["ingest", str(SEEDS)])
        assert result.exit_code == 0, result.output
        yield app


def stored_article(app: Flask, path: Path) -> dict[str, Any]:
    (payload,) = list(read_articles(path))
    response = app.test_client().get(f"/articles/{article_id(payload)}")
    assert response.status_code == 200, f"{path.name} was not stored: {response.get_json()}"
    return response.get_json()


def mismatches(expected: dict[str, Any], article: dict[str, Any]) -> list[str]:
    """Every way the stored article differs from the truth, in words."""
    found: list[str] = []
    if article["authors"] != expected["authors"]:
        found.append(f"authors {article['authors']!r} != {expected['authors']!r}")
    outlet = (article.get("outlet") or {}).get("name")
    if outlet != expected["outlet"]:
        found.append(f"outlet {outlet!r} != {expected['outlet']!r}")
    if "published_at" in expected:
        published = (article.get("published_at") or "")[:10]
        if published != expected["published_at"]:
            found.append(f"published_at {published!r} != {expected['published_at']!r}")
    people = {person["name"] for person in article["people"]}
    if missing := sorted(set(expected["people"]) - people):
        found.append(f"people missing {missing} (found {sorted(people)})")
    if expected.get("people_exact") and (extra := sorted(people - set(expected["people"]))):
        found.append(f"people not in the article {extra}")
    if wrong := sorted(people & set(expected["absent_people"])):
        found.append(f"people wrongly found {wrong}")
    codes = {region["code"] for region in article["regions"] if region.get("code")}
    if missing := sorted(set(expected["regions"]) - codes):
        found.append(f"regions missing {missing} (found {sorted(codes)})")
    if wrong := sorted(codes & set(expected.get("absent_regions", []))):
        found.append(f"regions wrongly found {wrong}")
    return found


def test_every_seed_file_has_an_entry_and_there_are_enough_seeds():
    names = {path.name for path in seed_files()}
    assert names == set(MANIFEST)
    assert len(names - {"alaska-talks-pravda.txt"}) >= 25
    assert {Path(name).suffix for name in names} == {".txt", ".html", ".json"}


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_manifest_entry_is_well_formed(name):
    entry = MANIFEST[name]
    assert set(entry) <= KNOWN_KEYS
    assert {"authors", "outlet", "people", "regions", "absent_people"} <= set(entry)
    codes = entry["regions"] + entry.get("absent_regions", [])
    assert [code for code in codes if not is_iso_code(code)] == []
    assert not set(entry["regions"]) & set(entry.get("absent_regions", []))
    assert not set(entry["people"]) & set(entry["absent_people"])


def test_ingesting_the_seeds_again_creates_nothing(seeded):
    result = seeded.test_cli_runner().invoke(args=["ingest", str(SEEDS)])
    assert result.exit_code == 0, result.output
    assert f"{len(MANIFEST)} articles: 0 created" in result.output


def _seed_cases() -> list[Any]:
    """Every manifest entry; one with a `known_gap` is an expected failure, strictly: the day
    the gap closes the test fails until the marker comes off."""
    return [
        pytest.param(
            name,
            marks=pytest.mark.xfail(reason=entry["known_gap"], strict=True)
            if "known_gap" in entry
            else (),
        )
        for name, entry in sorted(MANIFEST.items())
    ]


@pytest.mark.parametrize("name", _seed_cases())
def test_seed_yields_its_true_metadata(seeded, name):
    article = stored_article(seeded, SEEDS / name)
    problems = mismatches(MANIFEST[name], article)
    assert problems == [], f"{name}:\n  " + "\n  ".join(problems)


LUBLIN = [
    "lublin-grain-border.json",
    "lublin-grain-border-baltic-wire.json",
    "lublin-grain-border-agri-daily.json",
]


def test_the_syndicated_copies_of_the_lublin_seed_form_one_story(seeded):
    client = seeded.test_client()
    ids = [stored_article(seeded, SEEDS / name)["id"] for name in LUBLIN]
    for key in ids:
        assert client.get(f"/articles/{key}").get_json()["story"] == {
            "id": ids[0],
            "articles": 3,
            "outlets": 3,
        }
    story = client.get(f"/stories/{ids[0]}").get_json()
    assert story["outlets"] == ["East Border News", "Baltic Wire", "Agri Daily"]
    collapsed = client.get("/articles?collapse=story&q=grain").get_json()
    assert len(set(ids) & {item["id"] for item in collapsed["items"]}) == 1
    assert collapsed["stories"] == len(collapsed["items"])


def test_the_pravda_seed_posted_with_its_url_and_without_is_one_article(client):
    seed = SEEDS / "alaska-talks-pravda.txt"
    url = "https://english.pravda.ru/world/alaska-talks/"
    body = {"url": url, "text": seed.read_text("utf-8")}
    stored = client.post("/articles?refresh=wait_for", json=body)
    assert stored.status_code == 201
    result = client.application.test_cli_runner().invoke(args=["ingest", str(seed)])
    assert "1 articles: 0 created, 1 unchanged or updated" in result.output
    found = client.get("/articles?person=putin").get_json()
    assert [item["id"] for item in found["items"]] == [stored.get_json()["id"]]


@pytest.mark.parametrize(
    ("q", "name"),
    [
        ("talk", "paris-metro-strike.txt"),  # the seed writes "talks"
        ("negotiation", "alaska-talks-pravda.txt"),  # "negotiations"
        ("Streiks", "muenchen-tram-streik.txt"),  # "Streik"
        ("négociation", "nantes-port-negociations.txt"),  # "négociations"
        ("docker salarial", "nantes-port-negociations.txt"),  # "dockers", "salariales"
        ("conducteur", "lyon-metro-greve.txt"),  # "conducteurs"
        ("trabajador", "valencia-puerto-trabajadores.txt"),  # "trabajadores"
        ("estibador huelgas", "valencia-puerto-trabajadores.txt"),  # "estibadores", "huelga"
        ("registro", "sevilla-ola-calor.txt"),  # "registros"
    ],
)
def test_a_word_in_another_inflection_finds_the_seed_in_its_language(seeded, q, name):
    wanted = stored_article(seeded, SEEDS / name)["id"]
    found = seeded.test_client().get("/articles", query_string={"q": q}).get_json()
    assert wanted in [item["id"] for item in found["items"]], q
