"""Racing writes against gunicorn with several workers, from many threads at once.

Each round releases its threads together (a barrier), so the requests overlap in the workers
and reach Elasticsearch within the same few milliseconds: losers of the race must resolve it
(or answer 412 when they carried a precondition), never answer 5xx, never lose an update.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from tests.support.gunicorn import gunicorn
from tests.support.services import ES_URL, isolated_prefix

THREADS = 8
CREATE_ROUNDS = 50
EDIT_ROUNDS = 20
TEXT = "Mayor Ana Lima opened a bridge in Porto on Friday. Lima said it cost 40 million euros."


@pytest.fixture(scope="module")
def base_url(es):
    with (
        isolated_prefix(es, "test-race") as prefix,
        gunicorn(ES_URL=ES_URL, ES_INDEX_PREFIX=prefix, WEB_CONCURRENCY="3") as url,
    ):
        yield url


def race(calls: list[Callable[[requests.Session], Any]]) -> list[Any]:
    """Run the calls in parallel threads, all starting at the same instant."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[requests.Session], Any]) -> Any:
        with requests.Session() as session:
            barrier.wait()
            return call(session)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def call(method: str, url: str, **kwargs: Any) -> Callable[[requests.Session], Any]:
    """One request, to be made later in a racing thread."""
    return lambda session: session.request(method, url, timeout=120, **kwargs)


def distinct(round_number: int) -> str:
    """TEXT and a paragraph no other round shares."""
    rng = random.Random(round_number)
    words = [
        f"{rng.choice('bcdfgklmnprst')}{rng.choice('aeiou')}{rng.randrange(10**6)}"
        for _ in range(60)
    ]
    return f"{TEXT}\n\n{' '.join(words)}."


def test_the_same_new_article_posted_at_once_is_created_exactly_once(base_url):
    statuses: Counter[int] = Counter()
    for round_number in range(CREATE_ROUNDS):
        # A text of its own per round: the same text under fifty URLs would be one story
        # whose size grows while the rounds run, and that is not what this test is about.
        body = {"url": f"https://race.example/same/{round_number}", "text": distinct(round_number)}
        answers = race([call("POST", f"{base_url}/articles", json=body)] * THREADS)
        statuses.update(answer.status_code for answer in answers)
        assert sorted(a.status_code for a in answers) == [200] * (THREADS - 1) + [201]
        bodies = [answer.json() for answer in answers]
        assert all(b == bodies[0] for b in bodies), "every answer shows the one stored article"
    assert statuses == {201: CREATE_ROUNDS, 200: CREATE_ROUNDS * (THREADS - 1)}


def test_different_inputs_under_one_url_leave_one_complete_version(base_url):
    for round_number in range(EDIT_ROUNDS):
        url = f"https://race.example/different/{round_number}"
        bodies = [
            {"url": url, "text": f"{TEXT} Variant {n} of the story.", "title": f"Variant {n}"}
            for n in range(THREADS)
        ]
        answers = race([call("POST", f"{base_url}/articles", json=body) for body in bodies])
        assert sorted(a.status_code for a in answers) == [200] * (THREADS - 1) + [201]
        (first,) = [a.json() for a in answers if a.status_code == 201]
        stored = requests.get(f"{base_url}/articles/{first['id']}", timeout=30).json()
        winner = next(b for b in bodies if b["title"] == stored["title"])
        assert stored["text"] == winner["text"], "title and text come from one input"
        assert stored["created_at"] == first["created_at"]


def test_racing_patches_without_precondition_all_land(base_url):
    """Each thread changes another field; a patch that loses merges into the winner's result."""
    created = requests.post(
        f"{base_url}/articles", json={"url": "https://race.example/patch", "text": TEXT}, timeout=60
    ).json()
    target = f"{base_url}/articles/{created['id']}"
    for round_number in range(EDIT_ROUNDS):
        changes = [
            {"title": f"Title {round_number}"},
            {"authors": [f"Author {round_number}"]},
            {"published_at": f"2025-01-{round_number + 1:02d}"},
            {"language": "pt" if round_number % 2 else "en"},
            {"outlet": f"Outlet {round_number}"},
        ]
        answers = race(
            [
                lambda s, change=change: s.patch(target, json=change, timeout=60)
                for change in changes
            ]
        )
        assert [a.status_code for a in answers] == [200] * len(changes)
        stored = requests.get(target, timeout=30).json()
        assert stored["title"] == f"Title {round_number}"
        assert stored["authors"] == [{"name": f"Author {round_number}", "type": "person"}]
        assert stored["published_at"].startswith(f"2025-01-{round_number + 1:02d}")
        assert stored["language"] == ("pt" if round_number % 2 else "en")
        assert stored["outlet"]["name"] == f"Outlet {round_number}"


def test_racing_puts_and_patches_without_precondition_never_fail(base_url):
    created = requests.post(
        f"{base_url}/articles", json={"url": "https://race.example/put", "text": TEXT}, timeout=60
    ).json()
    target = f"{base_url}/articles/{created['id']}"
    for round_number in range(EDIT_ROUNDS):
        texts = [f"{TEXT} Update {round_number}.{n}." for n in range(THREADS // 2)]
        calls = [call("PUT", target, json={"text": text}) for text in texts]
        calls += [
            call("PATCH", target, json={"title": f"T{round_number}.{n}"})
            for n in range(THREADS - len(texts))
        ]
        answers = race(calls)
        assert [a.status_code for a in answers] == [200] * THREADS
        stored = requests.get(target, timeout=30).json()
        assert stored["text"] in texts
        assert stored["created_at"] == created["created_at"]


def test_racing_writes_with_the_same_if_match_let_exactly_one_through(base_url):
    created = requests.post(
        f"{base_url}/articles",
        json={"url": "https://race.example/if-match", "text": TEXT},
        timeout=60,
    ).json()
    target = f"{base_url}/articles/{created['id']}"
    for round_number in range(EDIT_ROUNDS):
        tag = requests.get(target, timeout=30).headers["ETag"]
        condition = {"If-Match": tag}
        calls = [
            call("PATCH", target, json={"title": f"T{round_number}.{n}"}, headers=condition)
            for n in range(THREADS // 2)
        ]
        calls += [
            call("PUT", target, json={"text": f"{TEXT} {round_number}.{n}"}, headers=condition)
            for n in range(THREADS // 2)
        ]
        answers = race(calls)
        assert sorted(a.status_code for a in answers) == [200] + [412] * (THREADS - 1)
        assert all(
            a.headers["Content-Type"] == "application/problem+json"
            for a in answers
            if a.status_code == 412
        )


def test_a_batch_racing_single_posts_of_the_same_articles_creates_each_once(base_url):
    for round_number in range(5):
        bodies = [
            {"url": f"https://race.example/batch/{round_number}/{n}", "text": f"{TEXT} Item {n}."}
            for n in range(THREADS)
        ]
        batch = call("POST", f"{base_url}/articles/batch", json={"articles": bodies})
        singles = [call("POST", f"{base_url}/articles", json=body) for body in bodies[:-2]]
        answers = race([batch, batch, *singles])
        assert all(a.status_code in {200, 201} for a in answers), [a.status_code for a in answers]
        creations: Counter[str] = Counter()
        for answer in answers[:2]:
            summary = answer.json()
            assert summary["failed"] == 0, summary
            creations.update(item["id"] for item in summary["items"] if item["status"] == 201)
        creations.update(a.json()["id"] for a in answers[2:] if a.status_code == 201)
        ids = {a.json()["id"] for a in answers[2:]} | {i["id"] for i in answers[0].json()["items"]}
        assert creations == Counter({article_id: 1 for article_id in ids})


def test_long_urls_are_read_up_to_the_limit_and_refused_beyond_as_problems(base_url):
    """gunicorn's own 4 KB request-line limit answered HTML; the app's limit answers 414 JSON."""
    long_but_fine = requests.get(f"{base_url}/articles?{'person=lima&' * 900}", timeout=60)
    assert long_but_fine.status_code == 200
    too_long = requests.get(f"{base_url}/articles?q={'x' * 40_000}", timeout=60)
    assert too_long.status_code == 414
    assert too_long.headers["Content-Type"] == "application/problem+json"
