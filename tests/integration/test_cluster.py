"""A clustered Elasticsearch loses nothing: three local nodes, one replica, a node SIGKILLed in
the middle of a write load through gunicorn.

Run alone with `pytest -m cluster`. The cluster is the same distribution as the suite's node,
started by scripts/elasticsearch in cluster mode with 512 MB of heap per node (tests/support/
cluster.py).
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator

import pytest

from tests.support.cluster import LocalCluster
from tests.support.gunicorn import gunicorn
from tests.support.services import NER_URL

pytestmark = pytest.mark.cluster

WRITES = 600
CLIENTS = 4
KILL_AFTER = WRITES // 3


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    local = LocalCluster(3)
    try:
        local.start()
        local.wait_for("green")
        yield local
    finally:
        local.stop()


def post(base_url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{base_url}/articles",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_a_node_killed_during_writes_loses_no_acknowledged_write(cluster: LocalCluster):
    prefix = f"test-cluster-{uuid.uuid4().hex[:8]}-"
    tag = uuid.uuid4().hex[:8]
    bodies = [
        {"text": f"Olena Shevchenko opened a library in Poltava, issue {n} ({tag}).", "url": None}
        for n in range(WRITES)
    ]
    for number, body in enumerate(bodies):
        body["url"] = f"https://cluster.example/{tag}/{number}"
    answers: list[tuple[int, str | None]] = []
    lock = threading.Lock()
    environment = {
        "ES_URL": cluster.urls,
        "ES_REPLICAS": "1",
        "ES_INDEX_PREFIX": prefix,
        "NER_URL": NER_URL,
        "WEB_CONCURRENCY": "2",
    }
    with gunicorn(**environment) as base_url:
        queue = iter(range(WRITES))
        killed = threading.Event()
        client = cluster.client()
        routing = client.search_shards(index=f"{prefix}articles")
        primary = next(shard for shard in routing["shards"][0] if shard["primary"])
        victim = next(
            node for node in cluster.nodes if routing["nodes"][primary["node"]]["name"] == node.name
        )

        def writer() -> None:
            while True:
                with lock:
                    number = next(queue, None)
                    if number is None:
                        return
                    if len(answers) >= KILL_AFTER and not killed.is_set():
                        # The node holding the primary shard goes: its replica must take over.
                        cluster.kill(victim)
                        killed.set()
                try:
                    status, body = post(base_url, bodies[number])
                except OSError as error:
                    status, body = 599, {"error": repr(error)}
                with lock:
                    answers.append((status, body.get("id")))

        threads = [threading.Thread(target=writer) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)

    assert killed.is_set()
    statuses = sorted({status for status, _ in answers})
    assert len(answers) == WRITES
    assert all(status in {200, 201} for status, _ in answers), statuses
    acknowledged = {article_id for _, article_id in answers}
    survivors = [node.url for node in cluster.nodes if node is not victim]
    from elasticsearch import Elasticsearch

    reader = Elasticsearch(survivors, request_timeout=60)
    reader.indices.refresh(index=f"{prefix}articles")
    found = reader.mget(index=f"{prefix}articles", ids=sorted(acknowledged), source=False)
    missing = [doc["_id"] for doc in found["docs"] if not doc.get("found")]
    assert not missing, f"{len(missing)} acknowledged writes are gone"
    assert len(acknowledged) == WRITES

    started = time.monotonic()
    cluster.start_node(victim)
    assert cluster.wait_for("green", timeout=300) == "green"
    assert time.monotonic() - started < 300
    reader.indices.delete(index=f"{prefix}*")
