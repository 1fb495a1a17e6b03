"""GET /articles/{id}/related against the real node: a same-topic article ranks above an
unrelated one, matched in the article's language; copies of its story are listed apart and
never among the related; shared people and regions are named."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.search_corpus import region, resource
from tests.support.services import app_with_articles

DROUGHT = (
    "River levels at the port of Manaus fell to a record low as the drought returned. "
    "Towns along the Amazon ration drinking water, and barges carrying food cannot pass. "
    "Ana Beatriz Costa, who runs the water utility, said rationing would last until the rains."
)


def uid(number: int) -> str:
    """Article ids are 32 hex digits."""
    return f"{number:032x}"


def article(number: int, title: str, text: str, **extra: Any) -> dict[str, Any]:
    row = (title, text, f"2025-09-{number:02d}", "Daily Courier", ["Mark Hale"], {}, [], [], [])
    return resource(number, row) | {"id": uid(number)} | extra


def people(*names: str) -> list[dict[str, Any]]:
    return [{"name": name, "aliases": [name], "mentions": 1} for name in names]


STORY = {"id": uid(1), "first_published_at": "2025-09-01"}
ARTICLES = [
    article(
        1,
        "Amazon river towns ration water as drought returns",
        DROUGHT,
        people=people("Ana Beatriz Costa"),
        regions=[region("Brazil", True)],
        story=STORY,
    ),
    # The same story in another outlet: a copy, not a related article.
    article(
        2,
        "Amazon river towns ration water as drought returns",
        DROUGHT,
        outlet={"name": "Nord Post", "domain": "nordpost.example"},
        url="https://nordpost.example/2",
        people=people("Ana Beatriz Costa"),
        regions=[region("Brazil", True)],
        story=STORY,
    ),
    # Another story on the same topic, naming the same person and country.
    article(
        3,
        "Drought: barges stranded on the Amazon as water rationing spreads",
        "The drought on the Amazon has stranded barges near Manaus. Rationing of drinking "
        "water spread to three more river towns, Ana Beatriz Costa said.",
        people=people("Ana Beatriz Costa", "Luis Prado"),
        regions=[region("Brazil", True)],
    ),
    # A weaker match: drought, elsewhere, no shared entity.
    article(
        4,
        "Farmers in Texas count the cost of the drought",
        "The drought in Texas cost farmers their second harvest; river levels are low.",
        regions=[region("Texas", True)],
    ),
    # Unrelated.
    article(
        5,
        "Munich orchestra opens its season",
        "The orchestra opened its season with a symphony; tickets sold out in an hour.",
        regions=[region("Munich", True)],
    ),
    # German: the target, a German article on the same strike in other inflections, and an
    # unrelated German one.
    article(
        6,
        "Streik legt Münchner Trambahn lahm",
        "Die Fahrer der Trambahn streikten am Montag. Der Streik der Fahrer legte den Verkehr "
        "in München lahm; die Gewerkschaft fordert höhere Löhne für die Fahrer.",
        language="de",
        regions=[region("Munich", True)],
    ),
    article(
        7,
        "Trambahnfahrer wollen weiter streiken",
        "Nach den Streiks vom Montag drohen die Fahrer mit neuen Streiks; die Gewerkschaft "
        "verlangt mehr Lohn. Die Trambahnen standen still.",
        language="de",
        regions=[region("Bavaria", True)],
    ),
    article(
        8,
        "Neues Museum in Hamburg eröffnet",
        "Das Museum zeigt Gemälde aus drei Jahrhunderten; der Eintritt ist am Sonntag frei.",
        language="de",
    ),
]


@pytest.fixture(scope="module")
def related_app(es):
    with app_with_articles(es, "test-related", ARTICLES) as app:
        yield app


@pytest.fixture
def client(related_app) -> Iterator[FlaskClient]:
    yield related_app.test_client()


def related(client: FlaskClient, article_id: str, query: str = "") -> dict[str, Any]:
    response = client.get(f"/articles/{article_id}/related?{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def ids(body: dict[str, Any]) -> list[str]:
    return [item["id"] for item in body["items"]]


def test_a_same_topic_article_ranks_above_an_unrelated_one(client):
    found = ids(related(client, uid(1)))
    assert found[0] == uid(3)
    assert uid(4) in found
    assert found.index(uid(3)) < found.index(uid(4))
    assert uid(5) not in found


def test_copies_are_listed_apart_and_never_among_the_related(client):
    body = related(client, uid(1))
    assert uid(1) not in ids(body) and uid(2) not in ids(body)
    assert [copy["id"] for copy in body["copies"]] == [uid(2)]
    assert body["copies"][0]["outlet"]["name"] == "Nord Post"
    # From the copy's side, the same: the original is a copy, the other story is related.
    other_side = related(client, uid(2))
    assert [copy["id"] for copy in other_side["copies"]] == [uid(1)]
    assert ids(other_side)[0] == uid(3)


def test_each_result_names_the_people_and_regions_it_shares(client):
    items = {item["id"]: item for item in related(client, uid(1))["items"]}
    assert items[uid(3)]["shared"] == {
        "people": ["Ana Beatriz Costa"],
        "regions": [{"name": "Brazil", "code": "BR"}],
    }
    assert items[uid(4)]["shared"] == {"people": [], "regions": []}
    assert items[uid(3)]["score"] > items[uid(4)]["score"]


def test_related_uses_the_text_in_the_articles_language(client):
    """ "Streik", "streikten" and "Streiks" meet only through the German stemmer."""
    body = related(client, uid(6))
    assert ids(body)[0] == uid(7)
    assert uid(8) not in ids(body)
    assert body["copies"] == []


def test_size_limits_the_list(client):
    assert len(related(client, uid(1), "size=1")["items"]) == 1


def test_an_unknown_article_is_404_problem(client):
    response = client.get("/articles/0123456789abcdef0123456789abcdef/related")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("query", ["size=0", "size=51", "size=many"])
def test_bad_parameters_are_422_naming_them(client, query):
    response = client.get(f"/articles/{uid(1)}/related?{query}")
    assert response.status_code == 422
    assert "size" in response.get_json()["errors"]
