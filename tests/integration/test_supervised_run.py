"""`make run`'s processes as it starts them: gunicorn and a job worker under supervisord
(scripts/supervisord.conf), against the real node, NER server and a Redis of the test's own."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from api.worker import WORKER_ARGS
from tests.conftest import ES_URL, NER_URL, isolated_prefix
from tests.support.gunicorn import ROOT, free_port
from tests.support.jobs import LocalRedis, articles, processed, stored_ids

pytestmark = pytest.mark.jobs

CONFIG = ROOT / "scripts" / "supervisord.conf"


class SupervisedRun:
    """supervisord started with `make run`'s configuration and environment."""

    def __init__(self, environment: dict[str, str]) -> None:
        self.environment = environment
        self.base_url = f"http://127.0.0.1:{environment['PORT']}"
        self.process = subprocess.Popen(
            [str(Path(sys.executable).with_name("supervisord")), "-c", str(CONFIG)],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def ctl(self, *command: str) -> str:
        result = subprocess.run(
            [str(Path(sys.executable).with_name("supervisorctl")), "-c", str(CONFIG), *command],
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=30,
        )
        return result.stdout.strip()

    def worker_pid(self) -> int | None:
        """The job worker's pid while supervisord reports it running."""
        answer = self.ctl("pid", "worker")
        return int(answer) if answer.isdigit() and answer != "0" else None

    def get(self, path: str) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.base_url}{path}", timeout=30) as response:
            return json.load(response)

    def post_ndjson(self, path: str, items: list[dict[str, Any]]) -> tuple[int, dict[str, str]]:
        body = "".join(json.dumps(item) + "\n" for item in items).encode()
        request = urllib.request.Request(
            f"{self.base_url}{path}", data=body, headers={"Content-Type": "application/x-ndjson"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers)

    def wait_until_serving(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.get("/ready")["status"] == "ready" and self.worker_pid():
                    return
            except OSError:
                pass
            assert self.process.poll() is None, "supervisord exited"
            assert time.monotonic() < deadline, "make run's processes did not come up"
            time.sleep(0.5)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@pytest.fixture
def supervised(
    es: Elasticsearch, broker: LocalRedis, ner: Any, tmp_path: Path
) -> Iterator[tuple[SupervisedRun, str]]:
    with isolated_prefix(es, "test-supervised") as prefix:
        environment = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "RUN_STATE_DIR": str(tmp_path),
            "WORKER_ARGS": " ".join(WORKER_ARGS),
            "ES_URL": ES_URL,
            "NER_URL": NER_URL,
            "ES_INDEX_PREFIX": prefix,
            "BROKER_URL": broker.url,
            # Short enough that the killed worker's chunk comes back within the test's patience.
            "BROKER_VISIBILITY_TIMEOUT": "8",
            "JOB_SWEEP_INTERVAL": "1",
            "JOB_CHUNK_SIZE": "10",
            "HOST": "127.0.0.1",
            "PORT": str(free_port()),
            "WEB_CONCURRENCY": "1",
            "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
            "LOG_LEVEL": "WARNING",
        }
        (tmp_path / "metrics").mkdir()
        run = SupervisedRun(environment)
        try:
            run.wait_until_serving()
            yield run, prefix
        finally:
            run.stop()


def test_a_killed_worker_is_restarted_and_its_job_finishes(supervised, es):
    run, prefix = supervised
    items = articles(120)
    status, headers = run.post_ndjson("/jobs", items)
    assert status == 202
    location = headers["Location"]

    deadline = time.monotonic() + 120
    while processed(run.get(location)) < 10:
        assert time.monotonic() < deadline, "the worker never started the job"
        time.sleep(0.2)
    victim = run.worker_pid()
    assert victim is not None
    os.killpg(victim, signal.SIGKILL)

    deadline = time.monotonic() + 240
    while (job := run.get(location))["status"] not in {"done", "failed", "cancelled"}:
        assert time.monotonic() < deadline, f"job still {job['status']}: {job['counts']}"
        time.sleep(0.5)
    restarted = run.worker_pid()
    assert restarted is not None and restarted != victim
    assert job["status"] == "done"
    assert job["counts"]["created"] == 120 and processed(job) == 120
    ids = stored_ids(es, prefix, items)
    assert len(ids) == 120 and len(set(ids)) == 120
