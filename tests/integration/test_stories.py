"""Exact duplicates and stories, through the API against the real node and NER server."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from api.extraction.fingerprint import fingerprint
from api.services.search_parser import encode_cursor
from tests.integration.test_concurrency import call, race
from tests.support.gunicorn import gunicorn
from tests.support.services import ES_URL, build_app, isolated_prefix
from tests.support.stories import TOPICS, copy_of, story_text


def post(client, body, expected=201):
    response = client.post("/articles?refresh=wait_for", json=body)
    assert response.status_code == expected, response.get_json()
    return response.get_json()


def story_of(client, article_id: str) -> dict:
    response = client.get(f"/articles/{article_id}")
    assert response.status_code == 200
    return response.get_json()["story"]


def test_a_text_posted_without_its_url_is_the_stored_article(client):
    text = story_text(0)
    stored = post(client, {"url": "https://a.example/harbour", "text": text})
    again = post(client, {"text": text.replace("\n", "\n\n").upper()}, expected=200)
    assert again["id"] == stored["id"]
    batch = client.post("/articles/batch?refresh=wait_for", json={"articles": [{"text": text}]})
    assert batch.get_json()["items"][0] | {"index": 0} == {
        "index": 0,
        "id": stored["id"],
        "status": 200,
    }
    assert client.get("/articles").get_json()["total"]["value"] == 1


def test_the_same_text_under_another_url_is_its_own_article_in_the_same_story(client):
    text = story_text(0)
    first = post(client, {"url": "https://a.example/1", "text": text, "published_at": "2026-03-01"})
    second = post(
        client, {"url": "https://b.example/1", "text": text, "published_at": "2026-03-02"}
    )
    assert second["id"] != first["id"]
    assert story_of(client, second["id"]) == {"id": first["id"], "articles": 2, "outlets": 0}
    assert client.get("/articles").get_json()["total"]["value"] == 2


@pytest.mark.parametrize("original_first", [True, False], ids=["copy-after", "copy-before"])
def test_a_copy_joins_the_story_of_its_original_whichever_arrives_first(client, original_first):
    original = {"url": "https://a.example/o", "text": story_text(1), "published_at": "2026-03-01"}
    copy = {
        "url": "https://b.example/c",
        "text": copy_of(story_text(1), 1),
        "published_at": "2026-03-01T09:30:00+00:00",
    }
    first, second = (original, copy) if original_first else (copy, original)
    ids = {id(first): post(client, first)["id"], id(second): post(client, second)["id"]}
    original_id, copy_id = ids[id(original)], ids[id(copy)]
    for key in (original_id, copy_id):
        assert story_of(client, key)["id"] == original_id
        assert story_of(client, key)["articles"] == 2
    # Moving an article to another story keeps it searchable by its text.
    found = client.get("/articles", query_string={"q": TOPICS[1][1]}).get_json()
    assert {item["id"] for item in found["items"]} == {original_id, copy_id}
    story = client.get(f"/stories/{original_id}").get_json()
    assert story["first"]["id"] == original_id
    assert [item["id"] for item in story["items"]] == [original_id, copy_id]


def test_unrelated_articles_about_the_same_people_and_places_stay_apart(client):
    one = post(client, {"text": story_text(2, seed=1)})
    other = post(client, {"text": story_text(2, seed=2)})
    assert story_of(client, one["id"])["id"] == one["id"]
    assert story_of(client, other["id"])["id"] == other["id"]


def test_copies_in_one_batch_form_one_story_named_after_the_earliest(client):
    articles = [
        {
            "url": f"https://outlet{n}.example/x",
            "text": copy_of(story_text(3), n),
            "published_at": f"2026-03-0{n}",
        }
        for n in (4, 2, 3, 5)
    ]
    answer = client.post("/articles/batch?refresh=wait_for", json={"articles": articles})
    ids = [item["id"] for item in answer.get_json()["items"]]
    earliest = ids[1]
    assert {story_of(client, key)["id"] for key in ids} == {earliest}


def test_deleting_the_first_article_keeps_the_story_id_for_the_others(client):
    original = post(
        client, {"url": "https://a.example/o", "text": story_text(4), "published_at": "2026-03-01"}
    )
    copies = [
        post(
            client,
            {
                "url": f"https://c{n}.example/x",
                "text": copy_of(story_text(4), n),
                "published_at": "2026-03-02",
            },
        )
        for n in (1, 2)
    ]
    assert client.delete(f"/articles/{original['id']}?refresh=wait_for").status_code == 204
    for copy in copies:
        story = story_of(client, copy["id"])
        assert (story["id"], story["articles"]) == (original["id"], 2)
    late = post(
        client,
        {
            "url": "https://c9.example/x",
            "text": copy_of(story_text(4), 9),
            "published_at": "2026-03-05",
        },
    )
    assert story_of(client, late["id"])["id"] == original["id"]
    story = client.get(f"/stories/{original['id']}").get_json()
    assert story["articles"] == 3
    assert original["id"] not in [item["id"] for item in story["items"]]


def test_an_unknown_story_is_a_404_problem(client):
    response = client.get("/stories/0123456789abcdef0123456789abcdef")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_collapse_story_walks_one_article_per_story_with_a_cursor(client):
    articles = [
        {
            "url": f"https://outlet{n}.example/{topic}",
            "outlet": f"Outlet {n}",
            "text": copy_of(story_text(topic), n),
            "published_at": f"2026-03-{10 + topic}T0{n}:00:00+00:00",
        }
        for topic in range(5)
        for n in range(3)
    ]
    assert (
        client.post("/articles/batch?refresh=wait_for", json={"articles": articles}).status_code
        == 200
    )
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        query = {"collapse": "story", "per_page": 2, "facets": "outlets"}
        if cursor:
            query = {"cursor": cursor, "per_page": 2}
        page = client.get("/articles", query_string=query).get_json()
        pages += 1
        if not cursor:
            assert page["total"]["value"] == 15
            assert page["stories"] == 5
            assert {f["value"]: (f["count"], f["stories"]) for f in page["facets"]["outlets"]} == {
                f"Outlet {n}": (5, 5) for n in range(3)
            }
        for item in page["items"]:
            assert item["story"]["articles"] == 3
            assert item["story"]["outlets"] == 3
            seen.append(item["story"]["id"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert pages == 3
    assert len(seen) == len(set(seen)) == 5


@pytest.fixture(scope="module")
def served(es):
    with (
        isolated_prefix(es, "test-stories") as prefix,
        gunicorn(ES_URL=ES_URL, ES_INDEX_PREFIX=prefix, WEB_CONCURRENCY="3") as url,
    ):
        yield url


@pytest.mark.parametrize("round_number", range(3))
def test_copies_posted_concurrently_end_in_one_story(served, round_number):
    topic = round_number % len(TOPICS)
    bodies = [
        {
            "url": f"https://race{n}.example/{round_number}",
            "text": copy_of(story_text(topic, seed=100 + round_number), n),
            "published_at": f"2026-04-0{n + 1}",
        }
        for n in range(6)
    ]
    answers = race([call("POST", f"{served}/articles", json=body) for body in bodies])
    assert [answer.status_code for answer in answers] == [201] * 6
    ids = [answer.json()["id"] for answer in answers]
    stories = {
        requests.get(f"{served}/articles/{key}", timeout=30).json()["story"]["id"] for key in ids
    }
    assert stories == {ids[0]}


def test_a_batch_that_raced_another_writer_still_joins_its_copy(make_app, monkeypatch):
    """Batches decide their stories before they write and skip the second look when no other
    writer came in between; here another writer stores the original after this batch decided
    (it could not see it) and before it wrote, so the batch must look again."""
    writer, other_writer = make_app(), make_app()
    original = {
        "url": "https://a.example/raced",
        "text": story_text(4, seed=7),
        "published_at": "2026-05-01",
    }
    copy = {
        "url": "https://b.example/raced",
        "text": copy_of(story_text(4, seed=7), 1),
        "published_at": "2026-05-02",
    }
    index = writer.extensions["article_index"]
    rewrites = index.story_rewrites  # runs after the batch's plan, before its bulk request

    def the_other_writer_first(moves):
        monkeypatch.undo()  # only once
        answer = other_writer.test_client().post("/articles/batch", json={"articles": [original]})
        assert answer.get_json()["created"] == 1
        return rewrites(moves)

    monkeypatch.setattr(index, "story_rewrites", the_other_writer_first)
    answer = writer.test_client().post(
        "/articles/batch?refresh=wait_for", json={"articles": [copy]}
    )
    copy_id = answer.get_json()["items"][0]["id"]
    client = writer.test_client()
    original_id = next(
        item["id"] for item in client.get("/articles").get_json()["items"] if item["id"] != copy_id
    )
    for key in (copy_id, original_id):
        assert (story_of(client, key)["id"], story_of(client, key)["articles"]) == (original_id, 2)


def external_refreshes(es, prefix: str) -> int:
    """Refreshes asked of the articles index (by a client or the schedule, not the node's own
    for real-time reads)."""
    stats = es.indices.stats(index=f"{prefix}articles", metric="refresh")
    return stats["_all"]["primaries"]["refresh"]["external_total"]


def post_batch(app, *articles) -> list[str]:
    answer = app.test_client().post("/articles/batch?refresh=false", json={"articles": articles})
    assert answer.get_json()["failed"] == 0, answer.get_json()
    return [item["id"] for item in answer.get_json()["items"]]


def copies(topic: int, seed: int, *days: int) -> list[dict]:
    """Copies of one text, at outlet n published on day n of May 2026."""
    return [
        {
            "url": f"https://outlet{day}.example/{seed}",
            "text": copy_of(story_text(topic, seed=seed), day),
            "published_at": f"2026-05-{day:02d}",
        }
        for day in days
    ]


def test_a_lone_writer_finds_its_unsearchable_writes_without_a_refresh(make_app, es, index_prefix):
    """No refresh per batch: a writer alone keeps its own writes for the next batch's plan.
    (The schedule is off, so nothing written here is searchable until someone refreshes.)"""
    writer = make_app(es_refresh_interval="-1")
    client = writer.test_client()
    first = post_batch(writer, *copies(0, 31, 2))
    before = external_refreshes(es, index_prefix)
    later = post_batch(writer, *copies(0, 31, 3, 4))
    assert {story_of(client, key)["id"] for key in first + later} == {first[0]}
    # The copy published first arrives last: the stored ones move to its story, found from
    # what the writer kept (the first batch's article) and wrote (the second's).
    (earliest,) = post_batch(writer, *copies(0, 31, 1))
    assert external_refreshes(es, index_prefix) == before
    assert {story_of(client, key)["id"] for key in [earliest, *first, *later]} == {earliest}


def test_a_lone_writer_refreshes_after_another_writers_write(make_app, es, index_prefix):
    """Another writer's batch moved this writer's article to a story this writer cannot
    know from memory: the next batch must see it, so it refreshes."""
    writer, other_writer = (make_app(es_refresh_interval="-1") for _ in range(2))
    (copy,) = post_batch(writer, *copies(1, 32, 2))
    (original,) = post_batch(other_writer, *copies(1, 32, 1))  # moves `copy` to its story
    before = external_refreshes(es, index_prefix)
    (late_copy,) = post_batch(writer, *copies(1, 32, 3))
    assert external_refreshes(es, index_prefix) == before + 1
    client = writer.test_client()
    assert {story_of(client, key)["id"] for key in (original, copy, late_copy)} == {original}


def test_concurrent_batches_of_one_writer_end_in_one_story(make_app):
    """Batches of one process racing each other: each sees the others' writes in its window,
    so they reconcile instead of trusting what the writer kept."""
    writer = make_app(es_refresh_interval="-1")
    first = post_batch(writer, *copies(2, 33, 9))  # so that the writer keeps its writes
    articles = copies(2, 33, 1, 2, 3, 4, 5, 6, 7, 8)
    barrier = threading.Barrier(4)

    def batch(pair: list[dict]) -> list[str]:
        barrier.wait()
        return post_batch(writer, *pair)

    with ThreadPoolExecutor(max_workers=4) as pool:
        batches = list(pool.map(batch, [articles[n : n + 2] for n in range(0, 8, 2)]))
    ids = [key for keys in batches for key in keys]
    client = writer.test_client()
    assert {story_of(client, key)["id"] for key in [*first, *ids]} == {ids[0]}


def test_restory_joins_copies_after_the_threshold_is_lowered(index_prefix):
    strict = build_app(index_prefix, story_similarity=0.99)
    articles = [
        {"url": f"https://r{n}.example/x", "text": copy_of(story_text(0), n)} for n in (1, 2, 3)
    ]
    answer = strict.test_client().post(
        "/articles/batch?refresh=wait_for", json={"articles": articles}
    )
    ids = [item["id"] for item in answer.get_json()["items"]]
    assert len({story_of(strict.test_client(), key)["id"] for key in ids}) == 3

    usual = build_app(index_prefix)
    result = usual.test_cli_runner().invoke(args=["restory"])
    assert result.exit_code == 0, result.output
    assert "3 articles: 2 moved to another story" in result.output
    assert {story_of(usual.test_client(), key)["id"] for key in ids} == {min(ids)}
    again = usual.test_cli_runner().invoke(args=["restory"])
    assert "3 articles: 0 moved" in again.output


def test_a_forged_collapsed_cursor_is_a_400(client):
    forged = encode_cursor({"collapse": "story", "sort": "-published_at"}, ["x"], None)
    response = client.get("/articles", query_string={"cursor": forged})
    assert response.status_code == 400
    assert response.get_json()["errors"]["cursor"]


MATCH_REPORT = (
    "{home} and {away} drew 0-0 in a World Cup qualifier on Saturday.\n"
    "Neither side created a clear chance in the first half, and the crowd of 30,000 grew "
    "restless as the home team kept passing the ball sideways.\n"
    "After the break the visitors defended deep and the home team failed to break them down.\n"
    "The goalkeeper of {away} made two fine saves late in the game to keep the score level.\n"
    "The referee showed four yellow cards and added five minutes of stoppage time.\n"
    "Both coaches said afterwards that a draw was a fair result on a heavy pitch.\n"
    "The two teams meet again in the return match next spring in {away_city}."
)


def test_template_reports_of_different_events_stay_apart(client):
    """Agencies write match reports from one template: the texts are as close as copies,
    but the teams and places differ, so they are two stories."""
    vienna = MATCH_REPORT.format(home="Austria", away="Scotland", away_city="Glasgow")
    yerevan = MATCH_REPORT.format(home="Armenia", away="Portugal", away_city="Lisbon")
    similar = fingerprint(vienna).similarity(fingerprint(yerevan).signature)
    assert similar >= 0.5, "the texts alone would make one story"
    one, other = post(client, {"text": vienna}), post(client, {"text": yerevan})
    assert story_of(client, one["id"])["id"] == one["id"]
    assert story_of(client, other["id"])["id"] == other["id"]
