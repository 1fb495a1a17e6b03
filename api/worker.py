"""The Celery worker of ingest jobs: `celery -A api.worker worker` (`make worker`).

Start it on any number of hosts that share the broker (BROKER_URL) and the Elasticsearch
cluster (ES_URL); each takes one chunk at a time per process (prefetch 1) and acknowledges it
only after its outcome is stored (api/broker.py has the settings and why).

With WORKER_CONCURRENCY 1 (the default: run one worker per core) the worker is one process that
runs its chunks itself (Celery's solo pool, api/broker.py says why). With more, the main
process loads the gazetteer, the language model and jusText's stop words before it forks its
pool, as api/wsgi.py does for gunicorn, so the pool processes share one copy and no first chunk
waits for them; every pool process then builds its own app with create_app, so no two
processes share a connection to Elasticsearch or the NER server.

Every worker also sweeps for chunks whose task was lost (a worker killed between taking a task
and recording it, api/broker.py), on a timer of its event loop every JOB_SWEEP_INTERVAL; a Redis
key lets one worker sweep per interval.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import bootsteps
from celery.signals import worker_init, worker_process_init
from flask import Flask
from trafilatura.external import jt_stoplist_init

from api import create_app
from api.broker import TASK_NAME, BrokerUnavailable, make_celery
from api.config import load_settings
from api.extraction.gazetteer import gazetteer
from api.extraction.language import identifier as language_model
from api.services.jobs import RetryChunk
from api.store import BACKEND_ERRORS
from api.web.context import job_service
from api.web.memory import release_free_memory

log = logging.getLogger(__name__)

# The options of every worker: `make run`, `make worker`, compose, the tests and bench/ingest.py
# (tests/unit/test_broker.py holds them to it). Gossip, mingle and heartbeats serve monitors and
# worker-to-worker synchronisation (revokes, logical clocks), none of which jobs use: cancelling
# is recorded in Elasticsearch, redelivery rests on acks_late, the visibility timeout and the
# sweep, so they would only spend CPU beside the chunks.
WORKER_ARGS = ("--without-gossip", "--without-mingle", "--without-heartbeat")

settings = load_settings()
celery = make_celery(settings)
_apps: list[Flask] = []


@worker_init.connect
def _load_shared_data(**_: Any) -> None:
    gazetteer()
    language_model()
    jt_stoplist_init()
    release_free_memory()


@worker_process_init.connect
def _build_app(**_: Any) -> None:
    _apps[:] = [create_app()]


def _app() -> Flask:
    if not _apps:  # the solo pool, or prefork's main process (the sweep): no worker_process_init
        _build_app()
    return _apps[0]


def sweep() -> None:
    """One sweep for lost chunk tasks; an outage only postpones it to the next tick."""
    try:
        with _app().app_context():
            job_service().sweep()
    except (BrokerUnavailable,) + BACKEND_ERRORS as error:
        log.warning("sweep for lost chunk tasks skipped: %s", error)


class JobSweep(bootsteps.StartStopStep):
    """Runs `sweep` on the worker's timer (in the main process; its pool is forked by then)."""

    requires = ("celery.worker.components:Timer", "celery.worker.components:Pool")

    def __init__(self, worker: Any, **kwargs: Any) -> None:
        super().__init__(worker, **kwargs)
        self.tref: Any = None

    def start(self, worker: Any) -> None:
        self.tref = worker.timer.call_repeatedly(settings.job_sweep_interval, sweep)

    def stop(self, worker: Any) -> None:
        if self.tref is not None:
            self.tref.cancel()


celery.steps["worker"].add(JobSweep)


@celery.task(name=TASK_NAME, bind=True, max_retries=None)
def ingest_chunk(self: Any, job_id: str, chunk: int) -> None:
    """Store chunk `chunk` of job `job_id` and record its outcome."""
    with _app().app_context():
        try:
            job_service().run_chunk(job_id, chunk, self.request.retries)
        except RetryChunk as retry:
            log.warning(
                "chunk %s of job %s: %s; retrying in %ss", chunk, job_id, retry, retry.countdown
            )
            # The retry is a new message: while Redis is down (restarting), keep trying to send
            # it rather than fail the task, whose message would then be acknowledged and lost.
            raise self.retry(
                countdown=retry.countdown,
                retry=True,
                retry_policy={"max_retries": None, "interval_step": 1, "interval_max": 5},
            ) from None
