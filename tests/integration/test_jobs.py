"""Asynchronous ingest jobs against a real Redis, real Celery worker processes, the real
Elasticsearch and the real NER server.

One Redis (its own loopback port and state directory) and two workers serve the whole module;
every test submits articles nobody else has (a fresh tag in each text), so they share one index
prefix, the workers' one.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from elasticsearch import Elasticsearch
from flask.testing import FlaskClient

from api import create_app
from api.broker import QUEUE, UNACKED_KEY
from api.services.articles import article_id
from api.web.context import job_broker, job_service
from tests.conftest import ES_URL, NER_URL, closed_port_url
from tests.support.faultproxy import FaultProxy
from tests.support.jobs import (
    LocalRedis,
    Workers,
    articles,
    processed,
    running_workers,
    stored_ids,
)

NDJSON = "application/x-ndjson"
# Short enough that a killed worker's chunk comes back within the test's patience.
VISIBILITY_TIMEOUT = "8"

pytestmark = pytest.mark.jobs


@pytest.fixture(scope="module")
def prefix(es: Elasticsearch) -> Iterator[str]:
    name = f"test-jobs-{uuid.uuid4().hex[:8]}-"
    yield name
    es.indices.delete(index=f"{name}*", ignore_unavailable=True, allow_no_indices=True)


def worker_environment(prefix: str, broker_url: str, **extra: str) -> dict[str, str]:
    return {
        "ES_URL": ES_URL,
        "NER_URL": NER_URL,
        "ES_INDEX_PREFIX": prefix,
        "BROKER_URL": broker_url,
        "BROKER_VISIBILITY_TIMEOUT": VISIBILITY_TIMEOUT,
        "JOB_RETRY_BACKOFF": "0.5",
        "JOB_SWEEP_INTERVAL": "1",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


@pytest.fixture(scope="module")
def workers(
    broker: LocalRedis, prefix: str, tmp_path_factory: pytest.TempPathFactory, ner: Any
) -> Iterator[Workers]:
    environment = worker_environment(prefix, broker.url)
    with running_workers(environment, tmp_path_factory.mktemp("workers")) as pool:
        pool.ensure(2)
        yield pool


@pytest.fixture(scope="module")
def jobs_client(broker: LocalRedis, prefix: str, workers: Workers) -> FlaskClient:
    app = create_app(
        es_url=ES_URL, es_index_prefix=prefix, broker_url=broker.url, log_level="WARNING"
    )
    return app.test_client()


def ndjson(items: list[Any]) -> str:
    return "\n".join(json.dumps(item) for item in items) + "\n"


def submit(client: FlaskClient, items: list[Any]) -> str:
    response = client.post("/jobs", data=ndjson(items), content_type=NDJSON)
    assert response.status_code == 202, response.get_json()
    assert response.headers["Location"] == f"/jobs/{response.get_json()['id']}"
    return response.headers["Location"]


def wait_for(
    client: FlaskClient, location: str, timeout: float = 240, until: Any = None
) -> dict[str, Any]:
    """Poll the job until it is final (or `until(job)` holds); fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        job = client.get(location).get_json()
        if until(job) if until else job["status"] in {"done", "failed", "cancelled"}:
            return job
        assert time.monotonic() < deadline, f"job still {job['status']}: {job['counts']}"
        time.sleep(0.5)


def test_a_2000_article_job_completes_with_the_right_counts(jobs_client, es, prefix):
    items = articles(2000)
    location = submit(jobs_client, items)
    job = wait_for(jobs_client, location, timeout=420)
    assert job["status"] == "done"
    assert job["total"] == 2000
    assert job["counts"] == {
        "created": 2000,
        "updated": 0,
        "unchanged": 0,
        "failed": 0,
        "cancelled": 0,
    }
    assert job["started_at"] and job["finished_at"] and job["remaining_seconds"] is None
    assert job["failures"] == {"page": 1, "per_page": 100, "total": 0, "items": []}
    assert sorted(stored_ids(es, prefix, items)) == sorted({article_id(i) for i in items})
    stored = jobs_client.get(f"/articles/{article_id(items[1234])}").get_json()
    assert [person["name"] for person in stored["people"]] == ["Anna Kovalenko"]


def test_a_json_job_resubmitted_counts_unchanged_and_updated(jobs_client):
    items = [{**item, "url": f"https://example.org/{uuid.uuid4().hex}"} for item in articles(60)]
    first = jobs_client.post("/jobs", json={"articles": items})
    assert first.status_code == 202, first.get_json()
    assert wait_for(jobs_client, first.headers["Location"])["counts"]["created"] == 60
    changed = [{**item, "title": "New title"} if n < 10 else item for n, item in enumerate(items)]
    again = jobs_client.post("/jobs", json={"articles": changed})
    counts = wait_for(jobs_client, again.headers["Location"])["counts"]
    assert counts == {"created": 0, "updated": 10, "unchanged": 50, "failed": 0, "cancelled": 0}


def test_a_job_with_a_tenth_invalid_reports_exactly_those(jobs_client):
    items: list[Any] = articles(300)
    bad = {}
    for position in range(0, 300, 10):
        kind = position // 10 % 3
        bad[position] = ["not an object", {"text": "   "}, {"text": "x", "url": "ftp://a.b"}][kind]
        items[position] = bad[position]
    job = wait_for(jobs_client, submit(jobs_client, items))
    assert job["status"] == "done"
    assert job["counts"]["failed"] == 30 and job["counts"]["created"] == 270
    pages, page = [], 1
    while True:
        listing = jobs_client.get(f"{submit_location(job)}?page={page}&per_page=7").get_json()
        assert listing["failures"]["total"] == 30
        if not listing["failures"]["items"]:
            break
        pages.extend(listing["failures"]["items"])
        page += 1
    assert [failure["index"] for failure in pages] == sorted(bad)
    assert page == 6  # 30 failures in pages of 7: five pages, the sixth empty
    for failure in pages:
        problem = failure["problem"]
        assert problem["status"] == 422
        assert problem["type"] == "urn:article-api:problem:validation-error"
        assert problem["errors"]
    by_index = {failure["index"]: failure["problem"]["errors"] for failure in pages}
    assert "url" in by_index[20] and "text" in by_index[10] and "_schema" in by_index[0]


def submit_location(job: dict[str, Any]) -> str:
    return f"/jobs/{job['id']}"


def test_a_worker_killed_mid_job_leaves_every_article_stored_once(jobs_client, workers, es, prefix):
    workers.ensure(2)
    items = articles(500)
    location = submit(jobs_client, items)
    wait_for(jobs_client, location, until=lambda job: processed(job) >= 50)
    victim = workers.alive()[0]
    workers.kill(victim)
    try:
        job = wait_for(jobs_client, location)
    finally:
        workers.ensure(2)
    assert job["status"] == "done"
    assert job["counts"]["created"] == 500 and processed(job) == 500
    ids = stored_ids(es, prefix, items)
    assert len(ids) == 500 and set(ids) == {article_id(item) for item in items}


def broker_database(broker: LocalRedis, number: int) -> str:
    """Another database of the test Redis: a queue no module worker consumes."""
    return broker.url.rsplit("/", 1)[0] + f"/{number}"


def task_chunk(raw: bytes) -> int:
    """The chunk of one queued task message (its id is `{job}-{chunk}`)."""
    return int(json.loads(raw)["headers"]["id"].rsplit("-", 1)[1])


def test_the_sweep_queues_again_only_the_chunks_whose_task_was_lost(broker, prefix, es):
    url = broker_database(broker, 2)
    app = create_app(
        es_url=ES_URL,
        es_index_prefix=prefix,
        broker_url=url,
        job_chunk_size=1,
        job_sweep_interval=0.3,
        log_level="WARNING",
    )
    job_id = submit(app.test_client(), articles(4)).rsplit("/", 1)[1]
    queue = redis.Redis.from_url(url)

    def two_sweeps() -> list[dict[str, list[int]]]:
        """Two looks a sweep interval apart, as two ticks of the workers' timers."""
        looks = []
        with app.app_context():
            for _ in range(2):
                time.sleep(0.35)  # the previous sweep's claim has run out
                looks.append(job_service().sweep())
        return looks

    try:
        assert two_sweeps() == [{}, {}]  # all four queued
        # A worker holds one (kombu's record of a delivered, unacknowledged task) ...
        held = queue.rpop(QUEUE)
        queue.hset(UNACKED_KEY, "tag-1", json.dumps([json.loads(held), QUEUE, QUEUE]))
        # ... another finished its chunk and acknowledged it ...
        finished = task_chunk(queue.rpop(QUEUE))
        with app.app_context():
            job_broker().chunk_finished(job_id, finished, 4)
        assert two_sweeps() == [{}, {}]
        # ... and a third was taken off the queue by a worker killed before recording it.
        lost = task_chunk(queue.rpop(QUEUE))
        assert two_sweeps() == [{}, {job_id: [lost]}]  # the first look only notes it
        assert sorted(task_chunk(raw) for raw in queue.lrange(QUEUE, 0, -1)) == sorted(
            {0, 1, 2, 3} - {task_chunk(held), finished}
        )
        assert two_sweeps() == [{}, {}]  # queued again, so accounted for
    finally:
        queue.flushdb()


def test_a_chunk_whose_task_a_dying_worker_took_is_still_done(broker, prefix, tmp_path, es):
    url = broker_database(broker, 3)
    client = create_app(
        es_url=ES_URL, es_index_prefix=prefix, broker_url=url, log_level="WARNING"
    ).test_client()
    items = articles(150)
    location = submit(client, items)
    # What BRPOP does; the worker that did it died before recording the task as unacknowledged
    # (the SIGKILL right after a chunk that once left a killed-worker job at 450 of 500).
    assert redis.Redis.from_url(url).rpop(QUEUE)
    with running_workers(worker_environment(prefix, url), tmp_path) as pool:
        pool.ensure(1)
        job = wait_for(client, location, timeout=120)
    assert job["status"] == "done"
    assert job["counts"]["created"] == 150 and processed(job) == 150
    ids = stored_ids(es, prefix, items)
    assert len(ids) == 150 and set(ids) == {article_id(item) for item in items}


def test_redis_restarted_mid_job_loses_nothing(jobs_client, broker, es, prefix):
    items = articles(400)
    location = submit(jobs_client, items)
    wait_for(jobs_client, location, until=lambda job: processed(job) >= 50)
    broker.stop()
    time.sleep(1)
    broker.start()
    job = wait_for(jobs_client, location)
    assert job["status"] == "done"
    assert job["counts"]["created"] == 400 and processed(job) == 400
    assert len(stored_ids(es, prefix, items)) == 400


def test_cancelling_a_job_stops_the_chunks_not_started(jobs_client, es, prefix):
    items = articles(1000)
    location = submit(jobs_client, items)
    cancelled = jobs_client.delete(location)
    assert cancelled.status_code == 200
    job = wait_for(jobs_client, location)
    assert job["status"] == "cancelled"
    counts = job["counts"]
    # Two workers hold at most one chunk each (prefetch 1) when the job is cancelled.
    assert counts["cancelled"] >= 1000 - 4 * 50
    assert counts["created"] + counts["cancelled"] == 1000
    assert len(stored_ids(es, prefix, items)) == counts["created"]
    time.sleep(2)  # the cancelled chunks' tasks are drained, and store nothing
    assert len(stored_ids(es, prefix, items)) == counts["created"]
    assert jobs_client.get(location).get_json()["counts"] == counts


def staged_keys(broker: LocalRedis) -> set[bytes]:
    """The staged chunks of every job (running jobs note finished chunks beside them)."""
    return set(redis.Redis.from_url(broker.url).keys("article-api:job:*:chunks"))


def test_a_job_over_the_item_limit_is_refused_and_leaves_nothing(broker, prefix, workers, es):
    client = create_app(
        es_url=ES_URL, es_index_prefix=prefix, broker_url=broker.url, job_max_items=120
    ).test_client()
    before = staged_keys(broker)
    response = client.post("/jobs", data=ndjson(articles(121)), content_type=NDJSON)
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["type"] == "urn:article-api:problem:job-too-large"
    assert not staged_keys(broker) - before  # (finished jobs' keys may go meanwhile)
    es.indices.refresh(index=f"{prefix}jobs")
    jobs = es.search(index=f"{prefix}jobs", query={"match_all": {}}, size=1000)["hits"]["hits"]
    assert all(hit["_source"]["state"] != "receiving" for hit in jobs)
    assert client.post("/jobs", data=ndjson(articles(120)), content_type=NDJSON).status_code == 202


@pytest.mark.parametrize(
    ("body", "content_type", "status", "kind"),
    [
        ('{"articles": [{"text": "a"}, {"te', "application/json", 400, "invalid-json"),
        ('{"articles": []}', "application/json", 422, "validation-error"),
        ('{"articles": [{"text": "a"}], "more": 1}', "application/json", 422, "validation-error"),
        ('{"articles": {"text": "a"}}', "application/json", 422, "validation-error"),
        ("", NDJSON, 422, "validation-error"),
        ("text", "text/plain", 415, "unsupported-media-type"),
    ],
)
def test_a_bad_body_is_a_problem_and_no_job(jobs_client, broker, body, content_type, status, kind):
    before = staged_keys(broker)
    response = jobs_client.post("/jobs", data=body, content_type=content_type)
    assert response.status_code == status
    assert response.get_json()["type"] == f"urn:article-api:problem:{kind}"
    assert not staged_keys(broker) - before  # (finished jobs' keys may go meanwhile)


def test_an_unknown_job_is_404(jobs_client):
    assert jobs_client.get(f"/jobs/{uuid.uuid4().hex}").status_code == 404
    assert jobs_client.get("/jobs/not-a-job").status_code == 404
    assert jobs_client.delete(f"/jobs/{uuid.uuid4().hex}").status_code == 404


def test_a_page_past_the_failures_is_empty_and_a_page_past_32_bits_is_422(jobs_client):
    location = submit(jobs_client, [{"text": ""}])
    job = wait_for(jobs_client, location)
    assert job["failures"]["total"] == 1
    past = jobs_client.get(f"{location}?page={2**31 - 1}")
    assert past.status_code == 200 and past.get_json()["failures"]["items"] == []
    huge = jobs_client.get(f"{location}?page={10**30}")
    assert huge.status_code == 422 and "page" in huge.get_json()["errors"]


def test_broker_down_at_post_time_is_503_with_retry_after(prefix, es):
    client = create_app(
        es_url=ES_URL, es_index_prefix=prefix, broker_url=closed_port_url().replace("http", "redis")
    ).test_client()
    response = client.post("/jobs", data=ndjson(articles(3)), content_type=NDJSON)
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert response.get_json()["type"] == "urn:article-api:problem:broker-unavailable"


def test_the_ingest_command_queues_a_job_and_follows_it(broker, prefix, workers, tmp_path, es):
    app = create_app(es_url=ES_URL, es_index_prefix=prefix, broker_url=broker.url)
    items = articles(5)
    for number, item in enumerate(items[:3]):
        (tmp_path / f"{number}.txt").write_text(item["text"])
    lines = [json.dumps(items[3]), json.dumps(items[4]), json.dumps({"text": ""})]
    (tmp_path / "more.jsonl").write_text("\n".join(lines))
    result = app.test_cli_runner().invoke(args=["ingest", "--async", str(tmp_path)])
    assert result.exit_code == 1, result.output  # one item failed
    assert "6 articles: 5 created, 0 updated, 0 unchanged, 1 failed" in result.output
    assert "failed: item 5:" in result.output
    assert len(stored_ids(es, prefix, items)) == 5


@pytest.fixture
def flaky_ner_worker(
    broker: LocalRedis, prefix: str, tmp_path: Path
) -> Iterator[tuple[FaultProxy, str]]:
    """A worker of its own (Redis database 1, its own queue) whose NER server is a proxy."""
    proxy = FaultProxy(NER_URL)
    url = broker.url.rsplit("/", 1)[0] + "/1"
    environment = worker_environment(
        prefix, url, NER_URL=proxy.url, JOB_RETRIES="3", JOB_RETRY_BACKOFF="0.5"
    )
    with running_workers(environment, tmp_path) as pool:
        pool.ensure(1)
        yield proxy, url
    proxy.stop()


def test_chunks_retry_while_the_ner_server_is_down_and_fail_with_the_reason(
    flaky_ner_worker, prefix
):
    proxy, url = flaky_ner_worker
    client = create_app(es_url=ES_URL, es_index_prefix=prefix, broker_url=url).test_client()
    # Down for a moment, then back: the retries with backoff get the chunk through.
    proxy.stop()
    location = submit(client, articles(20))
    time.sleep(1.5)
    proxy.start()
    job = wait_for(client, location, timeout=120)
    assert job["counts"]["created"] == 20 and job["status"] == "done"
    # Down for good: after JOB_RETRIES (0.5 + 1 + 2 s) the items fail with the reason.
    proxy.stop()
    job = wait_for(client, submit(client, articles(20)), timeout=120)
    assert job["status"] == "done"
    assert job["counts"]["failed"] == 20
    problem = job["failures"]["items"][0]["problem"]
    assert problem["status"] == 503
    assert problem["type"] == "urn:article-api:problem:ner-unavailable"
