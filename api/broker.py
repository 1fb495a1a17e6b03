"""The job broker: Redis holds each job's articles in chunks, Celery carries one task per chunk.

A job's body is read as a stream and pushed to Redis chunk by chunk (`RPUSH` of one JSON array
of ~50 articles), so neither the web process nor a worker ever holds a whole job. Only when the
body has been read completely, and is valid, does a task per chunk go out (`publish`); a body
refused halfway leaves nothing behind. Redis runs with an fsync'ed append-only file
(scripts/redis-server), so a restart loses neither staged chunks nor queued tasks.

Kombu's Redis transport is not proof against a worker killed at the wrong moment: BRPOP takes a
task off the queue, and only afterwards does the worker record it as unacknowledged (the
`unacked` hash that the visibility timeout restores from). A worker killed in between (SIGKILL,
a lost host) takes the task with it, and nothing in kombu ever hands it out again. So every task
carries its chunk's identity as its id, each queued job is listed in Redis until its last chunk
finishes, and `unaccounted` finds the chunks that are neither finished, nor queued, nor held by
a worker (acknowledged late, a held task stays in the `unacked` hash until its outcome is
stored). A chunk seen so twice, a sweep interval apart, lost its task: JobService.sweep queues
it again. Redelivery is harmless (api/services/jobs.py), so a sweep that errs only repeats work.

This module and api/worker.py are the only importers of `redis` and `celery`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from typing import Any

import redis
from celery import Celery
from kombu.exceptions import OperationalError
from redis.typing import EncodableT

from api.config import Settings

TASK_NAME = "article_api.ingest_chunk"
QUEUE = "article-api-jobs"
# Kombu's hash of delivered, unacknowledged messages (its default name, set explicitly because
# the sweep reads it); the queue itself is the Redis list named QUEUE.
UNACKED_KEY = "unacked"
ACTIVE_JOBS_KEY = "article-api:jobs:active"
SWEEP_KEY = "article-api:jobs:sweep"
# Staged chunks outlive any sane job; the last chunk to finish deletes them sooner.
STAGING_TTL_SECONDS = 7 * 24 * 3600
# What the Redis client raises when the broker is down or unreachable.
BROKER_ERRORS: tuple[type[Exception], ...] = (redis.ConnectionError, redis.TimeoutError, OSError)


class BrokerUnavailable(Exception):
    """Redis (the job broker) did not answer."""


def make_celery(settings: Settings) -> Celery:
    """The Celery app of web processes (publishing) and workers (consuming) alike."""
    app = Celery("article_api", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        task_default_queue=QUEUE,
        task_serializer="json",
        accept_content=["json"],
        # Results live in Elasticsearch (the job's chunk outcomes), not in a result backend.
        task_ignore_result=True,
        # A chunk is acknowledged only once its outcome is stored: a worker killed mid-chunk
        # leaves it unacknowledged, and Redis hands it to another worker after the visibility
        # timeout (a lost prefork child is noticed at once: reject_on_worker_lost).
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_transport_options={
            "unacked_key": UNACKED_KEY,
            "visibility_timeout": settings.broker_visibility_timeout,
            # How often a worker looks for chunks whose visibility timeout ran out (kombu's
            # default sweep is every 100 s, longer than the timeout itself).
            "unacked_restore_interval": max(
                1, min(10, int(settings.broker_visibility_timeout / 5))
            ),
            "unacked_restore_throttle": 1,
            # The sweep's lock outlives a holder that died (killed, or Redis restarted under
            # it) by this long; kombu's 300 s would hold every redelivery back as long.
            "unacked_mutex_expire": min(60, settings.broker_visibility_timeout),
        },
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,  # a worker waits out a Redis restart
        worker_hijack_root_logger=False,
        worker_concurrency=settings.worker_concurrency,
        # One process per worker runs its chunks itself: prefork's main process would only
        # pass each chunk to a single child and its outcome back, CPU beside the chunk that a
        # second worker on the same cores pays for. Several processes share one main process
        # (and the gazetteer and model it loads before forking) under prefork. (`--pool prefork`
        # on the command line cannot undo this: Celery reads its default as "not given".)
        worker_pool="solo" if settings.worker_concurrency == 1 else "prefork",
    )
    return app


def task_id(job_id: str, chunk: int) -> str:
    """The id of chunk `chunk`'s task, the same for every delivery and retry of it."""
    return f"{job_id}-{chunk}"


def _message_id(envelope: Any) -> str | None:
    """The task id of one kombu message envelope (Celery's message protocol 2)."""
    try:
        headers = envelope["headers"]
        return headers["id"] if headers.get("task") == TASK_NAME else None
    except (KeyError, TypeError, AttributeError):
        return None


class JobBroker:
    """Staging of chunks in Redis and publishing of their tasks."""

    def __init__(self, settings: Settings, celery: Celery) -> None:
        self.redis = redis.Redis.from_url(
            settings.broker_url, socket_timeout=10, socket_connect_timeout=5
        )
        self.celery = celery

    @staticmethod
    def _key(job_id: str) -> str:
        return f"article-api:job:{job_id}:chunks"

    def _call(self, operation: Any, *args: Any) -> Any:
        try:
            return operation(*args)
        except BROKER_ERRORS as error:
            raise BrokerUnavailable(str(error)) from None

    def ping(self) -> None:
        self._call(self.redis.ping)

    def stage(self, job_id: str, items: list[Any]) -> None:
        """Append one chunk of a job's articles."""
        key = self._key(job_id)
        pipeline = self.redis.pipeline(transaction=False)
        # json, not orjson: it escapes lone surrogates, which a client's JSON may hold.
        pipeline.rpush(key, json.dumps(items))
        pipeline.expire(key, STAGING_TTL_SECONDS)
        self._call(pipeline.execute)

    def load(self, job_id: str, chunk: int) -> list[Any] | None:
        """A staged chunk's articles; None when they are gone (expired or deleted)."""
        raw = self._call(self.redis.lindex, self._key(job_id), chunk)
        return None if raw is None else json.loads(raw)

    def drop(self, job_id: str) -> None:
        pipeline = self.redis.pipeline(transaction=False)
        pipeline.delete(self._key(job_id), self._finished_key(job_id), self._missing_key(job_id))
        pipeline.srem(ACTIVE_JOBS_KEY, job_id)
        self._call(pipeline.execute)

    def forget(self, job_id: str) -> None:
        """Stop sweeping a job (it failed, or is unknown to this deployment)."""
        pipeline = self.redis.pipeline(transaction=False)
        pipeline.srem(ACTIVE_JOBS_KEY, job_id)
        pipeline.delete(self._missing_key(job_id))
        self._call(pipeline.execute)

    @staticmethod
    def _missing_key(job_id: str) -> str:
        return f"article-api:job:{job_id}:missing"

    @staticmethod
    def _finished_key(job_id: str) -> str:
        return f"article-api:job:{job_id}:finished"

    def chunk_finished(self, job_id: str, chunk: int, chunks: int) -> None:
        """Note a chunk as finished; once every chunk is, delete the job's staged articles.

        A set, not a counter: a chunk finished twice (two deliveries racing) is noted once, so
        the articles are never deleted while a chunk without an outcome may still need them.
        The TTL removes whatever a worker killed between outcome and note leaves behind.
        """
        key = self._finished_key(job_id)
        pipeline = self.redis.pipeline(transaction=False)
        pipeline.sadd(key, chunk)
        pipeline.expire(key, STAGING_TTL_SECONDS)
        pipeline.scard(key)
        finished = self._call(pipeline.execute)[-1]
        if finished >= chunks:
            self.drop(job_id)

    def publish(self, job_id: str, chunks: Iterable[int]) -> None:
        """One task per chunk, over one broker connection; then the job is swept."""
        try:
            with self.celery.producer_or_acquire() as producer:
                for chunk in chunks:
                    self.celery.send_task(
                        TASK_NAME,
                        args=(job_id, chunk),
                        task_id=task_id(job_id, chunk),
                        producer=producer,
                        queue=QUEUE,
                    )
            # Only now: a job listed while its tasks are still going out would look lost.
            self.redis.sadd(ACTIVE_JOBS_KEY, job_id)
        except BROKER_ERRORS + (OperationalError,) as error:
            # kombu wraps connection failures in OperationalError
            raise BrokerUnavailable(str(error)) from None

    # --- the sweep for lost tasks ------------------------------------------------------------

    def claim_sweep(self, interval: float) -> bool:
        """Whether the caller sweeps now: one sweep per interval among all workers."""
        claim = functools.partial(self.redis.set, nx=True, px=max(1, int(interval * 1000)))
        return bool(self._call(claim, SWEEP_KEY, b"1"))

    def _held(self) -> set[str]:
        """The task ids queued or delivered and unacknowledged, read in one transaction."""
        pipeline = self.redis.pipeline(transaction=True)
        pipeline.lrange(QUEUE, 0, -1)
        pipeline.hvals(UNACKED_KEY)
        queued, unacked = self._call(pipeline.execute)
        envelopes = [json.loads(raw) for raw in queued]
        envelopes += [json.loads(raw)[0] for raw in unacked]
        return {found for found in map(_message_id, envelopes) if found}

    def unaccounted(self, grace: float) -> dict[str, list[int]]:
        """Per listed job, its chunks that lost their task: neither finished, nor queued, nor
        held by a worker, at two looks at least `grace` seconds apart.

        The first look at a chunk missing is noted (Redis server time) in a hash per job; a
        chunk found again later is cleared, one still missing after `grace` is returned and
        cleared (its new task starts the count again). Two looks, because a worker between
        BRPOP and recording the task holds it in neither place for a moment.
        """
        jobs = [raw.decode() for raw in self._call(self.redis.smembers, ACTIVE_JOBS_KEY)]
        if not jobs:
            return {}
        pipeline = self.redis.pipeline(transaction=False)
        for job_id in jobs:
            pipeline.llen(self._key(job_id))
            pipeline.smembers(self._finished_key(job_id))
            pipeline.hgetall(self._missing_key(job_id))
        replies = self._call(pipeline.execute)
        held = self._held()
        seconds, micros = self._call(self.redis.time)
        now = seconds + micros / 1e6
        lost: dict[str, list[int]] = {}
        pipeline = self.redis.pipeline(transaction=False)
        for number, job_id in enumerate(jobs):
            staged, finished, noted = replies[3 * number : 3 * number + 3]
            if not staged:  # its articles expired: nothing to run again
                pipeline.srem(ACTIVE_JOBS_KEY, job_id)
                continue
            done = {int(chunk) for chunk in finished}
            seen = {int(chunk): float(moment) for chunk, moment in noted.items()}
            missing = [
                chunk
                for chunk in range(staged)
                if chunk not in done and task_id(job_id, chunk) not in held
            ]
            gone = [chunk for chunk in missing if seen.get(chunk, now) <= now - grace]
            if gone:
                lost[job_id] = gone
            key = self._missing_key(job_id)
            pipeline.delete(key)
            still: dict[EncodableT, EncodableT] = {
                chunk: seen.get(chunk, now) for chunk in missing if chunk not in gone
            }
            if still:
                pipeline.hset(key, mapping=still)
                pipeline.expire(key, STAGING_TTL_SECONDS)
        self._call(pipeline.execute)
        return lost
