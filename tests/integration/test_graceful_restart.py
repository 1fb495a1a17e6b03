"""Restarting gunicorn under write load loses nothing it acknowledged.

SIGHUP replaces the workers (the old ones finish what they hold), SIGTERM shuts down (workers
finish their in-flight requests first). Writers keep posting throughout; afterwards every write
that answered 2xx must be in Elasticsearch, with the text that was sent.
"""

from __future__ import annotations

import signal
import threading
import time

import requests

from tests.support.gunicorn import gunicorn_server
from tests.support.services import ES_URL

WRITERS = 6
TEXT = "Mayor Ana Lima opened a bridge in Porto on Friday."


def test_sighup_then_sigterm_under_writes_loses_no_acknowledged_write(es, index_prefix):
    acknowledged: dict[str, str] = {}  # id -> text
    statuses: list[int] = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(number: int, base_url: str) -> None:
        with requests.Session() as session:
            sequence = 0
            while not stop.is_set():
                sequence += 1
                key = f"{number}-{sequence}"
                if sequence % 5 == 0:  # a batch: a longer request, often in flight at a signal
                    texts = [f"{TEXT} Batch {key} item {n}." for n in range(10)]
                    body = {"articles": [{"text": text} for text in texts]}
                    path = "/articles/batch"
                else:
                    texts = [f"{TEXT} Single {key}."]
                    body, path = {"text": texts[0]}, "/articles"
                try:
                    response = session.post(base_url + path, json=body, timeout=60)
                except requests.ConnectionError:
                    time.sleep(0.05)  # between two generations of workers, or shut down
                    continue
                with lock:
                    statuses.append(response.status_code)
                    if response.status_code in {200, 201}:
                        answer = response.json()
                        items = answer["items"] if path.endswith("batch") else [answer]
                        for item, text in zip(items, texts, strict=True):
                            if item.get("status", 201) in {200, 201}:
                                acknowledged[item["id"]] = text

    try:
        with gunicorn_server(ES_URL=ES_URL, ES_INDEX_PREFIX=index_prefix, WEB_CONCURRENCY="2") as (
            base_url,
            master,
        ):
            threads = [threading.Thread(target=writer, args=(n, base_url)) for n in range(WRITERS)]
            for thread in threads:
                thread.start()
            time.sleep(3)
            before_hup = len(acknowledged)
            master.send_signal(signal.SIGHUP)
            time.sleep(6)
            after_hup = len(acknowledged)
            master.send_signal(signal.SIGTERM)
            assert master.wait(timeout=60) == 0
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
        assert before_hup > 0 and after_hup > before_hup, "writes went on across SIGHUP"
        assert all(status < 500 for status in statuses), sorted(set(statuses))
        stored = es.mget(index=f"{index_prefix}articles", ids=list(acknowledged))["docs"]
        missing = [doc["_id"] for doc in stored if not doc.get("found")]
        assert missing == [], f"{len(missing)} of {len(acknowledged)} acknowledged writes lost"
        assert all(doc["_source"]["text"] == acknowledged[doc["_id"]] for doc in stored)
    finally:
        stop.set()
