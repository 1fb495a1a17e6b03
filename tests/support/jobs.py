"""A real Redis and real Celery worker processes for the job tests, started by the project's
own script and command (`scripts/redis-server`, `celery -A api.worker worker`).

Redis runs on a free loopback port with a temporary state directory, so two suites on one
machine never share a broker; workers run in their own process groups, so a test can SIGKILL
one (its pool child included) as a crash would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

from api.services.articles import article_id
from api.worker import WORKER_ARGS
from tests.support.gunicorn import ROOT, free_port

REDIS_SCRIPT = ROOT / "scripts" / "redis-server"


class LocalRedis:
    """One Redis of the test session, which a test may stop and start again."""

    def __init__(self, state_dir: Path) -> None:
        self.port = free_port()
        self.env = {
            **os.environ,
            "REDIS_PORT": str(self.port),
            "REDIS_STATE_DIR": str(state_dir),
        }
        self.env.pop("BROKER_URL", None)
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def _script(self, action: str) -> None:
        subprocess.run([str(REDIS_SCRIPT), action], env=self.env, check=True, timeout=60)

    def start(self) -> None:
        self._script("start")

    def stop(self) -> None:
        self._script("stop")


class Workers:
    """Celery workers (`celery -A api.worker worker`, one process each: the solo pool)."""

    def __init__(self, environment: dict[str, str], log_dir: Path) -> None:
        self.environment = environment
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        number = len(self.processes)
        log = open(self.log_dir / f"worker-{number}.log", "ab")  # noqa: SIM115 - kept by Popen
        process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("celery")),
                "-A",
                "api.worker",
                "worker",
                "--concurrency",
                "1",
                "--loglevel",
                "WARNING",
                "--hostname",
                f"test-{number}-{os.getpid()}@%h",
                *WORKER_ARGS,
            ],
            cwd=ROOT,
            env={**os.environ, **self.environment},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.processes.append(process)
        return process

    def alive(self) -> list[subprocess.Popen]:
        return [process for process in self.processes if process.poll() is None]

    def ensure(self, count: int) -> None:
        """At least `count` live workers."""
        while len(self.alive()) < count:
            self.start()

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL a worker (and any pool child) at once, as a crash of the host would."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for process in self.alive():
            os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for process in self.processes:
            try:
                process.wait(timeout=max(1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


@contextmanager
def running_workers(environment: dict[str, str], log_dir: Path) -> Iterator[Workers]:
    workers = Workers(environment, log_dir)
    try:
        yield workers
    finally:
        workers.stop_all()


def articles(count: int, tag: str | None = None) -> list[dict[str, Any]]:
    tag = tag or uuid.uuid4().hex[:8]
    return [
        {"text": f"Anna Kovalenko met the mayor of Lviv on day {i} of the talks ({tag})."}
        for i in range(count)
    ]


def stored_ids(es: Elasticsearch, prefix: str, items: list[dict[str, Any]]) -> list[str]:
    """The ids among these articles' that are stored, each as often as it is stored."""
    es.indices.refresh(index=f"{prefix}articles")
    ids = [article_id(item) for item in items]
    found = es.search(
        index=f"{prefix}articles", query={"ids": {"values": ids}}, size=len(ids), source=False
    )
    return [hit["_id"] for hit in found["hits"]["hits"]]


def processed(job: dict[str, Any]) -> int:
    counts = job["counts"]
    return sum(counts[name] for name in ("created", "updated", "unchanged", "failed"))
